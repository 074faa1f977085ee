// Issue 7, the connector editor's Data tab: live test, restrict and rename
// fields, accept and test the Unix-timestamp code suggestion (real Python
// sandbox), map a field to a contact attribute, save, and check the draft.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventually, screenshot, signedInContext, textOf } from './support/browser-session.ts';
import { useBrowserSuite } from './support/browser-suite.ts';

// Pyodide starts slowly, more so when test files run side by side.
const SANDBOX_MS = 120_000;

const { server, browser, contexts } = useBrowserSuite({
  server: { sandboxPoolSize: 1 },
  setup: async (server) => {
    server.route('/v1/customers/', (request) => ({
      body: {
        id: decodeURIComponent(request.url.slice('/v1/customers/'.length)),
        object: 'customer',
        email: 'ada@customer.test',
        name: 'Ada Lovelace',
        created: 1_700_000_000,
        balance: 0,
        currency: 'eur',
        subscription: { plan: 'pro', status: 'active', current_period_end: 1_710_000_000 },
      },
    }));
  },
  timeout: SANDBOX_MS,
});

async function adminPage(): Promise<Page> {
  const context = await signedInContext(browser, server, server.alice);
  contexts.push(context);
  return context.newPage();
}

describe('connector editor: Data tab', () => {
  it('restricts and renames fields, accepts and tests the timestamp suggestion, maps a field, and saves it all to the draft', { timeout: 4 * SANDBOX_MS }, async () => {
    const created = await server.api('POST', '/data_connectors', {
      name: 'Stripe customer',
      url: `${server.upstream.url}/v1/customers/{{customer_id}}`,
      data_inputs: [{ name: 'customer_id', type: 'string', description: 'The Stripe customer id', required: true }],
    });
    expect(created.status).toBe(201);
    const id: string = created.body.id;

    const page = await adminPage();
    await page.goto(`/settings/connectors/${id}`);
    await page.getByRole('tab', { name: 'Data', exact: true }).click();
    const panel = page.getByTestId('connector-panel-data');

    // Live test: the response becomes the tree.
    await panel.getByLabel(/Test value for customer_id/).fill('cus_42');
    await panel.getByRole('button', { name: 'Run live test' }).click();
    await eventually(() => textOf(page.getByTestId('data-test-status'))).toContain('HTTP 200');
    expect(server.requestsTo('/v1/customers/').map((r) => r.url)).toContain('/v1/customers/cus_42');

    // Restrict two fields and rename one.
    await panel.getByRole('radio', { name: /Manually restrict access/ }).check();
    const tree = page.getByTestId('response-field-tree');
    await tree.waitFor();
    await tree.getByRole('checkbox', { name: 'Expose email' }).check();
    await tree.getByRole('checkbox', { name: 'Expose subscription.plan' }).check();
    await tree.getByRole('button', { name: 'Edit subscription.plan' }).click();
    await tree.getByLabel('Customer-facing name for subscription.plan').fill('Plan');
    await tree.getByLabel('Formatter for subscription.plan').waitFor();

    // The suggestion banner: timestamps found in the response.
    const banner = page.getByTestId('code-suggestions');
    await banner.waitFor();
    expect(await textOf(banner)).toContain('created');
    await banner.getByRole('button', { name: 'View suggestion' }).first().click();
    expect(await textOf(banner.getByLabel(/Suggested code/).first())).toContain("inputs['data']");
    await banner.getByRole('button', { name: 'Test code' }).first().click();
    await expect.poll(() => textOf(banner.getByTestId('suggestion-test-result')), { timeout: SANDBOX_MS, interval: 200 }).toContain('2023-11-14T22:13:20');
    await banner.getByRole('button', { name: 'Accept suggestion' }).first().click();

    // Accepting switches to code and puts the code in the (CodeMirror) editor; testing it shows what it returns.
    expect(await panel.getByRole('radio', { name: /Use code/ }).isChecked()).toBe(true);
    const editor = page.getByTestId('code-editor');
    await eventually(() => textOf(editor.locator('.cm-content'))).toContain('MILLISECONDS');
    expect(await editor.locator('.cm-lineNumbers').count()).toBe(1);
    await page.locator('.code-block').getByRole('button', { name: 'Test code' }).click();
    const codeResult = page.getByTestId('code-test-result');
    await expect.poll(() => textOf(codeResult), { timeout: SANDBOX_MS, interval: 200 }).toContain('2024-03-09T16:00:00');
    expect(await textOf(codeResult)).toContain('Returned');

    // Map a field to a contact attribute (the select lists the workspace's custom attributes).
    await panel.getByRole('button', { name: '+ Add mapping' }).click();
    const mapping = panel.getByRole('listitem', { name: 'Mapping 1' });
    await mapping.getByLabel('Response field').selectOption('subscription.plan');
    await mapping.getByLabel('Write to').selectOption('user');
    await mapping.getByLabel('Attribute').selectOption('plan');
    await screenshot(page, 'connector-data');

    await page.getByRole('button', { name: 'Save draft' }).click();
    await eventually(() => textOf(page.getByRole('status').filter({ hasText: 'Draft saved' }))).toContain('Draft saved');

    const draft = (await server.api('GET', `/data_connectors/${id}?state_version=draft`)).body;
    expect(draft.data_transformation_type).toBe('code_block_transformation');
    expect(draft.code_block).toContain('SECONDS = set(["created","current_period_end"])');
    const selected = draft.response_fields.filter((f: { selected: boolean }) => f.selected);
    expect(selected.map((f: { path: string }) => f.path).sort()).toEqual(['email', 'subscription.plan']);
    expect(selected.find((f: { path: string }) => f.path === 'subscription.plan').label).toBe('Plan');
    expect(selected.find((f: { path: string }) => f.path === 'email').label).toBeNull();
    expect(draft.object_mappings).toEqual([
      {
        response_object_path: '',
        intercom_object_type: 'user',
        attribute_mappings: [{ response_attribute_path: 'subscription.plan', intercom_attribute_identifier: 'plan', mapping_type: 'primitive_mapping' }],
        reference_mappings: [],
      },
    ]);
    // Nothing left unsaved.
    expect(await page.getByText('Unsaved edits').count()).toBe(0);
  });

  it('shows a server validation error of a mapping next to that mapping', async () => {
    const created = await server.api('POST', '/data_connectors', {
      name: 'Mapping to a removed attribute',
      url: `${server.upstream.url}/v1/customers/cus_1`,
      mock_response: { status: 'ok' },
    });
    const doomed = await server.api('POST', '/custom_attribute_definitions', { target: 'contact', name: 'soon_gone', data_type: 'string' });
    expect(doomed.status).toBe(201);
    const page = await adminPage();
    await page.goto(`/settings/connectors/${created.body.id}`);
    await page.getByRole('tab', { name: 'Data', exact: true }).click();
    const panel = page.getByTestId('connector-panel-data');
    await panel.getByRole('button', { name: '+ Add mapping' }).click();
    await panel.getByRole('button', { name: '+ Add mapping' }).click();
    const first = panel.getByRole('listitem', { name: 'Mapping 1' });
    const second = panel.getByRole('listitem', { name: 'Mapping 2' });
    await first.getByLabel('Response field').selectOption('status');
    await first.getByLabel('Attribute').selectOption('plan');
    await second.getByLabel('Response field').selectOption('status');
    await second.getByLabel('Attribute').selectOption('soon_gone');
    // Removed in another tab meanwhile: the server refuses the mapping and names it.
    expect((await server.api('DELETE', `/custom_attribute_definitions/${doomed.body.id}`)).status).toBe(200);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await eventually(() => textOf(second.locator('.field-errors'))).toContain('soon_gone');
    expect(await first.locator('.field-errors').count()).toBe(0);
    expect((await server.api('GET', `/data_connectors/${created.body.id}?state_version=draft`)).body.object_mappings).toEqual([]);
  });
});
