// Running connectors from the inbox (Cmd+K, the message menu) against a real
// upstream on 127.0.0.1: which connectors are offered, pre-filled inputs, the
// connector_result part, failures that leave the thread alone, and the run log.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runConnectorOnConversation } from '../../../server/inbox/run-connector-on-conversation.ts';
import { createTestAdmin, signInAs, withSession, type BrowserSession } from '../../support/admin-session.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { createContact, createConversation, liveConnector } from './inbox-fixtures.ts';

let app: TestApp;
let upstream: Upstream;
let agent: Awaited<ReturnType<typeof createTestAdmin>>;
let agentSession: BrowserSession;
let otherWorkspaceId: number;
let balanceId: string;
let orderId: string;

beforeAll(async () => {
  app = await startTestApp();
  upstream = await startUpstream();
  agent = await createTestAdmin(app, { role: 'agent' });
  agentSession = await signInAs(app, agent.email);
  await app.db.customAttributeDefinition.createMany({
    data: [
      { workspaceId: app.workspaceId, target: 'contact', name: 'account_id', type: 'string', protected: true },
      { workspaceId: app.workspaceId, target: 'contact', name: 'outstanding_balance', type: 'decimal' },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'order_id', type: 'string' },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'order_status', type: 'string' },
    ],
  });
  otherWorkspaceId = (await app.db.workspace.create({ data: { name: 'Other' } })).id;
  // Needs a verified customer for the AI agent; a teammate is not refused.
  balanceId = await liveConnector(app, {
    name: 'Get balance',
    description: 'The balance of the account',
    url: `${upstream.url}/accounts/{{user.account_id}}/balance`,
    customer_authentication: true,
    object_mappings: [{ response_object_path: '', intercom_object_type: 'user', attribute_mappings: [{ response_attribute_path: 'balance', intercom_attribute_identifier: 'outstanding_balance' }] }],
  });
  orderId = await liveConnector(app, {
    name: 'Look up order',
    url: `${upstream.url}/orders/{{order_id}}`,
    validate_missing_attributes: true,
    data_inputs: [
      { name: 'order_id', type: 'string', required: true, description: 'The order number' },
      { name: 'email', type: 'string' },
      { name: 'tier', type: 'string' },
      { name: 'message', type: 'string' },
      { name: 'summary', type: 'string', description: "The customer's question, word for word" },
      { name: 'limit', type: 'integer', default_value: '5' },
      { name: 'note', type: 'string' },
    ],
    object_mappings: [{ response_object_path: 'order', intercom_object_type: 'conversation', attribute_mappings: [{ response_attribute_path: 'status', intercom_attribute_identifier: 'order_status' }] }],
  });
  await liveConnector(app, { name: 'Leads only', url: `${upstream.url}/leads`, audiences: ['leads'] });
  await liveConnector(app, { name: 'In the browser', url: `${upstream.url}/client`, execution_type: 'client_side', client_function_name: 'lookup' });
  const draft = await app.call('POST', '/data_connectors', { body: { name: 'Draft only', http_method: 'get', url: `${upstream.url}/draft` } });
  expect(draft.status).toBe(201);
});
afterAll(async () => {
  await upstream?.close();
  await app?.close();
});
beforeEach(() => {
  upstream.handle((request) => {
    if (request.url.startsWith('/accounts/')) return { body: { balance: 42.5, currency: 'usd' } };
    if (request.url.startsWith('/orders/')) return { body: { order: { id: decodeURIComponent(request.url.split('/')[2]!), status: 'in_transit' } } };
    return { status: 404, body: { error: 'not found' } };
  });
});

async function customerConversation() {
  const company = await app.db.company.create({ data: { workspaceId: app.workspaceId, name: 'Globex', customAttributes: { tier: 'gold' } } });
  const contact = await createContact(app, { role: 'user', email: 'ann@example.test', customAttributes: { account_id: 'acct 1/2' }, companyId: company.id });
  const conversation = await createConversation(app, {
    contactId: contact.id,
    data: { customAttributes: { order_id: 'ORD-5521' } },
    parts: [{ author: 'customer', body: 'Where is my order ORD-5521?' }],
  });
  const part = await app.db.conversationPart.findFirstOrThrow({ where: { conversationId: conversation.id } });
  return { contact, conversation, part };
}

const params = (id: number) => ({ params: { id: String(id) } });
const run = (conversationId: number, body: unknown, session = agentSession) =>
  app.call('POST', '/conversations/{id}/run_connector', { ...params(conversationId), body, ...withSession(session) });

describe('GET /conversations/{id}/connectors', () => {
  it('offers the live server-side connectors whose audience includes the contact, with inputs pre-filled', async () => {
    const { conversation, part } = await customerConversation();
    const res = await app.call('GET', '/conversations/{id}/connectors', { ...params(conversation.id), ...withSession(agentSession) });
    expect(res.status).toBe(200);
    expect(res.body.data.map((c: any) => c.name)).toEqual(['Get balance', 'Look up order']);
    const order = res.body.data.find((c: any) => c.id === orderId);
    const values = Object.fromEntries(order.data_inputs.map((i: any) => [i.name, i.value]));
    expect(values).toEqual({ order_id: 'ORD-5521', email: 'ann@example.test', tier: 'gold', message: null, summary: null, limit: '5', note: null });
    expect(order.data_inputs[0]).toEqual({ name: 'order_id', type: 'string', description: 'The order number', required: true, value: 'ORD-5521' });

    const onMessage = await app.call('GET', '/conversations/{id}/connectors', { ...params(conversation.id), query: { conversation_part_id: String(part.id) } });
    const inputs = onMessage.body.data.find((c: any) => c.id === orderId).data_inputs;
    expect(inputs.find((i: any) => i.name === 'message').value).toBe('Where is my order ORD-5521?');
    expect(inputs.find((i: any) => i.name === 'summary').value).toBe('Where is my order ORD-5521?');
    expect(inputs.find((i: any) => i.name === 'note').value).toBeNull();
  });

  it('offers leads what is for leads', async () => {
    const lead = await createContact(app, { role: 'lead', email: null, name: null, externalId: null });
    const conversation = await createConversation(app, { contactId: lead.id });
    const res = await app.call('GET', '/conversations/{id}/connectors', params(conversation.id));
    expect(res.body.data.map((c: any) => c.name)).toEqual(['Get balance', 'Leads only', 'Look up order']);
  });

  it('rejects a message of another conversation and conversations of another workspace', async () => {
    const { conversation } = await customerConversation();
    const other = await customerConversation();
    const res = await app.call('GET', '/conversations/{id}/connectors', { ...params(conversation.id), query: { conversation_part_id: String(other.part.id) } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe('conversation_part_id');
    const bad = await app.call('GET', '/conversations/{id}/connectors', { ...params(conversation.id), query: { conversation_part_id: 'first' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('conversation_part_id');
    const foreign = await createConversation(app, { workspaceId: otherWorkspaceId });
    expect((await app.call('GET', '/conversations/{id}/connectors', params(foreign.id))).status).toBe(404);
  });
});

describe('POST /conversations/{id}/run_connector', () => {
  it('runs the live connector for an unverified customer, maps attributes and adds an internal result part by the teammate', async () => {
    const { contact, conversation } = await customerConversation();
    const before = upstream.requests.length;
    const res = await run(conversation.id, { data_connector_id: balanceId });
    expect(res.status).toBe(200);
    expect(upstream.requests.slice(before).map((r) => r.url)).toEqual(['/accounts/acct%201%2F2/balance']);
    expect(res.body).toMatchObject({ type: 'conversation.connector_run', success: true, error_type: null, error_message: null, input_errors: [], http_status: 200 });
    expect(res.body.part).toMatchObject({
      type: 'conversation_part',
      part_type: 'connector_result',
      author: { type: 'admin', id: String(agent.id), name: agent.name },
      body: 'Ran "Get balance": updated outstanding_balance → 42.5',
      connector_result: { data_connector_id: balanceId, data_connector_name: 'Get balance', execution_result_id: res.body.execution_result_id, data: { balance: 42.5, currency: 'usd' } },
    });
    expect((await app.db.contact.findUniqueOrThrow({ where: { id: contact.id } })).customAttributes).toMatchObject({ outstanding_balance: 42.5 });
    const logged = await app.db.executionResult.findUniqueOrThrow({ where: { id: Number(res.body.execution_result_id) } });
    expect(logged).toMatchObject({ success: true, sourceType: 'inbox', sourceId: null, conversationId: conversation.id, contactId: contact.id, version: 'live' });
    const detail = await app.call('GET', '/conversations/{id}', params(conversation.id));
    expect(detail.body.parts.at(-1)).toEqual(res.body.part);
    // Internal: the customer's last message is still the last activity.
    expect(detail.body.last_activity_at).toBe(detail.body.parts[0].created_at);
  });

  it('runs on a message with the given inputs and writes conversation attributes', async () => {
    const { conversation, part } = await customerConversation();
    const res = await run(conversation.id, { data_connector_id: orderId, inputs: { order_id: 'ORD-7788', limit: '2' }, conversation_part_id: String(part.id) });
    expect(res.body).toMatchObject({ success: true, part: { connector_result: { data: { order: { id: 'ORD-7788', status: 'in_transit' } } } } });
    expect(upstream.requests.at(-1)!.url).toBe('/orders/ORD-7788');
    expect((await app.db.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).customAttributes).toEqual({ order_id: 'ORD-5521', order_status: 'in_transit' });
  });

  it('adds nothing to the conversation when the API fails, and logs the run', async () => {
    const { conversation } = await customerConversation();
    upstream.handle(() => ({ status: 500, body: { error: 'boom' } }));
    const res = await run(conversation.id, { data_connector_id: orderId, inputs: { order_id: 'ORD-1' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: false, error_type: '3rd_party_error', http_status: 500, part: null, execution_result_id: expect.any(String) });
    expect(res.body.error_message).toEqual(expect.any(String));
    expect(await app.db.conversationPart.count({ where: { conversationId: conversation.id } })).toBe(1);
    expect(await app.db.executionResult.findUniqueOrThrow({ where: { id: Number(res.body.execution_result_id) } })).toMatchObject({ success: false, httpStatus: 500, sourceType: 'inbox', conversationId: conversation.id });
    const runs = await app.call('GET', '/conversations/{id}/connector_runs', params(conversation.id));
    expect(runs.body.data[0]).toMatchObject({ id: res.body.execution_result_id, success: false, error_type: '3rd_party_error', http_status: 500, source_type: 'inbox' });
  });

  it('names the inputs that are missing or invalid, without calling the API', async () => {
    const { conversation } = await customerConversation();
    const before = upstream.requests.length;
    const res = await run(conversation.id, { data_connector_id: orderId, inputs: { limit: 'many', colour: 'red' } });
    expect(res.body).toMatchObject({ success: false, error_type: 'request_validation_error', part: null });
    expect(res.body.input_errors.map((e: any) => e.field).sort()).toEqual(['colour', 'limit', 'order_id']);
    expect(upstream.requests.length).toBe(before);
    expect(await app.db.conversationPart.count({ where: { conversationId: conversation.id } })).toBe(1);
  });

  it('refuses contacts outside the audience (the gate applies to teammates too)', async () => {
    const { conversation } = await customerConversation();
    const leadsOnly = (await app.db.dataConnector.findFirstOrThrow({ where: { workspaceId: app.workspaceId, versions: { some: { name: 'Leads only' } } } })).id;
    const res = await run(conversation.id, { data_connector_id: String(leadsOnly) });
    expect(res.body).toMatchObject({ success: false, error_type: 'request_configuration_error', part: null });
  });

  it('rejects bad requests, naming the field, without running anything', async () => {
    const { conversation } = await customerConversation();
    const other = await customerConversation();
    const runsBefore = await app.db.executionResult.count();
    const draft = await app.db.dataConnector.findFirstOrThrow({ where: { workspaceId: app.workspaceId, state: 'draft' } });
    const foreignConnector = await app.db.dataConnector.create({ data: { workspaceId: otherWorkspaceId, state: 'live' } });
    const cases: [unknown, number, string | undefined][] = [
      [{}, 422, 'data_connector_id'],
      [{ data_connector_id: 'twelve' }, 422, 'data_connector_id'],
      [{ data_connector_id: orderId, inputs: 'ORD-1' }, 422, 'inputs'],
      [{ data_connector_id: orderId, conversation_part_id: String(other.part.id) }, 422, 'conversation_part_id'],
      [{ data_connector_id: orderId, source_type: 'fin' }, 422, 'source_type'],
      [{ data_connector_id: String(draft.id) }, 409, undefined],
      [{ data_connector_id: '999999' }, 404, undefined],
      [{ data_connector_id: String(foreignConnector.id) }, 404, undefined],
    ];
    for (const [body, status, field] of cases) {
      const res = await run(conversation.id, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      if (field) expect(res.body.errors[0].field).toBe(field);
    }
    expect(await app.db.executionResult.count()).toBe(runsBefore);
    const foreign = await createConversation(app, { workspaceId: otherWorkspaceId });
    expect((await run(foreign.id, { data_connector_id: orderId, inputs: { order_id: 'A' } })).status).toBe(404);
    expect(await app.db.executionResult.count()).toBe(runsBefore);
    expect(await app.db.conversationPart.count({ where: { conversationId: conversation.id } })).toBe(1);
  });

  it("records a macro's id as the run's source_id (runConnectorOnConversation)", async () => {
    const { conversation } = await customerConversation();
    const principal = { workspaceId: app.workspaceId, adminId: agent.id, role: 'agent' as const, via: 'session' as const, tokenId: null, sessionId: null };
    const outcome = await runConnectorOnConversation(app.deps, principal, conversation.id, { connectorId: Number(orderId), inputs: { order_id: 'ORD-5521' }, sourceId: '77' });
    expect(outcome.success).toBe(true);
    const runs = await app.call('GET', '/conversations/{id}/connector_runs', params(conversation.id));
    expect(runs.body.data[0]).toMatchObject({ id: outcome.execution_result_id, source_type: 'inbox', source_id: '77', data_connector_name: 'Look up order' });
  });
});

describe('GET /conversations/{id}/connector_runs', () => {
  it('lists the live runs on this conversation, newest first, from every caller', async () => {
    const { conversation } = await customerConversation();
    const first = await run(conversation.id, { data_connector_id: balanceId });
    const second = await run(conversation.id, { data_connector_id: orderId, inputs: { order_id: 'ORD-1' } });
    const api = await app.call('POST', '/data_connectors/{id}/execute', { params: { id: orderId }, body: { conversation_id: String(conversation.id), inputs: { order_id: 'ORD-2' }, source_type: 'workflow', source_id: '9' } });
    expect(api.status).toBe(200);
    // An admin's test of the draft is not something that happened to the conversation.
    const test = await app.call('POST', '/data_connectors/{id}/test', { params: { id: orderId }, body: { conversation_id: String(conversation.id), inputs: { order_id: 'ORD-3' } } });
    expect(test.status).toBe(200);
    const elsewhere = await customerConversation();
    await run(elsewhere.conversation.id, { data_connector_id: balanceId });

    const res = await app.call('GET', '/conversations/{id}/connector_runs', { ...params(conversation.id), ...withSession(agentSession) });
    expect(res.status).toBe(200);
    expect(res.body.data.map((r: any) => r.id)).toEqual([api.body.execution_result_id, second.body.execution_result_id, first.body.execution_result_id]);
    expect(res.body.data[0]).toMatchObject({ type: 'data_connector.execution_result_summary', data_connector_id: orderId, data_connector_name: 'Look up order', success: true, source_type: 'workflow', source_id: '9', http_status: 200 });
    expect(res.body.data[2]).toMatchObject({ data_connector_name: 'Get balance', source_type: 'inbox', source_id: null, execution_time_ms: expect.any(Number) });
  });

  it('does not list runs of another workspace', async () => {
    const foreign = await createConversation(app, { workspaceId: otherWorkspaceId });
    expect((await app.call('GET', '/conversations/{id}/connector_runs', params(foreign.id))).status).toBe(404);
  });
});
