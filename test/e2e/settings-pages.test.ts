// Settings → Attributes and Settings → API tokens: a validation error shown
// next to its field, then success; an API token shown once, copied, used and
// revoked.
import { expect, it } from 'vitest';
import { eventually, screenshot, signedInContext, textOf } from './support/browser-session.ts';
import { useBrowserSuite } from './support/browser-suite.ts';
import { NARROW } from './support/chromium.ts';

const { server, browser, contexts } = useBrowserSuite();

it('creates a custom attribute: the server refuses a bad name next to the field, then accepts a good one', async () => {
  const context = await signedInContext(browser, server, server.alice);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto('/inbox');
  await page.getByRole('group', { name: 'Settings' }).getByRole('link', { name: 'Workspace' }).click();
  await page.getByRole('navigation', { name: 'Workspace settings' }).getByRole('link', { name: 'API tokens' }).click();
  await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();
  await page.getByRole('navigation', { name: 'Workspace settings' }).getByRole('link', { name: 'Attributes' }).click();
  await page.getByRole('heading', { level: 1, name: 'Custom attributes' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/settings/attributes');

  await page.getByRole('button', { name: 'New attribute' }).click();
  const form = page.getByTestId('attribute-form');
  const name = form.getByLabel('Name', { exact: true });
  await name.fill('order count');
  await form.getByLabel('Data type').selectOption('integer');
  await form.getByLabel('Protected').check();
  await form.getByRole('button', { name: 'Create attribute' }).click();

  const nameError = form.getByTestId('field-error-name');
  await nameError.waitFor();
  expect(await textOf(nameError)).toBe('Must start with a letter or underscore and contain only letters, digits and underscores');
  expect(await name.getAttribute('aria-invalid')).toBe('true');
  expect(await name.getAttribute('aria-describedby')).toContain(await nameError.getAttribute('id'));
  await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('data-field'))).toBe('name');
  await screenshot(page, 'settings-attributes-error');
  expect((await server.api('GET', '/custom_attribute_definitions')).body.data.filter((d: { name: string }) => /^order.count$/.test(d.name))).toEqual([]);

  await name.fill('order_count');
  await form.getByRole('button', { name: 'Create attribute' }).click();
  const row = page.getByTestId('attribute-row-order_count');
  await row.waitFor();
  expect(await form.count()).toBe(0);
  expect(await textOf(row)).toContain('Whole number');
  expect(await textOf(row)).toContain('Protected');
  expect(await textOf(page.getByRole('status').filter({ hasText: 'Created' }))).toBe('Created the contact attribute “order_count”.');
  await screenshot(page, 'settings-attributes');

  const stored = (await server.api('GET', '/custom_attribute_definitions', undefined)).body.data.find((d: { name: string }) => d.name === 'order_count');
  expect(stored).toMatchObject({ target: 'contact', data_type: 'integer', protected: true });
});

it('shows a new API token once, copies it, and revokes it so the API refuses it', async () => {
  const context = await signedInContext(browser, server, server.alice);
  contexts.push(context);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  await page.goto('/settings/api-tokens');
  await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();

  // An empty name is refused next to the field.
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.getByTestId('field-error-name').waitFor();
  expect(await textOf(page.getByTestId('field-error-name'))).toBe('Must not be empty');

  await page.getByLabel('Token name').fill('Billing sync');
  await page.getByRole('button', { name: 'Create token' }).click();
  const secretPanel = page.getByTestId('api-token-secret');
  await secretPanel.waitFor();
  const token = await secretPanel.getByLabel('New API token').inputValue();
  expect(token.length).toBeGreaterThan(20);
  await screenshot(page, 'settings-api-tokens-created');

  const callWith = (bearer: string) => fetch(`${server.url}/api/admins`, { headers: { Authorization: `Bearer ${bearer}` } }).then((r) => r.status);
  expect(await callWith(token)).toBe(200);

  await secretPanel.getByRole('button', { name: 'Copy' }).click();
  await secretPanel.getByRole('button', { name: 'Copied' }).waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await secretPanel.getByRole('button', { name: 'Done' }).click();
  await secretPanel.waitFor({ state: 'detached' });
  // Gone for good: neither the page nor a fresh list holds it.
  expect(await page.content()).not.toContain(token);
  await page.reload();
  const row = page.getByRole('row', { name: /Billing sync/ });
  await row.waitFor();
  expect(await page.content()).not.toContain(token);
  expect(await textOf(row)).toContain('Active');
  expect(await textOf(row)).toContain(token.slice(0, 8));

  await row.getByRole('button', { name: 'Revoke Billing sync' }).click();
  await row.getByRole('button', { name: 'Revoke', exact: true }).click();
  await eventually(() => textOf(row)).toContain('Revoked');
  await screenshot(page, 'settings-api-tokens-revoked');
  expect(await callWith(token)).toBe(401);
});

it('adds an auth token whose value is write-only, with a missing value shown next to its field', async () => {
  const context = await signedInContext(browser, server, server.alice);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto('/settings/auth-tokens');
  await page.getByRole('heading', { level: 1, name: 'Auth tokens' }).waitFor();
  await page.getByRole('button', { name: 'New auth token' }).click();
  const form = page.getByTestId('auth-token-form');
  await form.getByLabel('Name', { exact: true }).fill('Billing API');
  await form.getByRole('button', { name: 'Save auth token' }).click();
  await form.getByTestId('field-error-value').waitFor();
  expect(await textOf(form.getByTestId('field-error-value'))).toBe('Must not be empty');

  const secretValue = 'sk_e2e_very_secret_value_123';
  await form.getByLabel('Token', { exact: true }).fill(secretValue);
  await form.getByRole('button', { name: 'Save auth token' }).click();
  const row = page.getByRole('row', { name: /Billing API/ });
  await row.waitFor();
  expect(await textOf(row)).toContain('Authorization: Bearer ****');
  expect(await page.content()).not.toContain(secretValue);
  await screenshot(page, 'settings-auth-tokens');
  const stored = (await server.api('GET', '/auth_tokens')).body.data.find((t: { name: string }) => t.name === 'Billing API');
  expect(stored).toMatchObject({ kind: 'static', value: '****' });
});

it('creates and rotates the messenger secret (shown once, both valid until finished) and names a bad JWKS URL next to its field', async () => {
  const context = await signedInContext(browser, server, server.alice);
  contexts.push(context);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  await page.goto('/settings/messenger');
  const secretSection = page.getByTestId('messenger-secret');
  await secretSection.waitFor();
  const before = (await server.api('GET', '/messenger_security')).body;

  if (!before.secret_set) {
    await secretSection.getByRole('button', { name: 'Create secret' }).click();
    await secretSection.getByLabel('New messenger secret').waitFor();
    await secretSection.getByRole('button', { name: 'Copy' }).click();
    await secretSection.getByRole('button', { name: 'Done' }).click();
  }
  await secretSection.getByRole('button', { name: 'Rotate secret' }).click();
  const secret = await secretSection.getByLabel('New messenger secret').inputValue();
  expect(secret).toMatch(/^[0-9a-f]{64}$/);
  expect(await textOf(secretSection)).toContain('Rotation in progress');
  expect((await server.api('GET', '/messenger_security')).body).toMatchObject({ secret_set: true, previous_secret_set: true });
  await screenshot(page, 'settings-messenger-rotation');
  await secretSection.getByRole('button', { name: 'Copy' }).click();
  await secretSection.getByRole('button', { name: 'Done' }).click();
  expect(await page.content()).not.toContain(secret);

  await secretSection.getByRole('button', { name: 'Finish rotation…' }).click();
  await secretSection.getByRole('button', { name: 'Finish rotation', exact: true }).click();
  await secretSection.getByRole('button', { name: 'Rotate secret' }).waitFor();
  expect((await server.api('GET', '/messenger_security')).body.previous_secret_set).toBe(false);

  await page.getByLabel('JWKS URL (optional)').fill('http://keys.example.com/jwks.json');
  await page.getByRole('button', { name: 'Save settings' }).click();
  const jwksError = page.getByTestId('field-error-jwks_url');
  await jwksError.waitFor();
  expect(await textOf(jwksError)).toBe('Must be an https URL without credentials or fragment (http only for localhost)');
  await page.getByLabel('JWKS URL (optional)').fill('');
  await page.getByLabel('Enforce identity verification').check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved the messenger security settings.' }).waitFor();
  expect((await server.api('GET', '/messenger_security')).body.identity_verification_enforced).toBe(true);
});

it('builds an audience from rule rows, with a bad rule value named under its row, and shows the outbox', async () => {
  const context = await signedInContext(browser, server, server.alice);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto('/settings/audiences');
  await page.getByRole('heading', { level: 1, name: 'Audiences' }).waitFor();
  await page.getByRole('button', { name: 'New audience' }).click();
  const form = page.getByTestId('audience-form');
  await form.getByLabel('Name', { exact: true }).fill('Enterprise');
  await form.getByLabel('Rule 1: attribute').selectOption('plan');
  await form.getByLabel('Rule 1: operator').selectOption('greater_than');
  await form.getByLabel('Rule 1: value').fill('lots');
  await form.getByRole('button', { name: 'Save audience' }).click();
  const rowError = form.getByTestId('audience-rule-0').locator('.field-error');
  await rowError.waitFor();
  expect(await textOf(rowError)).toMatch(/number/i);
  expect(await form.getByLabel('Rule 1: value').getAttribute('aria-invalid')).toBe('true');
  await screenshot(page, 'settings-audiences-error');

  await form.getByLabel('Rule 1: operator').selectOption('equals');
  await form.getByLabel('Rule 1: value').fill('enterprise');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await form.getByLabel('Rule 2: what').selectOption('email_verified');
  await form.getByRole('button', { name: 'Save audience' }).click();
  const row = page.getByRole('row', { name: /Enterprise/ });
  await row.waitFor();
  expect(await textOf(row)).toContain('plan is "enterprise" and email verified');
  const stored = (await server.api('GET', '/audiences')).body.data.find((a: { name: string }) => a.name === 'Enterprise');
  expect(stored.rules).toEqual({ all: [{ type: 'attribute', attribute: 'plan', operator: 'equals', value: 'enterprise' }, { type: 'email_verified', value: true }] });

  await page.getByRole('navigation', { name: 'Workspace settings' }).getByRole('link', { name: 'Outbox' }).click();
  await page.getByRole('heading', { level: 1, name: 'Outbox' }).waitFor();
  await page.getByRole('heading', { name: 'No emails' }).or(page.getByTestId('outbox-list')).first().waitFor();
});

it('fits a ~400px wide window: tables scroll inside their box, the page itself does not', async () => {
  const context = await signedInContext(browser, server, server.alice, { viewport: NARROW });
  contexts.push(context);
  const page = await context.newPage();
  for (const slug of ['attributes', 'api-tokens', 'messenger']) {
    await page.goto(`/settings/${slug}`);
    await page.locator('.settings-page h1').waitFor();
    await page.getByRole('status').filter({ hasText: /^Loading/ }).waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.documentElement.scrollWidth), slug).toBeLessThanOrEqual(NARROW.width);
  }
  await page.goto('/settings/attributes');
  await page.getByTestId('attribute-list').waitFor();
  await screenshot(page, 'settings-attributes-narrow');
});
