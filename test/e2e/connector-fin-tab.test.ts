// Issue 7, the Fin tab: direct or manual use, a custom audience built with the
// rule builder, saved through "Save draft", and the preview of what the AI
// agent would see for a contact inside and one outside the audience.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventually, screenshot, signedInContext, textOf } from './support/browser-session.ts';
import { useBrowserSuite } from './support/browser-suite.ts';

const { server, browser, contexts } = useBrowserSuite({
  setup: async (server) => {
    server.route('/plans/', (request) => {
      const email = decodeURIComponent(request.url.slice('/plans/'.length));
      return { body: { email, plan_name: 'Pro', seats: 12, renews_on: '2026-09-01' } };
    });
  },
});

async function adminPage(): Promise<Page> {
  const context = await signedInContext(browser, server, server.alice);
  contexts.push(context);
  return context.newPage();
}

const draftOf = async (id: string) => (await server.api('GET', `/data_connectors/${id}?state_version=draft`)).body;

async function saveDraft(page: Page) {
  await page.getByRole('button', { name: 'Save draft', exact: true }).click();
  await eventually(() => textOf(page.getByRole('status').filter({ hasText: 'Draft saved' }))).toContain('Draft saved');
}

async function pickContact(page: Page, query: string, name: RegExp) {
  await page.getByLabel('Contact (name, email, external id or id)').fill(query);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('radio', { name }).check();
}

describe('connector editor: Fin tab', () => {
  it('switches between manual and direct use, builds custom rules, and previews for contacts inside and outside them', async () => {
    const created = await server.api('POST', '/data_connectors', {
      name: 'Plan details',
      description: 'Looks up the plan of the customer.',
      http_method: 'get',
      url: `${server.upstream.url}/plans/{{user.email}}`,
      direct_fin_usage: true,
    });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const pro = await server.seedConversation({ contact: { name: 'Petra Pro', email: 'petra@customer.test', customAttributes: { plan: 'pro' } }, parts: [{ body: 'Hi' }] });
    await server.seedConversation({ contact: { name: 'Fred Free', email: 'fred@customer.test', customAttributes: { plan: 'free' } }, parts: [{ body: 'Hello' }] });

    const page = await adminPage();
    await page.goto(`/settings/connectors/${id}`);
    await page.getByRole('tab', { name: 'Fin', exact: true }).click();
    const direct = page.getByRole('radio', { name: /^Direct/ });
    const manual = page.getByRole('radio', { name: /^Manual/ });
    expect(await direct.isChecked()).toBe(true);

    await manual.check();
    await saveDraft(page);
    expect((await draftOf(id)).direct_fin_usage).toBe(false);

    await direct.check();
    await page.getByRole('radio', { name: 'Custom rules' }).check();
    const builder = page.getByTestId('rule-builder');
    await builder.getByRole('button', { name: '+ Role rule' }).click();
    await builder.getByRole('button', { name: '+ Attribute rule' }).click();
    expect(await builder.getByLabel('Rule 1: role', { exact: true }).inputValue()).toBe('user');
    await builder.getByLabel('Rule 2: attribute name').fill('plan');
    await builder.getByLabel('Rule 2: comparison').selectOption('equals');
    await builder.getByLabel('Rule 2: value').fill('pro');
    await saveDraft(page);
    const saved = await draftOf(id);
    expect(saved).toMatchObject({
      direct_fin_usage: true,
      audience_mode: 'custom',
      audience_ids: [],
      audience_rules: { all: [{ type: 'role', operator: 'equals', value: 'user' }, { type: 'attribute', attribute: 'plan', operator: 'equals', value: 'pro' }] },
    });

    // A contact in the audience: the live preview calls the API with the contact's email and shows the shaped data.
    await pickContact(page, 'petra@', /Petra Pro/);
    await page.getByRole('radio', { name: /Live response/ }).check();
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const result = page.getByTestId('fin-preview-result');
    await eventually(() => textOf(result)).toContain('In the audience');
    expect(await textOf(page.getByTestId('fin-preview-data'))).toContain('"plan_name": "Pro"');
    expect(server.requestsTo('/plans/').map((r) => r.url)).toContain('/plans/petra%40customer.test');
    expect(await textOf(result)).toContain(`#${pro.contactId}`);
    await result.scrollIntoViewIfNeeded();
    await screenshot(page, 'connector-fin');

    // A contact outside it: the preview says so and sends nothing.
    const before = server.requestsTo('/plans/').length;
    await pickContact(page, 'fred', /Fred Free/);
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await eventually(() => textOf(page.getByTestId('fin-preview-outside'))).toContain('Not in the audience');
    expect(await page.getByTestId('fin-preview-data').count()).toBe(0);
    expect(server.requestsTo('/plans/').length).toBe(before);
  });

  it('previews the AI agent\'s decision for a sample message: candidates, inputs and the reply, calling the API only when asked', async () => {
    const id = await server.createLiveConnector({
      name: 'Subscription plan',
      description: 'Returns the subscription plan and seats of the customer. Use it when a customer asks which plan they are on.',
      example_questions: ['Which plan am I on?'],
      url: `${server.upstream.url}/plans/{{user.email}}`,
      direct_fin_usage: true,
      data_transformation_type: 'full_access',
    });
    await server.seedConversation({ contact: { name: 'Lena Live', email: 'lena@customer.test' }, parts: [{ body: 'Hi' }] });
    const page = await adminPage();
    await page.goto(`/settings/connectors/${id}`);
    await page.getByRole('tab', { name: 'Fin', exact: true }).click();
    await pickContact(page, 'lena@', /Lena Live/);
    const message = page.getByLabel('Customer message');
    // The first example question is the sample message.
    expect(await message.inputValue()).toBe('Which plan am I on?');

    const before = server.requestsTo('/plans/').length;
    await page.getByRole('button', { name: 'Preview decision', exact: true }).click();
    const result = page.getByTestId('agent-preview-result');
    await eventually(() => textOf(page.getByTestId('agent-preview-action'))).toContain('Answer with the connector’s data with “Subscription plan”');
    const row = result.getByRole('row', { name: /Subscription plan/ });
    expect(await textOf(row)).toMatch(/allowed/);
    expect(await textOf(row)).toMatch(/plan/);
    expect(await textOf(result)).toContain('GET');
    expect(server.requestsTo('/plans/').length).toBe(before);

    // Live: the API is called once and the customer's reply is built from its data.
    await page.getByLabel('Run the chosen connector live (calls the real API)').check();
    await page.getByRole('button', { name: 'Preview decision', exact: true }).click();
    await eventually(() => textOf(page.getByTestId('agent-preview-data'))).toContain('"plan_name": "Pro"');
    expect(server.requestsTo('/plans/').length).toBe(before + 1);
    expect(await textOf(page.getByTestId('agent-preview-reply'))).toContain('Pro');
    await page.getByTestId('agent-preview-reply').scrollIntoViewIfNeeded();
    await screenshot(page, 'connector-fin-agent-preview');

    // A message nothing matches: the agent would hand off, and says why.
    await message.fill('Can you sing me a song about penguins?');
    await page.getByLabel('Run the chosen connector live (calls the real API)').uncheck();
    await page.getByRole('button', { name: 'Preview decision', exact: true }).click();
    await eventually(() => textOf(page.getByTestId('agent-preview-action'))).toContain('Hand the conversation to the team');
    expect(server.requestsTo('/plans/').length).toBe(before + 1);
  });

  it('shows the server\'s error next to the rule that causes it', async () => {
    const created = await server.api('POST', '/data_connectors', { name: 'Rule errors', http_method: 'get', url: `${server.upstream.url}/plans/x` });
    const page = await adminPage();
    await page.goto(`/settings/connectors/${created.body.id}`);
    await page.getByRole('tab', { name: 'Fin', exact: true }).click();
    await page.getByRole('radio', { name: 'Custom rules' }).check();
    const builder = page.getByTestId('rule-builder');
    await builder.getByRole('button', { name: '+ Attribute rule' }).click();
    await builder.getByLabel('Rule 1: attribute name').fill('no_such_attribute');
    await builder.getByLabel('Rule 1: value').fill('x');
    await page.getByRole('button', { name: 'Save draft', exact: true }).click();
    const rule = builder.getByRole('group', { name: 'Rule 1' });
    await eventually(() => textOf(rule.locator('.field-errors'))).toContain('no contact attribute named "no_such_attribute"');
    expect((await draftOf(created.body.id)).audience_mode).toBe('everyone');
  });
});
