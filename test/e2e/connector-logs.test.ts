// Settings → Data connectors: the list's state, last run and error rate,
// search, and the Logs view with its filters and a run's (redacted) details.
import { expect, it } from 'vitest';
import { eventually, screenshot, signedInContext, textOf } from './support/browser-session.ts';
import { useBrowserSuite } from './support/browser-suite.ts';

const { server, browser, contexts } = useBrowserSuite({
  setup: async (server) => {
    // Order ids starting with "bad" make the API fail.
    server.route('/stock/', (request) => (request.url.startsWith('/stock/bad') ? { status: 500, body: { error: 'warehouse down' } } : { body: { in_stock: 3, sku: 'SKU-1' } }));
  },
});

async function run(connectorId: string, sku: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await server.api<{ execution_result_id: string }>('POST', `/data_connectors/${connectorId}/execute`, { inputs: { sku }, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.execution_result_id;
}

it('shows state, last run and error rate, searches the list, and opens a failed run with its redacted URL', async () => {
  const stockId = await server.createLiveConnector({
    name: 'Warehouse stock',
    description: 'Checks how many items are left',
    url: `${server.upstream.url}/stock/{{sku}}?api_key=top-secret-key`,
    data_inputs: [{ name: 'sku', type: 'string', required: true }],
    direct_fin_usage: true,
    response_logging: 'full',
  });
  const otherId = (await server.api<{ id: string }>('POST', '/data_connectors', { name: 'Loyalty points', http_method: 'get', url: `${server.upstream.url}/points` })).body.id;
  const { conversationId } = await server.seedConversation({ contact: { name: 'Sam Stock', email: 'sam@customer.test' }, parts: [{ body: 'Is SKU-1 in stock?' }] });
  await run(stockId, 'SKU-1', { source_type: 'inbox' });
  await run(stockId, 'SKU-2', { source_type: 'workflow', source_id: '12' });
  await run(stockId, 'SKU-3', { source_type: 'inbox' });
  const failedId = await run(stockId, 'bad-4', { source_type: 'inbox', conversation_id: String(conversationId) });

  const context = await signedInContext(browser, server, server.alice);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto('/inbox');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Data connectors' }).click();

  const stockRow = page.getByTestId(`connector-row-${stockId}`);
  const otherRow = page.getByTestId(`connector-row-${otherId}`);
  await stockRow.waitFor();
  expect(await textOf(stockRow.getByTestId('connector-state'))).toBe('Live');
  expect(await textOf(otherRow.getByTestId('connector-state'))).toBe('Draft');
  expect(await textOf(stockRow.getByTestId('connector-last-run'))).toContain('Failed (3rd_party_error)');
  expect(await textOf(stockRow.getByTestId('connector-error-rate'))).toBe('25% (1 of 4 runs failed)');
  expect(await textOf(otherRow.getByTestId('connector-last-run'))).toBe('Never run');
  expect(await textOf(stockRow.getByTestId('connector-direct-use'))).toBe('Direct');
  expect(await textOf(otherRow.getByTestId('connector-direct-use'))).toBe('Manual');

  // Search matches the description too.
  await page.getByLabel('Search connectors').fill('items are left');
  await eventually(() => otherRow.count()).toBe(0);
  expect(await stockRow.count()).toBe(1);
  await page.getByLabel('Search connectors').fill('loyalty');
  await eventually(() => stockRow.count()).toBe(0);
  expect(await otherRow.count()).toBe(1);
  await page.getByLabel('Search connectors').fill('');
  await stockRow.waitFor();

  await stockRow.getByRole('link', { name: 'Logs of Warehouse stock' }).click();
  await page.waitForURL(`**/settings/connectors/${stockId}/logs`);
  await page.getByRole('heading', { name: 'Logs: Warehouse stock' }).waitFor();
  const rows = page.getByTestId('logs-list').locator('tbody tr');
  await eventually(() => rows.count()).toBe(4);
  // The list shows the URL as the server logged it: the query string's secret redacted.
  expect(await page.getByTestId('logs-list').textContent()).not.toContain('top-secret-key');

  await page.getByTestId('logs-filter-status').selectOption('false');
  await eventually(() => rows.count()).toBe(1);
  const failedRow = page.getByTestId(`log-row-${failedId}`);
  expect(await textOf(failedRow)).toContain('3rd_party_error');

  await failedRow.getByRole('button', { name: /Details of run/ }).click();
  const detail = page.getByTestId('log-detail');
  await detail.getByTestId('log-detail-url').waitFor();
  const url = await textOf(detail.getByTestId('log-detail-url'));
  expect(url).toContain(`${server.upstream.url}/stock/bad-4?api_key=***`);
  expect(url).not.toContain('top-secret-key');
  expect(await textOf(detail.getByTestId('log-detail-error'))).toContain('3rd_party_error');
  expect(await textOf(detail)).toContain(`Conversation ${conversationId}`);
  expect(await textOf(detail)).toContain('Entire response');
  await screenshot(page, 'connector-logs');

  // The source filter (a Patchbay extension of the endpoint) is applied by the server.
  await page.getByTestId('logs-filter-status').selectOption('');
  await page.getByTestId('logs-filter-source').selectOption('workflow');
  await eventually(() => rows.count()).toBe(1);
  expect(await textOf(rows.first())).toContain('workflow (12)');

  // Duplicate: a draft copy named "Copy of …", listed first (most recently updated).
  await page.getByRole('link', { name: '← Data connectors' }).click();
  await page.getByRole('button', { name: 'Duplicate Warehouse stock' }).click();
  await page.getByRole('heading', { name: 'Copy of Warehouse stock' }).waitFor();
  const copyRow = page.getByTestId('connector-list').locator('li').first();
  expect(await textOf(copyRow.getByRole('heading'))).toBe('Copy of Warehouse stock');
  expect(await textOf(copyRow.getByTestId('connector-state'))).toBe('Draft');
  expect(await textOf(copyRow.getByTestId('connector-last-run'))).toBe('Never run');
  const copies = await server.db.dataConnectorVersion.findMany({ where: { name: 'Copy of Warehouse stock' } });
  expect(copies).toHaveLength(1);
  expect(copies[0]!.url).toBe(`${server.upstream.url}/stock/{{sku}}?api_key=top-secret-key`);
});
