import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConnector, type RunConnectorRequest } from '../../../server/connectors/pipeline/run-connector.ts';
import type { AttributeUpdatedEvent } from '../../../server/realtime/realtime-events.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
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
      { workspaceId: app.workspaceId, target: 'contact', name: 'account_id' },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'order_status' },
    ],
  });
  const contact = await app.db.contact.create({
    data: { workspaceId: app.workspaceId, role: 'user', externalId: 'u-1', email: 'ann@example.test', name: 'Ann', customAttributes: { account_id: 'acc 1/2', plan: 'free' } },
  });
  contactId = contact.id;
  conversationId = (await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId } })).id;
});
afterAll(async () => {
  await upstream?.close();
  await app?.close();
});

async function liveConnector(body: Record<string, unknown>): Promise<number> {
  const created = await app.call('POST', '/data_connectors', { body: { http_method: 'get', ...body } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  // These connectors exercise the pipeline with deliberately risky setups (plain http, keys in URLs).
  const live = await app.call('PATCH', '/data_connectors/{id}', { params: { id: created.body.id }, body: { state: 'live', security_acknowledgement: true } });
  expect(live.status, JSON.stringify(live.body)).toBe(200);
  return Number(created.body.id);
}

const run = (connectorId: number, extra: Partial<RunConnectorRequest> = {}) =>
  runConnector(app.deps, { workspaceId: app.workspaceId, connectorId, version: 'live', source: { type: 'inbox', id: null }, ...extra });

const storedRow = (id: string | null) => app.db.executionResult.findUniqueOrThrow({ where: { id: Number(id) } });

describe('request rendering end to end', () => {
  it('delivers hostile values intact in their slots, in the URL, a header and a JSON body', async () => {
    const connectorId = await liveConnector({
      name: 'Injection',
      http_method: 'post',
      url: `${upstream.url}/orders/{{order_id}}?q={{q}}&account={{user.account_id}}`,
      headers: [{ name: 'X-Customer', value: '{{user.email}}' }],
      body: '{"note":"{{note}}","amount":{{amount}}}',
      data_inputs: [
        { name: 'order_id', type: 'string' },
        { name: 'q', type: 'string' },
        { name: 'note', type: 'string' },
        { name: 'amount', type: 'decimal' },
      ],
    });
    upstream.handle(() => ({ body: { ok: true } }));
    const before = upstream.requests.length;
    const hostile = { order_id: '../a/b?c#d', q: 'x&y=z#frag', note: '"}\n{"evil":true, \\ 🎉 مرحبا {{user.email}}', amount: '12.50' };
    const outcome = await run(connectorId, { inputs: hostile, conversationId });
    expect(outcome.success, outcome.errorMessage ?? '').toBe(true);
    expect(upstream.requests).toHaveLength(before + 1);
    const received = upstream.requests.at(-1)!;
    const url = new URL(received.url, upstream.url);
    expect(url.pathname).toBe(`/orders/${encodeURIComponent(hostile.order_id)}`);
    expect(decodeURIComponent(url.pathname.split('/')[2]!)).toBe(hostile.order_id);
    expect(url.searchParams.get('q')).toBe(hostile.q);
    expect(url.searchParams.get('account')).toBe('acc 1/2');
    expect([...url.searchParams.keys()]).toEqual(['q', 'account']);
    expect(received.headers['x-customer']).toBe('ann@example.test');
    expect(JSON.parse(received.body)).toEqual({ note: hostile.note, amount: 12.5 });
  });

  it('refuses a header value that would inject another header, before sending', async () => {
    const connectorId = await liveConnector({
      name: 'Header injection',
      url: `${upstream.url}/h`,
      headers: [{ name: 'X-Ref', value: '{{ref}}' }],
      data_inputs: [{ name: 'ref', type: 'string' }],
    });
    const before = upstream.requests.length;
    const outcome = await run(connectorId, { inputs: { ref: 'a\r\nX-Admin: true' } });
    expect(outcome).toMatchObject({ success: false, errorType: 'request_validation_error' });
    expect(outcome.errorMessage).toMatch(/ref/);
    expect(upstream.requests).toHaveLength(before);
  });
});

describe('data inputs', () => {
  it('fails a missing required value with request_validation_error before any request, and logs it', async () => {
    const connectorId = await liveConnector({
      name: 'Required',
      url: `${upstream.url}/orders/{{order_id}}`,
      data_inputs: [{ name: 'order_id', type: 'integer', required: true }],
      validate_missing_attributes: true,
    });
    const before = upstream.requests.length;
    const missing = await run(connectorId, { inputs: {} });
    expect(missing).toMatchObject({ success: false, errorType: 'request_validation_error', errorMessage: 'order_id is required' });
    const wrong = await run(connectorId, { inputs: { order_id: 'abc' } });
    expect(wrong.errorMessage).toMatch(/order_id must be an integer/);
    expect(upstream.requests).toHaveLength(before);
    expect(await storedRow(missing.executionResultId)).toMatchObject({ success: false, errorType: 'request_validation_error', httpStatus: null, requestUrl: null });
  });
});

describe('auth tokens', () => {
  it('sends a static token and a secret header, and stores neither anywhere in the execution row', async () => {
    const token = await app.call('POST', '/auth_tokens', { body: { name: 'billing', kind: 'static', value: 'sk_live_TOKEN_abcdef123' } });
    expect(token.status).toBe(201);
    const connectorId = await liveConnector({
      name: 'Static token',
      url: `${upstream.url}/secure?api_key=sk_query_secret_999&plain=1`,
      headers: [{ name: 'X-Api-Key', value: 'header_secret_value_777' }],
      token_ids: [token.body.id],
    });
    upstream.handle((req) => ({ body: { echoed: req.headers.authorization } }));
    const outcome = await run(connectorId);
    expect(outcome.success).toBe(true);
    expect(upstream.requests.at(-1)!.headers).toMatchObject({ authorization: 'Bearer sk_live_TOKEN_abcdef123', 'x-api-key': 'header_secret_value_777' });
    const row = JSON.stringify(await storedRow(outcome.executionResultId));
    for (const secret of ['sk_live_TOKEN_abcdef123', 'header_secret_value_777', 'sk_query_secret_999']) expect(row).not.toContain(secret);
    expect((await storedRow(outcome.executionResultId)).requestUrl).toBe(`${upstream.url}/secure?api_key=***&plain=***`);
  });

  it('fetches an HTTP-request token once, caches it, refreshes once on 401, and reports token_refresh_error when that fails', async () => {
    let issued = 0;
    let valid = 'tok-1';
    let apiAlwaysRefuses = false;
    upstream.handle((req) => {
      if (req.url === '/oauth/token') {
        issued += 1;
        return { body: { access_token: valid, expires_in: 3600 } };
      }
      if (apiAlwaysRefuses || req.headers.authorization !== `Bearer ${valid}`) return { status: 401, body: { error: 'invalid token' } };
      return { body: { balance: 10 } };
    });
    const token = await app.call('POST', '/auth_tokens', {
      body: { name: 'oauth', kind: 'http_request', value: 'client-secret-xyz', token_request: { url: `${upstream.url}/oauth/token`, method: 'post', body: '{"client_secret":"{{secret}}"}', token_path: 'access_token', expires_in_path: 'expires_in' } },
    });
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    const connectorId = await liveConnector({ name: 'OAuth', url: `${upstream.url}/balance`, token_ids: [token.body.id] });

    expect((await run(connectorId)).data).toEqual({ balance: 10 });
    expect(JSON.parse(upstream.requests.find((r) => r.url === '/oauth/token')!.body)).toEqual({ client_secret: 'client-secret-xyz' });
    expect((await run(connectorId)).success).toBe(true);
    expect(issued).toBe(1);

    valid = 'tok-2';
    const refreshed = await run(connectorId);
    expect(refreshed.success, refreshed.errorMessage ?? '').toBe(true);
    expect(issued).toBe(2);

    apiAlwaysRefuses = true;
    const failed = await run(connectorId);
    expect(failed).toMatchObject({ success: false, errorType: 'token_refresh_error', httpStatus: 401 });
    expect(issued).toBe(3);
    const row = JSON.stringify(await storedRow(failed.executionResultId));
    for (const secret of ['tok-2', 'client-secret-xyz']) expect(row).not.toContain(secret);
  });
});

describe('responses', () => {
  it('reports a non-2xx answer as 3rd_party_error with its status and body', async () => {
    const connectorId = await liveConnector({ name: 'Missing order', url: `${upstream.url}/orders/404` });
    upstream.handle(() => ({ status: 404, body: { error: 'no such order' } }));
    const outcome = await run(connectorId);
    expect(outcome).toMatchObject({ success: false, errorType: '3rd_party_error', httpStatus: 404, data: null });
    expect(JSON.parse((await storedRow(outcome.executionResultId)).rawResponseBody!)).toEqual({ error: 'no such order' });
  });

  it('converts an XML response to data', async () => {
    const connectorId = await liveConnector({ name: 'XML', url: `${upstream.url}/xml` });
    upstream.handle(() => ({ headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0"?><order id="7"><status>shipped</status></order>' }));
    const outcome = await run(connectorId);
    expect(outcome.success).toBe(true);
    expect(outcome.data).toMatchObject({ order: { status: 'shipped' } });
  });

  it('gives response_mapping_error with the parser message for invalid JSON', async () => {
    const connectorId = await liveConnector({ name: 'Broken JSON', url: `${upstream.url}/broken` });
    upstream.handle(() => ({ headers: { 'content-type': 'application/json' }, body: '{"a": ' }));
    const outcome = await run(connectorId);
    expect(outcome).toMatchObject({ success: false, errorType: 'response_mapping_error', httpStatus: 200 });
    expect(outcome.errorMessage).toMatch(/JSON/);
  });
});

describe('shaping and logged bodies', () => {
  const fields = [
    { path: 'balance', type: 'integer', selected: true, label: 'Unpaid balance', formatter: 'zero_as_text', formatter_options: { text: 'no unpaid balance' } },
    { path: 'card.last4', type: 'string', selected: true, redacted: true },
    { path: 'internal_note', type: 'string', selected: false },
  ];
  const response = { balance: 0, card: { last4: '4242', brand: 'visa' }, internal_note: 'vip' };

  it('gives the caller only the selected fields, named and formatted, and never logs redacted ones', async () => {
    const connectorId = await liveConnector({ name: 'Restricted', url: `${upstream.url}/account`, data_transformation_type: 'redacted_access', response_fields: fields });
    upstream.handle(() => ({ body: response }));
    const outcome = await run(connectorId);
    expect(outcome.data).toEqual({ 'Unpaid balance': 'no unpaid balance', card: { last4: '4242' } });
    const row = await storedRow(outcome.executionResultId);
    expect(JSON.parse(row.responseBody!)).toEqual({ 'Unpaid balance': 'no unpaid balance', card: { last4: '[REDACTED]' } });
    expect(JSON.parse(row.rawResponseBody!)).toMatchObject({ balance: 0, card: { last4: '[REDACTED]', brand: 'visa' } });
    expect(JSON.stringify(row)).not.toContain('4242');
  });

  it('omits the raw body for "redacted & formatted" logging and every body for "no response data"', async () => {
    upstream.handle(() => ({ body: response }));
    const formatted = await liveConnector({ name: 'Formatted log', url: `${upstream.url}/a`, data_transformation_type: 'redacted_access', response_fields: fields, response_logging: 'redacted_formatted' });
    const nothing = await liveConnector({ name: 'No log', url: `${upstream.url}/a`, response_logging: 'none' });
    const a = await storedRow((await run(formatted)).executionResultId);
    expect(a.rawResponseBody).toBeNull();
    expect(JSON.parse(a.responseBody!)).toHaveProperty('Unpaid balance');
    const b = await storedRow((await run(nothing)).executionResultId);
    expect([b.responseBody, b.rawResponseBody]).toEqual([null, null]);
  });

  it('fails code-block connectors clearly until the sandbox exists', async () => {
    const connectorId = await liveConnector({ name: 'Code', url: `${upstream.url}/a`, data_transformation_type: 'code_block_transformation', code_block: 'return inputs["data"]' });
    upstream.handle(() => ({ body: response }));
    expect(await run(connectorId)).toMatchObject({ success: false, errorType: 'response_mapping_error', errorMessage: expect.stringMatching(/Python code blocks/) });
  });
});

describe('object mappings and the realtime bus', () => {
  it('writes mapped attributes with the execution result and pushes only what changed to a socket.io client', async () => {
    const connectorId = await liveConnector({
      name: 'Account sync',
      url: `${upstream.url}/account`,
      object_mappings: [
        { response_object_path: 'account', intercom_object_type: 'user', attribute_mappings: [{ response_attribute_path: 'plan', intercom_attribute_identifier: 'plan' }, { response_attribute_path: 'id', intercom_attribute_identifier: 'account_id' }] },
        { response_object_path: '', intercom_object_type: 'conversation', attribute_mappings: [{ response_attribute_path: 'order.status', intercom_attribute_identifier: 'order_status' }] },
      ],
    });
    const socket: Socket = connectSocket(app.baseUrl, { auth: { token: app.token }, transports: ['websocket'] });
    const events: AttributeUpdatedEvent[] = [];
    socket.on('attribute.updated', (event: AttributeUpdatedEvent) => events.push(event));
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      expect(await socket.emitWithAck('conversation.join', { conversation_id: conversationId })).toEqual({ ok: true });

      let plan = 'pro';
      upstream.handle(() => ({ body: { account: { plan, id: 'acc 1/2' }, order: { status: 'shipped' } } }));
      const first = await run(connectorId, { conversationId });
      expect(first.attributeChanges).toEqual({ contact: { plan: 'pro' }, conversation: { order_status: 'shipped' } });
      const contact = await app.db.contact.findUniqueOrThrow({ where: { id: contactId } });
      expect(contact.customAttributes).toMatchObject({ plan: 'pro', account_id: 'acc 1/2' });

      const second = await run(connectorId, { conversationId });
      expect(second.attributeChanges).toEqual({ contact: {}, conversation: {} });
      plan = 'enterprise';
      await run(connectorId, { conversationId });

      await expect.poll(() => events.length).toBe(3);
      expect(events.map((e) => [e.target, e.changes])).toEqual([
        ['contact', { plan: 'pro' }],
        ['conversation', { order_status: 'shipped' }],
        ['contact', { plan: 'enterprise' }],
      ]);
      expect(events[0]).toMatchObject({ workspace_id: String(app.workspaceId), id: String(contactId), conversation_id: String(conversationId), source: { type: 'inbox', execution_result_id: first.executionResultId } });
    } finally {
      socket.disconnect();
    }
  });

  it('reports what a test run would map without writing or publishing anything', async () => {
    const connectorId = await liveConnector({
      name: 'Dry run',
      url: `${upstream.url}/account`,
      object_mappings: [{ response_object_path: '', intercom_object_type: 'user', attribute_mappings: [{ response_attribute_path: 'plan', intercom_attribute_identifier: 'plan' }] }],
    });
    upstream.handle(() => ({ body: { plan: 'dry-run-plan' } }));
    const before = await app.db.contact.findUniqueOrThrow({ where: { id: contactId } });
    const outcome = await run(connectorId, { conversationId, writeAttributes: false });
    expect(outcome.attributeChanges.contact).toEqual({ plan: 'dry-run-plan' });
    expect((await app.db.contact.findUniqueOrThrow({ where: { id: contactId } })).customAttributes).toEqual(before.customAttributes);
  });

  it('refuses sockets without a valid token and conversations of another workspace', async () => {
    const anonymous = connectSocket(app.baseUrl, { auth: { token: 'pb_wrong' }, transports: ['websocket'], reconnection: false });
    const error = await new Promise<Error>((resolve) => anonymous.once('connect_error', resolve));
    expect(error.message).toMatch(/unauthorized/);
    anonymous.disconnect();

    const other = connectSocket(app.baseUrl, { auth: { token: await app.newWorkspaceToken() }, transports: ['websocket'] });
    await new Promise<void>((resolve) => other.once('connect', () => resolve()));
    expect(await other.emitWithAck('conversation.join', { conversation_id: conversationId })).toEqual({ ok: false, error: `conversation ${conversationId} not found` });
    other.disconnect();
  });
});

describe('targets and modes', () => {
  it.each([
    ['a private address over http', 'http://10.0.0.1/x', /https is required|private/],
    ['the cloud metadata address', 'https://169.254.169.254/latest/meta-data', /link-local|169\.254\.169\.254/],
    ['a hex private literal', 'https://0x0a000001/', /private|10\.0\.0\.1/],
  ])('blocks %s with request_configuration_error', async (_what, url, message) => {
    const connectorId = await liveConnector({ name: `Blocked ${url}`, url });
    const outcome = await run(connectorId);
    expect(outcome).toMatchObject({ success: false, errorType: 'request_configuration_error', calledApi: true });
    expect(outcome.errorMessage).toMatch(message);
  });

  it('uses the example response without calling the API when asked to', async () => {
    const connectorId = await liveConnector({ name: 'Example', url: `${upstream.url}/never`, mock_response: { status: 'example' } });
    const before = upstream.requests.length;
    const outcome = await run(connectorId, { useExampleResponse: true });
    expect(outcome).toMatchObject({ success: true, calledApi: false, data: { status: 'example' } });
    expect(upstream.requests).toHaveLength(before);
  });

  it('refuses to run a client-side connector on the server', async () => {
    const connectorId = await liveConnector({ name: 'Client side', execution_type: 'client_side', client_function_name: 'lookupCart' });
    expect(await run(connectorId)).toMatchObject({ success: false, errorType: 'client_side_action_error' });
  });
});
