// POST /data_connectors/{id}/test (the draft, as the admin's test button) and
// POST /data_connectors/{id}/execute (the live version), against a real upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunContext, RunContextError } from '../../../server/connectors/pipeline/run-context.ts';
import { runConnector } from '../../../server/connectors/pipeline/run-connector.ts';
import { createDb, type Db } from '../../../server/db/client.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { TEST_POSTGRES_URL, testProvider } from '../../support/test-database.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

let app: TestApp;
let upstream: Upstream;
let contactId: number;
let conversationId: number;

beforeAll(async () => {
  app = await startTestApp();
  upstream = await startUpstream();
  await app.db.customAttributeDefinition.createMany({
    data: [
      { workspaceId: app.workspaceId, target: 'contact', name: 'plan' },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'order_status' },
    ],
  });
  contactId = (await app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'user', externalId: 'u-1', email: 'ann@example.test', name: 'Ann', customAttributes: { plan: 'free' } } })).id;
  conversationId = (await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId } })).id;
});
afterAll(async () => {
  await upstream?.close();
  await app?.close();
});

const order = {
  order: { id: 1001, status: 'shipped', shipped_at: '2026-01-02T10:00:00Z', customer: { address: { city: 'Oslo' } } },
  items: [1, 2],
  paid: true,
  total: 12.5,
};

async function create(body: Record<string, unknown>): Promise<string> {
  const res = await app.call('POST', '/data_connectors', { body: { http_method: 'get', ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

async function publish(id: string): Promise<void> {
  const res = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { state: 'live' } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.state).toBe('live');
}

const testRun = (id: string, body?: unknown, token?: string | null) => app.call('POST', '/data_connectors/{id}/test', { params: { id }, ...(body !== undefined && { body }), ...(token !== undefined && { token }) });
const execute = (id: string, body?: unknown, token?: string | null) => app.call('POST', '/data_connectors/{id}/execute', { params: { id }, ...(body !== undefined && { body }), ...(token !== undefined && { token }) });
const executionResults = () => app.db.executionResult.count();

describe('POST /data_connectors/{id}/test', () => {
  it('in live mode really calls the API, says so, and returns the raw and shaped response with derived response fields', async () => {
    const id = await create({
      name: 'Order lookup',
      url: `${upstream.url}/orders/{{order_id}}?key=abc`,
      data_inputs: [{ name: 'order_id', type: 'string', required: true }],
      data_transformation_type: 'redacted_access',
      response_fields: [{ path: 'order.status', type: 'string', label: 'Order status', selected: true }],
    });
    upstream.handle(() => ({ body: order }));
    const before = upstream.requests.length;

    const res = await testRun(id, { inputs: { order_id: 'A-1' } });

    expect(res.status).toBe(200);
    expect(upstream.requests).toHaveLength(before + 1);
    expect(upstream.requests.at(-1)!.url).toBe('/orders/A-1?key=abc');
    expect(res.body).toMatchObject({
      type: 'data_connector.test_result',
      mode: 'live',
      called_api: true,
      success: true,
      http_status: 200,
      error_type: null,
      error_message: null,
      input_errors: [],
      request_url: `${upstream.url}/orders/A-1?key=***`,
      warnings: [],
    });
    expect(res.body.notice).toMatch(/sent a real request to the API/);
    expect(res.body.raw_response).toEqual(order);
    // redacted_access: only the selected field, under its label.
    expect(res.body.shaped_response).toEqual({ 'Order status': 'shipped' });
    expect(res.body.response_fields).toEqual([
      { path: 'order.id', type: 'integer', example_value: 1001 },
      { path: 'order.status', type: 'string', example_value: 'shipped' },
      { path: 'order.shipped_at', type: 'datetime', example_value: '2026-01-02T10:00:00Z' },
      { path: 'order.customer.address', type: 'unknown', example_value: null },
      { path: 'items', type: 'unknown', example_value: null },
      { path: 'paid', type: 'boolean', example_value: true },
      { path: 'total', type: 'decimal', example_value: 12.5 },
    ]);
    expect(res.body.execution_time_ms).toBeGreaterThanOrEqual(0);
    const row = await app.db.executionResult.findUniqueOrThrow({ where: { id: Number(res.body.execution_result_id) } });
    expect(row).toMatchObject({ dataConnectorId: Number(id), version: 'draft', success: true, httpStatus: 200, sourceType: null });
  });

  it('runs the draft, while execute runs the live version', async () => {
    const id = await create({ name: 'Versioned', url: `${upstream.url}/v1/status` });
    await publish(id);
    const edited = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { url: `${upstream.url}/v2/status` } });
    expect(edited.status).toBe(200);
    upstream.handle((req) => ({ body: { served_by: req.url } }));
    const before = upstream.requests.length;

    const tested = await testRun(id);
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ success: true, called_api: true, raw_response: { served_by: '/v2/status' }, shaped_response: { served_by: '/v2/status' } });

    const executed = await execute(id);
    expect(executed.status).toBe(200);
    expect(executed.body).toMatchObject({ type: 'data_connector.execution_outcome', success: true, http_status: 200, data: { served_by: '/v1/status' } });

    expect(upstream.requests.slice(before).map((r) => r.url)).toEqual(['/v2/status', '/v1/status']);
    const rows = await app.db.executionResult.findMany({ where: { dataConnectorId: Number(id) }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.version)).toEqual(['draft', 'live']);
  });

  it('keeps a successful live response as the draft test response, never published nor counted as a change', async () => {
    const id = await create({ name: 'Kept response', url: `${upstream.url}/kept`, mock_response: { example: true } });
    const draftDetail = () => app.call('GET', '/data_connectors/{id}', { params: { id }, query: { state_version: 'draft' } });
    expect((await draftDetail()).body.has_live_version).toBe(false);
    upstream.handle(() => ({ body: { paid_at: 1767225600, status: 'paid' } }));
    expect((await testRun(id)).body.success).toBe(true);
    await publish(id);
    const published = await draftDetail();
    expect(published.body).toMatchObject({ has_live_version: true, has_unpublished_changes: false });

    upstream.handle(() => ({ body: { paid_at: 1767312000, status: 'refunded' } }));
    expect((await testRun(id)).body.success).toBe(true);
    const versions = await app.db.dataConnectorVersion.findMany({ where: { dataConnectorId: Number(id) } });
    expect(versions.find((v) => v.kind === 'draft')!.testResponse).toEqual({ paid_at: 1767312000, status: 'refunded' });
    expect(versions.find((v) => v.kind === 'live')!.testResponse).toBeNull();
    const after = await draftDetail();
    expect(after.body).toMatchObject({ has_live_version: true, has_unpublished_changes: false, mock_response: { example: true } });
    // The fields stay those of the example response: the derived ones are returned for the admin to save.
    expect(after.body.response_fields.map((f: { path: string }) => f.path)).toEqual(['example']);
    const suggestions = await app.call('GET', '/data_connectors/{id}/code/suggestions', { params: { id } });
    expect(suggestions.body.based_on).toBe('test_response');
    expect(suggestions.body.data.map((s: { kind: string }) => s.kind)).toEqual(['convert_timestamps']);

    // Failed tests and example-mode tests keep the stored response.
    upstream.handle(() => ({ status: 500, body: { error: 'down' } }));
    expect((await testRun(id)).body.success).toBe(false);
    expect((await testRun(id, { mode: 'example' })).body.success).toBe(true);
    const draft = await app.db.dataConnectorVersion.findFirstOrThrow({ where: { dataConnectorId: Number(id), kind: 'draft' } });
    expect(draft.testResponse).toEqual({ paid_at: 1767312000, status: 'refunded' });
    // Taking the connector out of service keeps its live version.
    const drafted = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { state: 'draft' } });
    expect(drafted.body).toMatchObject({ state: 'draft', has_live_version: true });
  });

  it('in example mode uses mock_response and sends nothing', async () => {
    const mock = { status: 'shipped', eta: '2026-01-05', count: 3 };
    const id = await create({ name: 'Mocked', url: `${upstream.url}/never`, mock_response: mock });
    upstream.handle(() => ({ status: 500, body: { error: 'should not be called' } }));
    const before = upstream.requests.length;

    const res = await testRun(id, { mode: 'example' });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'example', called_api: false, success: true, http_status: null, raw_response: mock, shaped_response: mock });
    expect(res.body.notice).toBe('This test used the example response; no request was sent.');
    // Sorted: PostgreSQL stores mock_response as jsonb, which does not keep key order.
    const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
    expect([...res.body.response_fields].sort(byPath)).toEqual([
      { path: 'count', type: 'integer', example_value: 3 },
      { path: 'eta', type: 'datetime', example_value: '2026-01-05' },
      { path: 'status', type: 'string', example_value: 'shipped' },
    ]);
    expect(upstream.requests).toHaveLength(before);
  });

  it('in example mode without a mock_response fails with request_configuration_error and sends nothing', async () => {
    const id = await create({ name: 'Not mocked', url: `${upstream.url}/never` });
    const before = upstream.requests.length;
    const res = await testRun(id, { mode: 'example' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: false, called_api: false, error_type: 'request_configuration_error', raw_response: null, shaped_response: null, response_fields: [] });
    expect(res.body.error_message).toMatch(/no example response/);
    expect(upstream.requests).toHaveLength(before);
  });

  it('reports invalid data inputs as input_errors without calling the API', async () => {
    const id = await create({
      name: 'Typed input',
      url: `${upstream.url}/orders/{{order_id}}`,
      data_inputs: [{ name: 'order_id', type: 'integer', required: true }],
      validate_missing_attributes: true,
    });
    const before = upstream.requests.length;
    const res = await testRun(id, { inputs: { order_id: 'abc' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: false, called_api: false, notice: 'No request was sent.', error_type: 'request_validation_error', http_status: null, request_url: null });
    expect(res.body.input_errors).toEqual([{ field: 'order_id', message: expect.stringMatching(/order_id must be an integer/) }]);
    expect(upstream.requests).toHaveLength(before);
  });

  it("returns the API's error answer as the raw response, with nothing shaped", async () => {
    const id = await create({ name: 'Failing API', url: `${upstream.url}/missing` });
    upstream.handle(() => ({ status: 404, body: { error: 'order not found' } }));
    const res = await testRun(id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: false, called_api: true, http_status: 404, error_type: '3rd_party_error', raw_response: { error: 'order not found' }, shaped_response: null });
    expect(res.body.response_fields).toEqual([{ path: 'error', type: 'string', example_value: 'order not found' }]);
  });

  it('fills {{user.*}} and {{conversation.*}} from the given conversation', async () => {
    const id = await create({ name: 'Context', url: `${upstream.url}/who/{{user.email}}/{{conversation.id}}` });
    upstream.handle(() => ({ body: { ok: true } }));
    const res = await testRun(id, { conversation_id: String(conversationId) });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(upstream.requests.at(-1)!.url).toBe(`/who/ann%40example.test/${conversationId}`);
  });
});

describe('POST /data_connectors/{id}/execute', () => {
  it('refuses a connector that was never set live with 409, running and logging nothing', async () => {
    const id = await create({ name: 'Draft only', url: `${upstream.url}/draft` });
    const before = { results: await executionResults(), requests: upstream.requests.length };
    const res = await execute(id);
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([{ code: 'data_connector_not_live', message: 'Data connector is not live; set it live before executing it' }]);
    expect({ results: await executionResults(), requests: upstream.requests.length }).toEqual(before);
  });

  it('refuses a connector taken back to draft with 409', async () => {
    const id = await create({ name: 'Unpublished', url: `${upstream.url}/draft` });
    await publish(id);
    expect((await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { state: 'draft' } })).status).toBe(200);
    const res = await execute(id);
    expect(res.status).toBe(409);
    expect(res.body.errors[0].code).toBe('data_connector_not_live');
  });

  it('with a conversation, writes an execution result with its source and conversation, and the mapped attributes', async () => {
    const id = await create({
      name: 'Mapped',
      url: `${upstream.url}/orders/{{order_id}}`,
      data_inputs: [{ name: 'order_id', type: 'integer' }],
      object_mappings: [
        { intercom_object_type: 'conversation', attribute_mappings: [{ response_attribute_path: 'order.status', intercom_attribute_identifier: 'order_status' }] },
        { intercom_object_type: 'user', attribute_mappings: [{ response_attribute_path: 'plan', intercom_attribute_identifier: 'plan' }] },
      ],
    });
    await publish(id);
    upstream.handle(() => ({ body: { ...order, plan: 'pro' } }));

    const res = await execute(id, { inputs: { order_id: 1001 }, conversation_id: conversationId, source_type: 'workflow', source_id: '5001' });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      type: 'data_connector.execution_outcome',
      success: true,
      http_status: 200,
      error_type: null,
      input_errors: [],
      data: { ...order, plan: 'pro' },
      attribute_changes: { contact: { plan: 'pro' }, conversation: { order_status: 'shipped' } },
    });
    expect(upstream.requests.at(-1)!.url).toBe('/orders/1001');

    const list = await app.call('GET', '/data_connectors/{data_connector_id}/execution_results', { params: { data_connector_id: id } });
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([
      expect.objectContaining({ id: res.body.execution_result_id, success: true, http_status: 200, source_type: 'workflow', source_id: '5001', conversation_id: String(conversationId) }),
    ]);
    const conversation = await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(conversation.customAttributes).toMatchObject({ order_status: 'shipped' });
    const contact = await app.db.contact.findUniqueOrThrow({ where: { id: contactId } });
    expect(contact.customAttributes).toMatchObject({ plan: 'pro' });
  });
});

describe('both endpoints', () => {
  let liveId: string;
  beforeAll(async () => {
    liveId = await create({ name: 'Shared', url: `${upstream.url}/shared`, data_inputs: [{ name: 'q', type: 'string' }] });
    await publish(liveId);
  });

  const endpoints = [
    ['test', (body?: unknown, token?: string | null) => testRun(liveId, body, token)],
    ['execute', (body?: unknown, token?: string | null) => execute(liveId, body, token)],
  ] as const;

  it.each(endpoints)('%s: an unknown conversation or contact is a 404 and nothing is sent or logged', async (_name, call) => {
    const before = { results: await executionResults(), requests: upstream.requests.length };
    for (const body of [{ conversation_id: '424242' }, { contact_id: 424242 }]) {
      const res = await call(body);
      expect(res.status, JSON.stringify(body)).toBe(404);
      expect(res.body.errors[0]).toMatchObject({ code: 'not_found', message: expect.stringMatching(/(conversation|contact) 424242 not found/) });
    }
    expect({ results: await executionResults(), requests: upstream.requests.length }).toEqual(before);
  });

  it.each(endpoints)('%s: an unknown connector is a 404 data_connector_not_found', async (name) => {
    const path = `/data_connectors/{id}/${name}`;
    for (const id of ['999999', 'abc']) {
      const res = await app.call('POST', path, { params: { id }, body: {} });
      expect(res.status).toBe(404);
      expect(res.body.errors[0].code).toBe('data_connector_not_found');
    }
  });

  it.each(endpoints)('%s: a missing token is a 401, another workspace\'s token a 404, and nothing runs', async (_name, call) => {
    const other = await app.newWorkspaceToken();
    const before = { results: await executionResults(), requests: upstream.requests.length };
    const anonymous = await call({}, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].code).toBe('unauthorized');
    const foreign = await call({}, other);
    expect(foreign.status).toBe(404);
    expect(foreign.body.errors[0].code).toBe('data_connector_not_found');
    expect({ results: await executionResults(), requests: upstream.requests.length }).toEqual(before);
  });

  const badBodies: [string, 'test' | 'execute', unknown, string][] = [
    ['an unknown field', 'test', { colour: 'red' }, 'colour'],
    ['a field of execute', 'test', { source_type: 'workflow' }, 'source_type'],
    ['inputs that are not an object', 'test', { inputs: ['q'] }, 'inputs'],
    ['inputs that are a string', 'test', { inputs: 'q=1' }, 'inputs'],
    ['an unknown mode', 'test', { mode: 'fake' }, 'mode'],
    ['a non-numeric conversation_id', 'test', { conversation_id: 'abc' }, 'conversation_id'],
    ['a zero contact_id', 'test', { contact_id: 0 }, 'contact_id'],
    ['an unknown field', 'execute', { colour: 'red' }, 'colour'],
    ['a field of test', 'execute', { mode: 'live' }, 'mode'],
    ['inputs that are not an object', 'execute', { inputs: 42 }, 'inputs'],
    ['an unknown source_type', 'execute', { source_type: 'nope' }, 'source_type'],
    ['a non-numeric conversation_id', 'execute', { conversation_id: 'abc' }, 'conversation_id'],
    ['an empty source_id', 'execute', { source_id: '' }, 'source_id'],
    ['a non-numeric conversation_part_id', 'execute', { conversation_part_id: '1.5' }, 'conversation_part_id'],
  ];

  it.each(badBodies)('rejects %s on %s with 422 naming the field, and runs nothing', async (_label, name, body, field) => {
    const before = { results: await executionResults(), requests: upstream.requests.length };
    const res = await app.call('POST', `/data_connectors/{id}/${name}`, { params: { id: liveId }, body });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('error.list');
    expect(res.body.errors).toContainEqual({ code: 'parameter_invalid', field, message: expect.stringContaining(field) });
    expect({ results: await executionResults(), requests: upstream.requests.length }).toEqual(before);
  });

  it.each(['test', 'execute'])('rejects malformed JSON on %s with 400, and runs nothing', async (name) => {
    const before = { results: await executionResults(), requests: upstream.requests.length };
    const res = await app.call('POST', `/data_connectors/{id}/${name}`, { params: { id: liveId }, rawBody: '{"inputs": {"q": "x"},' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: 'client_error', message: expect.stringMatching(/not valid JSON/) });
    expect({ results: await executionResults(), requests: upstream.requests.length }).toEqual(before);
  });

  it.each(endpoints)('%s: accepts no body at all and runs with no inputs', async (_name, call) => {
    upstream.handle(() => ({ body: { ok: 1 } }));
    const before = await executionResults();
    const res = await call();
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(await executionResults()).toBe(before + 1);
  });
});

// runConnector keeps live versions in memory and reads the run context and
// writes the execution result with raw SQL (pipeline/load-run-version.ts,
// run-context.ts, write-execution-result.ts); on both databases these must
// behave exactly like the Prisma reads and writes they replace.
describe('what a run reads and writes', () => {
  // A second client on the same database: what another app process sees.
  async function otherProcessDb(): Promise<Db> {
    if (testProvider() === 'sqlite') {
      const [main] = await app.db.$queryRaw<{ file: string }[]>`PRAGMA database_list`;
      return createDb(`file:${main!.file}`);
    }
    const [current] = await app.db.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`;
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${current!.name}`;
    return createDb(url.toString());
  }

  it('runs the version published last, in this process and in another one, and nothing once the connector is deleted', async () => {
    const id = await create({ name: 'Republished', url: `${upstream.url}/v1/status` });
    await publish(id);
    upstream.handle((req) => ({ body: { served_by: req.url } }));
    const other = await otherProcessDb();
    try {
      const otherRun = () => runConnector({ ...app.deps, db: other }, { workspaceId: app.workspaceId, connectorId: Number(id), version: 'live', source: { type: 'workflow', id: null } });
      expect((await execute(id)).body.data).toEqual({ served_by: '/v1/status' });
      expect((await otherRun()).data).toEqual({ served_by: '/v1/status' });

      const republished = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { url: `${upstream.url}/v2/status`, state: 'live' } });
      expect(republished.status).toBe(200);
      expect((await execute(id)).body.data).toEqual({ served_by: '/v2/status' });
      expect((await otherRun()).data).toEqual({ served_by: '/v2/status' });

      // Edited behind this process's back, as another process's publish would.
      await app.db.dataConnectorVersion.update({ where: { dataConnectorId_kind: { dataConnectorId: Number(id), kind: 'live' } }, data: { url: `${upstream.url}/v3/status` } });
      expect((await execute(id)).body.data).toEqual({ served_by: '/v3/status' });
      expect((await otherRun()).data).toEqual({ served_by: '/v3/status' });

      expect((await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { state: 'draft' } })).status).toBe(200);
      expect((await app.call('DELETE', '/data_connectors/{id}', { params: { id } })).status).toBe(200);
      await expect(otherRun()).rejects.toThrow(new RunContextError(`data connector ${id} not found`));
    } finally {
      await other.$disconnect();
    }
  });

  it('loads the conversation, its contact and its company exactly as Prisma does', async () => {
    const company = await app.db.company.create({ data: { workspaceId: app.workspaceId, externalId: 'co-1', name: 'Acme', customAttributes: { tier: 'gold', seats: 12, tags: ['a', 'b'] } } });
    const withCompany = await app.db.contact.create({
      data: { workspaceId: app.workspaceId, role: 'user', externalId: 'u-ctx', email: 'ctx@example.test', name: 'Ctx', companyId: company.id, customAttributes: { plan: 'pro', nested: { a: 1 } }, emailVerifiedAt: new Date('2026-01-02T03:04:05.678Z'), verifiedEmail: 'ctx@example.test' },
    });
    const lead = await app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'lead' } });
    const conversations = [
      await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId: withCompany.id, title: 'Refund', state: 'snoozed', tags: ['vip'], customAttributes: { order_status: 'shipped' }, temporaryAttributes: { 'Orders > status': 'shipped' }, snoozedUntil: new Date('2030-05-06T07:08:09.010Z') } }),
      await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId: lead.id } }),
    ];
    for (const conversation of conversations) {
      const expected = await app.db.conversation.findFirstOrThrow({ where: { id: conversation.id }, include: { contact: { include: { company: true } } } });
      const { contact: { company: expectedCompany, ...expectedContact }, ...expectedConversation } = expected;
      const context = await loadRunContext(app.db, { workspaceId: app.workspaceId, conversationId: conversation.id });
      expect(context).toStrictEqual({ conversation: expectedConversation, contact: expectedContact, company: expectedCompany, part: null, userTokens: {} });
    }
    const foreign = await app.db.workspace.create({ data: { name: 'Foreign' } });
    await expect(loadRunContext(app.db, { workspaceId: foreign.id, conversationId: conversations[0]!.id })).rejects.toThrow(`conversation ${conversations[0]!.id} not found`);
  });

  it('writes the execution result Prisma would, dated so that date filters and ordering find it', async () => {
    const id = await create({ name: 'Logged', http_method: 'post', url: `${upstream.url}/log`, body: '{"q":"{{q}}"}', data_inputs: [{ name: 'q', type: 'string' }] });
    await publish(id);
    upstream.handle(() => ({ status: 502, body: { error: 'bad gateway' } }));
    const before = new Date(Date.now() - 1);
    const res = await execute(id, { inputs: { q: 'x' }, conversation_id: conversationId, source_type: 'inbox', source_id: 's-1' });
    expect(res.status).toBe(200);
    const rows = await app.db.executionResult.findMany({ where: { dataConnectorId: Number(id), createdAt: { gte: before, lte: new Date() } }, orderBy: { createdAt: 'desc' } });
    expect(rows).toStrictEqual([
      {
        id: Number(res.body.execution_result_id),
        workspaceId: app.workspaceId,
        dataConnectorId: Number(id),
        version: 'live',
        success: false,
        httpStatus: 502,
        httpMethod: 'post',
        errorType: '3rd_party_error',
        errorMessage: 'the API answered HTTP 502',
        executionTimeMs: expect.any(Number),
        sourceType: 'inbox',
        sourceId: 's-1',
        conversationId,
        contactId,
        requestUrl: `${upstream.url}/log`,
        requestBody: '{"q":"x"}',
        responseBody: null,
        rawResponseBody: '{"error":"bad gateway"}',
        debugOutput: null,
        createdAt: expect.any(Date),
      },
    ]);
  });
});
