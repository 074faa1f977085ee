// Settings → Retention & email: log retention and the one-time code email are
// saved, survive a reload, and a subject with a line break is refused next to
// its field.
import { expect, it } from 'vitest';
import { eventually, screenshot, signedInContext, textOf } from './support/browser-session.ts';
import { useBrowserSuite } from './support/browser-suite.ts';

const { server, browser, contexts } = useBrowserSuite();

it('saves retention and the email subject, keeps them after a reload, and shows a refused subject next to the field', async () => {
  const context = await signedInContext(browser, server, server.alice);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto('/settings/attributes');
  await page.getByRole('navigation', { name: 'Workspace settings' }).getByRole('link', { name: 'Retention & email' }).click();
  await page.getByRole('heading', { level: 1, name: 'Workspace settings' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/settings/workspace-settings');

  const form = page.getByTestId('workspace-settings-form');
  const retention = form.getByLabel('Keep execution results for (days)');
  const subject = form.getByLabel('Subject (optional)');
  const preview = page.getByTestId('otp-subject-preview');
  expect(await retention.inputValue()).toBe('14');
  const workspaceName = (await server.api('GET', '/workspace_settings')).body.workspace_name as string;
  expect(await textOf(preview)).toBe(`Customers will see the subject: Your ${workspaceName} verification code`);

  await retention.fill('30');
  await subject.fill('{{workspace.name}}: your code');
  expect(await textOf(preview)).toBe(`Customers will see the subject: ${workspaceName}: your code`);
  await form.getByLabel('Sender name (optional)').fill('Acme Support');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await eventually(() => textOf(page.getByRole('status').filter({ hasText: 'Saved' }))).toBe('Saved the workspace settings.');
  expect((await server.api('GET', '/workspace_settings')).body).toMatchObject({
    log_retention_days: 30,
    otp_email_subject: '{{workspace.name}}: your code',
    otp_email_sender_name: 'Acme Support',
  });

  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Workspace settings' }).waitFor();
  await eventually(() => retention.inputValue()).toBe('30');
  expect(await subject.inputValue()).toBe('{{workspace.name}}: your code');
  await screenshot(page, 'settings-workspace');

  // A text input drops typed line breaks, so the request is given one on the
  // way, as a script or another client could send it.
  await page.route('**/api/workspace_settings', async (route) => {
    const request = route.request();
    if (request.method() !== 'PATCH') return route.continue();
    const body = JSON.parse(request.postData() ?? '{}') as Record<string, unknown>;
    await route.continue({ postData: JSON.stringify({ ...body, otp_email_subject: `${String(body.otp_email_subject)}\r\nBcc: someone@example.test` }) });
  });
  await subject.fill('Your code');
  await form.getByRole('button', { name: 'Save settings' }).click();
  const error = form.getByTestId('field-error-otp_email_subject');
  await error.waitFor();
  expect(await textOf(error)).toBe('Must be a single line (no line breaks)');
  expect(await subject.getAttribute('aria-invalid')).toBe('true');
  await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('data-field'))).toBe('otp_email_subject');
  expect((await server.api('GET', '/workspace_settings')).body.otp_email_subject).toBe('{{workspace.name}}: your code');
});
