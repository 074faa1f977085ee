// The connector list's run summary (last run, error rate) and the execution
// log's source and conversation filters (Patchbay extensions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyName, duplicateRequest } from '../../../client/src/settings/connectors/duplicate-connector.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

let app: TestApp;
let upstream: Upstream;
let conversationId: number;
let otherConversationId: number;

beforeAll(async () => {
  app = await startTestApp();
  upstream = await startUpstream();
  const contact = await app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'user', email: 'ann@example.test', name: 'Ann' } });
  conversationId = (await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId: contact.id } })).id;
  otherConversationId = (await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId: contact.id } })).id;
});
afterAll(async () => {
  await upstream?.close();
  await app?.close();
});

// Replies 500 for order ids starting with "bad", 200 otherwise.
const orderApi = () =>
  upstream.handle((request) => (request.url.includes('/orders/bad') ? { status: 500, body: { error: 'boom' } } : { body: { status: 'shipped' } }));

async function createConnector(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await app.call('POST', '/data_connectors', {
    body: { name, http_method: 'get', url: `${upstream.url}/orders/{{order_id}}?api_key=s3cret`, data_inputs: [{ name: 'order_id', type: 'string', required: true }], ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

async function publish(id: string): Promise<void> {
  const res = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { state: 'live', security_acknowledgement: true } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function execute(id: string, orderId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await app.call('POST', '/data_connectors/{id}/execute', { params: { id }, body: { inputs: { order_id: orderId }, ...extra } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.execution_result_id;
}

const listed = async (id: string) => {
  const res = await app.call('GET', '/data_connectors', { query: { per_page: '50' } });
  expect(res.status).toBe(200);
  return res.body.data.find((c: { id: string }) => c.id === id);
};

describe('GET /data_connectors run summary (Patchbay extension)', () => {
  it('shows no runs, unpublished changes and the draft URL for a new draft', async () => {
    const id = await createConnector('Never run');
    expect(await listed(id)).toMatchObject({
      state: 'draft',
      has_unpublished_changes: true,
      url: `${upstream.url}/orders/{{order_id}}?api_key=s3cret`,
      last_run: null,
      run_stats: { window_hours: 24, total: 0, failures: 0, error_rate: null },
    });
  });

  it('counts live runs of the last 24 hours, reports the latest run and ignores draft test runs', async () => {
    orderApi();
    const id = await createConnector('Order status');
    await publish(id);
    // A run two days ago is outside the window (ids grow with time: written first).
    await app.db.executionResult.create({
      data: { workspaceId: app.workspaceId, dataConnectorId: Number(id), version: 'live', success: false, httpMethod: 'get', errorType: '3rd_party_error', createdAt: new Date(Date.now() - 48 * 3600_000) },
    });
    await execute(id, 'A-1');
    await execute(id, 'A-2');
    await execute(id, 'A-3');
    const lastId = await execute(id, 'bad-1');
    // The admin's test of the draft must not count as a run for callers.
    const test = await app.call('POST', '/data_connectors/{id}/test', { params: { id }, body: { inputs: { order_id: 'A-9' } } });
    expect(test.status).toBe(200);

    const summary = await listed(id);
    expect(summary).toMatchObject({
      state: 'live',
      has_unpublished_changes: false,
      last_run: { execution_result_id: lastId, success: false, error_type: '3rd_party_error' },
      run_stats: { window_hours: 24, total: 4, failures: 1, error_rate: 0.25 },
    });
    expect(summary.last_run.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('keeps each connector\'s numbers apart and says when the draft has unpublished changes', async () => {
    orderApi();
    const a = await createConnector('All good');
    const b = await createConnector('All bad');
    await publish(a);
    await publish(b);
    await execute(a, 'A-1');
    await execute(b, 'bad-1');
    await execute(b, 'bad-2');
    const edit = await app.call('PATCH', '/data_connectors/{id}', { params: { id: a }, body: { description: 'Changed in the draft' } });
    expect(edit.status).toBe(200);

    expect(await listed(a)).toMatchObject({ has_unpublished_changes: true, last_run: { success: true }, run_stats: { total: 1, failures: 0, error_rate: 0 } });
    expect(await listed(b)).toMatchObject({ has_unpublished_changes: false, last_run: { success: false }, run_stats: { total: 2, failures: 2, error_rate: 1 } });
  });
});

describe('GET /data_connectors/{id}/execution_results source_type and conversation_id filters (Patchbay extension)', () => {
  let id: string;
  let inboxRun: string;
  let workflowRun: string;
  let otherConversationRun: string;

  beforeAll(async () => {
    orderApi();
    id = await createConnector('Filtered logs');
    await publish(id);
    inboxRun = await execute(id, 'A-1', { source_type: 'inbox', conversation_id: String(conversationId) });
    workflowRun = await execute(id, 'bad-1', { source_type: 'workflow', source_id: '77', conversation_id: String(conversationId) });
    otherConversationRun = await execute(id, 'A-2', { source_type: 'workflow', conversation_id: String(otherConversationId) });
  });

  const results = (query: Record<string, string>) => app.call('GET', '/data_connectors/{id}/execution_results', { params: { id }, query });
  const ids = (body: { data: { id: string }[] }) => body.data.map((r) => r.id);

  it('filters by source type', async () => {
    const res = await results({ source_type: 'workflow' });
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([otherConversationRun, workflowRun]);
    expect(ids((await results({ source_type: 'inbox' })).body)).toEqual([inboxRun]);
    expect(ids((await results({ source_type: 'fin' })).body)).toEqual([]);
  });

  it('filters by conversation, combined with the other filters', async () => {
    expect(ids((await results({ conversation_id: String(conversationId) })).body)).toEqual([workflowRun, inboxRun]);
    expect(ids((await results({ conversation_id: String(conversationId), success: 'false' })).body)).toEqual([workflowRun]);
    expect(ids((await results({ conversation_id: String(otherConversationId), source_type: 'inbox' })).body)).toEqual([]);
  });

  it('returns the redacted URL of a run when asked', async () => {
    const res = await results({ conversation_id: String(otherConversationId), include_request_url: 'true' });
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0].request_url).toBe(`${upstream.url}/orders/A-2?api_key=***`);
    expect(JSON.stringify(res.body)).not.toContain('s3cret');
  });

  it('rejects an unknown source type and a non-numeric conversation id, naming the field', async () => {
    const badSource = await results({ source_type: 'email' });
    expect(badSource.status).toBe(400);
    expect(badSource.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'source_type' });
    expect(badSource.body.errors[0].message).toContain('Must be one of: custom_bot');

    for (const value of ['abc', '0', '-1', '99999999999']) {
      const badConversation = await results({ conversation_id: value });
      expect(badConversation.status, value).toBe(400);
      expect(badConversation.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'conversation_id' });
      expect(badConversation.body.errors[0].message).toContain('positive numeric id');
    }
  });
});

describe('duplicating a connector from the list (client/src/settings/connectors/duplicate-connector.ts)', () => {
  it('creates a draft "Copy of …" with the source draft\'s configuration, header names kept and values blanked', async () => {
    await app.db.customAttributeDefinition.create({ data: { workspaceId: app.workspaceId, target: 'conversation', name: 'order_status' } });
    const id = await createConnector('Rich connector', {
      description: 'Looks up orders',
      headers: [{ name: 'X-Api-Key', value: 'header-secret' }],
      direct_fin_usage: true,
      audience_rules: { all: [{ type: 'role', operator: 'equals', value: 'user' }] },
      data_transformation_type: 'redacted_access',
      mock_response: { status: 'shipped', total: 3 },
      response_fields: [{ path: 'status', type: 'string', label: 'Order status', selected: true }],
      object_mappings: [{ intercom_object_type: 'conversation', attribute_mappings: [{ response_attribute_path: 'status', intercom_attribute_identifier: 'order_status' }] }],
      example_questions: ['Where is my order?'],
      response_logging: 'none',
      timeout_ms: 5000,
    });
    await publish(id);
    // The copy takes the draft's latest edits, even unpublished ones.
    expect((await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { description: 'Looks up orders (edited)' } })).status).toBe(200);
    const source = await app.call('GET', '/data_connectors/{id}', { params: { id }, query: { state_version: 'draft' } });

    const { body, blankedHeaders } = duplicateRequest(source.body);
    expect(blankedHeaders).toEqual(['X-Api-Key']);
    const created = await app.call('POST', '/data_connectors', { body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    // PostgreSQL's jsonb reorders the example's keys, and response fields follow the example's order.
    const byPath = (fields: unknown) => [...(fields as { path: string }[])].sort((x, y) => x.path.localeCompare(y.path));
    const strip = ({ id: _i, name: _n, state: _s, created_at: _c, updated_at: _u, execution_results_url: _e, has_unpublished_changes: _h, has_live_version: _l, response_fields, ...rest }: Record<string, unknown>) => ({
      ...rest,
      response_fields: byPath(response_fields),
    });
    expect(created.body).toMatchObject({ name: 'Copy of Rich connector', state: 'draft', description: 'Looks up orders (edited)' });
    expect(strip(created.body)).toEqual(strip(source.body));
    expect(created.body.id).not.toBe(id);
    // The secret header value was not copied.
    const versions = await app.db.dataConnectorVersion.findMany({ where: { dataConnectorId: Number(created.body.id) } });
    expect(versions).toHaveLength(1);
    expect(app.secrets.decrypt((versions[0]!.headers as { valueEncrypted: string }[])[0]!.valueEncrypted)).toBe('');
  });

  it('keeps a copy\'s name within the 255-character limit', () => {
    expect(copyName('x'.repeat(255))).toHaveLength(255);
    expect(copyName('')).toBe('Copy of Untitled connector');
  });
});
