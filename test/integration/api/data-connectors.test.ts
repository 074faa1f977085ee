import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await app.db.customAttributeDefinition.createMany({
    data: [
      { workspaceId: app.workspaceId, target: 'contact', name: 'account_id' },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'order_status' },
    ],
  });
});
afterAll(() => app?.close());

const fullConnector = {
  name: 'Get Order Status',
  description: 'Looks up order status from an external service',
  http_method: 'get',
  url: 'https://api.example.com/orders/{{order_id}}/status?account={{user.account_id}}',
  direct_fin_usage: true,
  audiences: ['leads', 'visitors'],
  headers: [{ name: 'X-Api-Key', value: 'sk_live_supersecret_123' }],
  data_inputs: [{ name: 'order_id', type: 'string', description: 'The order ID to look up', required: true, default_value: '' }],
  customer_authentication: true,
  bypass_authentication: false,
  validate_missing_attributes: true,
};

const counts = async () => ({
  connectors: await app.db.dataConnector.count(),
  versions: await app.db.dataConnectorVersion.count(),
});

async function create(body: Record<string, unknown> = { name: 'Connector' }) {
  const res = await app.call('POST', '/data_connectors', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('authentication', () => {
  it('refuses a missing, malformed, unknown or revoked token with 401 error.list', async () => {
    for (const token of [null, 'not-a-token', 'pb_unknownunknownunknown']) {
      const res = await app.call('GET', '/data_connectors', { token });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ type: 'error.list', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    const revoked = await app.newWorkspaceToken();
    await app.db.apiToken.updateMany({ where: { workspaceId: { not: app.workspaceId } }, data: { revokedAt: new Date() } });
    expect((await app.call('GET', '/data_connectors', { token: revoked })).status).toBe(401);
  });

  it('accepts known Intercom-Version values and rejects unknown ones', async () => {
    expect((await app.call('GET', '/data_connectors', { headers: { 'Intercom-Version': 'Unstable' } })).status).toBe(200);
    expect((await app.call('GET', '/data_connectors', { headers: { 'Intercom-Version': '2.14' } })).status).toBe(200);
    const bad = await app.call('GET', '/data_connectors', { headers: { 'Intercom-Version': '9.9' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ code: 'intercom_version_invalid', field: 'Intercom-Version' });
  });

  it('keeps workspaces apart', async () => {
    const mine = await create({ name: 'Mine' });
    const other = await app.newWorkspaceToken();
    expect((await app.call('GET', '/data_connectors/{id}', { params: { id: mine.id }, token: other })).status).toBe(404);
    const list = await app.call('GET', '/data_connectors', { token: other });
    expect(list.body.data.map((c: { id: string }) => c.id)).not.toContain(mine.id);
  });
});

describe('POST /data_connectors', () => {
  it('creates a minimal draft with the reference defaults', async () => {
    const body = await create({ name: 'My Connector' });
    expect(body).toMatchObject({
      type: 'data_connector',
      name: 'My Connector',
      state: 'draft',
      http_method: 'get',
      direct_fin_usage: false,
      execution_type: 'server_side',
      configuration_response_type: 'test_response_type',
      data_transformation_type: 'full_access',
      data_inputs: [],
      token_ids: [],
      customer_authentication: false,
      bypass_authentication: false,
      created_by_admin_id: String(app.adminId),
      execution_results_url: `/data_connectors/${body.id}/execution_results`,
      has_unpublished_changes: true,
    });
    expect(body.id).toMatch(/^\d+$/);
  });

  it('stores header values encrypted and never returns them', async () => {
    const body = await create(fullConnector);
    expect(body.headers).toEqual([{ name: 'X-Api-Key', value: '****' }]);
    expect(JSON.stringify(body)).not.toContain('supersecret');
    const row = await app.db.dataConnectorVersion.findFirstOrThrow({ where: { dataConnectorId: Number(body.id) } });
    expect(JSON.stringify(row)).not.toContain('supersecret');
    const [stored] = row.headers as { valueEncrypted: string }[];
    expect(app.secrets.decrypt(stored!.valueEncrypted)).toBe('sk_live_supersecret_123');
  });

  it('derives response_fields from a mock response', async () => {
    const body = await create({ name: 'Order Lookup', mock_response: { order: { id: 12345, status: 'shipped', shipped_at: '2026-01-02T10:00:00Z' }, items: [1, 2] } });
    expect(body.configuration_response_type).toBe('mock_response_type');
    expect(body.response_fields).toEqual([
      expect.objectContaining({ path: 'order.id', type: 'integer', example_value: 12345, redacted: false }),
      expect.objectContaining({ path: 'order.status', type: 'string', example_value: 'shipped' }),
      expect.objectContaining({ path: 'order.shipped_at', type: 'datetime' }),
      expect.objectContaining({ path: 'items', type: 'unknown', example_value: null }),
    ]);
  });

  it.each([
    ['a missing name', {}, 'parameter_not_found', 'name'],
    ['an empty name', { name: '   ' }, 'parameter_invalid', 'name'],
    ['an over-long name', { name: 'x'.repeat(256) }, 'parameter_invalid', 'name'],
    ['a wrongly typed field', { name: 'A', direct_fin_usage: 'yes' }, 'parameter_invalid', 'direct_fin_usage'],
    ['an unknown field', { name: 'A', colour: 'red' }, 'parameter_invalid', 'colour'],
    ['an unknown http method', { name: 'A', http_method: 'GET' }, 'parameter_invalid', 'http_method'],
    ['invalid audiences', { name: 'A', audiences: ['admins'] }, 'parameter_invalid', 'audiences.0'],
    ['a URL that is not a URL', { name: 'A', url: 'not a url' }, 'parameter_invalid', 'url'],
    ['a non-http URL', { name: 'A', url: 'ftp://example.com/x' }, 'parameter_invalid', 'url'],
    ['an unknown template variable', { name: 'A', url: 'https://x.test/{{order}}' }, 'parameter_invalid', 'url'],
    ['an unknown user attribute', { name: 'A', url: 'https://x.test/{{user.shoe_size}}' }, 'parameter_invalid', 'url'],
    ['an unknown variable in a body', { name: 'A', http_method: 'post', url: 'https://x.test', body: '{"a":"{{nope}}"}' }, 'parameter_invalid', 'body'],
    ['an unknown variable in a header', { name: 'A', headers: [{ name: 'X-A', value: '{{nope}}' }] }, 'parameter_invalid', 'headers.0.value'],
    ['an unclosed template', { name: 'A', url: 'https://x.test/{{user.id' }, 'parameter_invalid', 'url'],
    ['an invalid header name', { name: 'A', headers: [{ name: 'Bad Header', value: 'v' }] }, 'parameter_invalid', 'headers.0.name'],
    ['an unknown token id', { name: 'A', token_ids: ['999999'] }, 'parameter_invalid', 'token_ids'],
    ['a bad data input name', { name: 'A', data_inputs: [{ name: '1st', type: 'string' }] }, 'parameter_invalid', 'data_inputs.0.name'],
    ['a default value of the wrong type', { name: 'A', data_inputs: [{ name: 'n', type: 'integer', default_value: 'ten' }] }, 'parameter_invalid', 'data_inputs.0.default_value'],
    ['duplicate data inputs', { name: 'A', data_inputs: [{ name: 'n' }, { name: 'n' }] }, 'parameter_invalid', 'data_inputs'],
    [
      'a mapping to an undefined attribute',
      { name: 'A', object_mappings: [{ intercom_object_type: 'user', attribute_mappings: [{ response_attribute_path: 'x', intercom_attribute_identifier: 'nope' }] }] },
      'parameter_invalid',
      'object_mappings.0.attribute_mappings.0.intercom_attribute_identifier',
    ],
    ['a timeout above the budget', { name: 'A', timeout_ms: 60_000 }, 'parameter_invalid', 'timeout_ms'],
    ['a non-object mock response', { name: 'A', mock_response: 'text' }, 'parameter_invalid', 'mock_response'],
  ])('rejects %s with 422 naming the field, and writes nothing', async (_label, body, code, field) => {
    const before = await counts();
    const res = await app.call('POST', '/data_connectors', { body });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('error.list');
    expect(res.body.errors).toContainEqual(expect.objectContaining({ code, field }));
    expect(res.body.errors[0].message.length).toBeGreaterThan(5);
    expect(await counts()).toEqual(before);
  });

  it('uses the reference wording for invalid audiences and methods', async () => {
    const audiences = await app.call('POST', '/data_connectors', { body: { name: 'A', audiences: ['admins'] } });
    expect(audiences.body.errors[0].message).toContain('Invalid audiences. Must be a subset of: leads, users, visitors');
    const method = await app.call('POST', '/data_connectors', { body: { name: 'A', http_method: 'fetch' } });
    expect(method.body.errors[0].message).toContain("Http Method isn't an option");
  });

  it('rejects malformed JSON with 400 and writes nothing', async () => {
    const before = await counts();
    const res = await app.call('POST', '/data_connectors', { rawBody: '{"name": "A",' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe('client_error');
    expect(res.body.errors[0].message).toMatch(/not valid JSON/);
    expect(await counts()).toEqual(before);
  });

  it('accepts context variables and data inputs in templates', async () => {
    const body = await create({
      name: 'Context',
      http_method: 'post',
      url: 'https://x.test/{{user.id}}/{{conversation.id}}/{{company.name}}/{{user.account_id}}',
      body: '{"part": "{{conversation_part.body}}", "n": {{n}}, "s": "{{conversation.order_status}}"}',
      headers: [{ name: 'Authorization', value: 'Bearer {{auth_tokens.shop}}' }],
      data_inputs: [{ name: 'n', type: 'integer' }],
    });
    expect(body.body).toContain('{{conversation_part.body}}');
  });
});

describe('GET /data_connectors/{id}', () => {
  it('returns 404 for unknown and malformed ids, 400 for a bad state_version', async () => {
    for (const id of ['999999', 'abc', '0']) {
      const res = await app.call('GET', '/data_connectors/{id}', { params: { id } });
      expect(res.status).toBe(404);
      expect(res.body.errors[0]).toMatchObject({ code: 'data_connector_not_found', message: 'Data connector not found' });
    }
    const { id } = await create();
    const res = await app.call('GET', '/data_connectors/{id}', { params: { id }, query: { state_version: 'latest' } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toContain('Invalid state_version. Must be one of: live, draft');
  });
});

describe('PATCH /data_connectors/{id}', () => {
  it('replaces data_inputs whole, publishes with state live, and keeps later edits in the draft', async () => {
    const created = await create({ ...fullConnector, name: 'Lifecycle' });
    const id = created.id;
    const renamed = await app.call('PATCH', '/data_connectors/{id}', {
      params: { id },
      body: { url: 'https://api.example.com/orders/{{ref}}', data_inputs: [{ name: 'ref', type: 'integer', description: 'Order number', required: true }] },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data_inputs).toEqual([{ name: 'ref', type: 'integer', description: 'Order number', required: true, default_value: '' }]);

    const live = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { state: 'live' } });
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ state: 'live', has_unpublished_changes: false });

    const edited = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { name: 'Lifecycle v2' } });
    expect(edited.body).toMatchObject({ name: 'Lifecycle v2', state: 'live', has_unpublished_changes: true });

    const liveView = await app.call('GET', '/data_connectors/{id}', { params: { id } });
    expect(liveView.body.name).toBe('Lifecycle');
    const draftView = await app.call('GET', '/data_connectors/{id}', { params: { id }, query: { state_version: 'draft' } });
    expect(draftView.body.name).toBe('Lifecycle v2');

    await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { state: 'live' } });
    expect((await app.call('GET', '/data_connectors/{id}', { params: { id } })).body).toMatchObject({ name: 'Lifecycle v2', has_unpublished_changes: false });
  });

  it('refuses to publish a connector without a URL, changing nothing', async () => {
    const { id } = await create({ name: 'No URL' });
    const res = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { name: 'Renamed', state: 'live' } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'url' });
    const after = await app.call('GET', '/data_connectors/{id}', { params: { id }, query: { state_version: 'draft' } });
    expect(after.body).toMatchObject({ name: 'No URL', state: 'draft' });
  });

  it('rejects an update whose new inputs orphan a URL variable, changing nothing', async () => {
    const { id } = await create({ ...fullConnector, name: 'Orphan' });
    const res = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { data_inputs: [] } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe('url');
    expect((await app.call('GET', '/data_connectors/{id}', { params: { id }, query: { state_version: 'draft' } })).body.data_inputs).toHaveLength(1);
  });

  it('keeps a stored header value when the client sends "****" back', async () => {
    const { id } = await create({ name: 'Headers', headers: [{ name: 'Authorization', value: 'Bearer keep-me' }] });
    await app.call('PATCH', '/data_connectors/{id}', {
      params: { id },
      body: { headers: [{ name: 'Authorization', value: '****' }, { name: 'X-New', value: 'fresh' }] },
    });
    const row = await app.db.dataConnectorVersion.findFirstOrThrow({ where: { dataConnectorId: Number(id), kind: 'draft' } });
    const values = (row.headers as { name: string; valueEncrypted: string }[]).map((h) => [h.name, app.secrets.decrypt(h.valueEncrypted)]);
    expect(values).toEqual([['Authorization', 'Bearer keep-me'], ['X-New', 'fresh']]);
  });

  it('validates state and unknown ids', async () => {
    const { id } = await create();
    const bad = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { state: 'archived' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].message).toContain('Invalid state. Must be one of: draft, live');
    expect((await app.call('PATCH', '/data_connectors/{id}', { params: { id: '424242' }, body: { name: 'x' } })).status).toBe(404);
  });

  it('attaches existing auth tokens by id', async () => {
    const token = await app.call('POST', '/auth_tokens', { body: { name: 'Shop token', value: 'shpat_abcdef' } });
    expect(token.status).toBe(201);
    const { id } = await create({ name: 'With token', token_ids: [token.body.id] });
    expect((await app.call('GET', '/data_connectors/{id}', { params: { id } })).body.token_ids).toEqual([token.body.id]);
  });
});

describe('DELETE /data_connectors/{id}', () => {
  it('deletes a draft, refuses a live one and one used by a macro', async () => {
    const draft = await create({ name: 'Disposable' });
    const deleted = await app.call('DELETE', '/data_connectors/{id}', { params: { id: draft.id } });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: draft.id, object: 'data_connector', deleted: true });
    expect((await app.call('GET', '/data_connectors/{id}', { params: { id: draft.id } })).status).toBe(404);

    const live = await create({ name: 'Live one', url: 'https://x.test/a' });
    await app.call('PATCH', '/data_connectors/{id}', { params: { id: live.id }, body: { state: 'live' } });
    const refused = await app.call('DELETE', '/data_connectors/{id}', { params: { id: live.id } });
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0]).toMatchObject({ code: 'conflict', message: 'Data connector must be in draft state to be deleted' });

    await app.db.macro.create({ data: { workspaceId: app.workspaceId, name: 'Refund macro', actions: [{ type: 'trigger_data_connector', data_connector_id: live.id }] } });
    const toDraft = await app.call('PATCH', '/data_connectors/{id}', { params: { id: live.id }, body: { state: 'draft' } });
    expect(toDraft.status).toBe(409);
    expect(toDraft.body.errors[0].code).toBe('data_connector_in_use');
    expect(toDraft.body.errors[0].message).toContain('Refund macro');
    const inUse = await app.call('DELETE', '/data_connectors/{id}', { params: { id: live.id } });
    expect(inUse.status).toBe(409);
    expect(inUse.body.errors[0].code).toBe('data_connector_in_use');
    expect((await app.call('GET', '/data_connectors/{id}', { params: { id: live.id } })).body.state).toBe('live');
  });
});

describe('GET /data_connectors', () => {
  it('pages most recently updated first with opaque cursors', async () => {
    const token = await app.newWorkspaceToken();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await app.call('POST', '/data_connectors', { token, body: { name: `Paged ${i}` } })).body.id);
    }
    // Touch the first one so it becomes the most recently updated.
    await app.call('PATCH', '/data_connectors/{id}', { token, params: { id: ids[0]! }, body: { description: 'touched' } });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await app.call('GET', '/data_connectors', { token, query: { per_page: '2', ...(cursor && { starting_after: cursor }) } });
      expect(res.status).toBe(200);
      expect(res.body.pages).toMatchObject({ type: 'pages', per_page: 2 });
      seen.push(...res.body.data.map((c: { id: string }) => c.id));
      cursor = res.body.pages.next?.starting_after;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([ids[0], ids[4], ids[3], ids[2], ids[1]]);
  });

  it.each([
    [{ per_page: '0' }, 'per_page'],
    [{ per_page: '51' }, 'per_page'],
    [{ per_page: 'ten' }, 'per_page'],
    [{ starting_after: 'not-a-cursor' }, 'starting_after'],
  ])('rejects %o with 400', async (query, field) => {
    const res = await app.call('GET', '/data_connectors', { query });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe(field);
  });
});

describe('execution results', () => {
  let connectorId: string;
  const now = Date.now();
  beforeAll(async () => {
    connectorId = (await create({ name: 'Logged', url: 'https://x.test/a', http_method: 'post' })).id;
    const base = { workspaceId: app.workspaceId, dataConnectorId: Number(connectorId), httpMethod: 'post' as const };
    await app.db.executionResult.createMany({
      data: [
        { ...base, success: true, httpStatus: 200, executionTimeMs: 120, sourceType: 'workflow', sourceId: '5001', conversationId: 8001, requestUrl: 'https://x.test/a?[redacted]', requestBody: '{"a":1}', responseBody: '{"ok":true}', rawResponseBody: '{"ok":true}', createdAt: new Date(now - 10 * 60_000) },
        { ...base, success: false, errorType: '3rd_party_error', errorMessage: 'Connection refused', sourceType: 'inbox', createdAt: new Date(now - 20 * 60_000) },
        { ...base, success: false, errorType: 'request_validation_error', errorMessage: 'order_id is required', sourceType: 'fin', createdAt: new Date(now - 30 * 60_000) },
        { ...base, success: true, httpStatus: 200, sourceType: 'inbox', createdAt: new Date(now - 3 * 60 * 60_000) },
      ],
    });
  });

  const list = (query: Record<string, string> = {}) => app.call('GET', '/data_connectors/{data_connector_id}/execution_results', { params: { data_connector_id: connectorId }, query });

  it('lists the last hour by default, newest first, without bodies or URL', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body.data.map((r: { success: boolean }) => r.success)).toEqual([true, false, false]);
    expect(res.body.data[0]).toMatchObject({ type: 'data_connector.execution', data_connector_id: connectorId, http_status: 200, source_type: 'workflow', source_id: '5001', conversation_id: '8001' });
    expect(res.body.data[0]).not.toHaveProperty('request_body');
    expect(res.body.data[0]).not.toHaveProperty('request_url');
  });

  it('filters by success, error_type and time range, and includes bodies and URL on request', async () => {
    expect((await list({ success: 'false' })).body.data).toHaveLength(2);
    const byType = await list({ error_type: '3rd_party_error' });
    expect(byType.body.data.map((r: { error_message: string }) => r.error_message)).toEqual(['Connection refused']);
    const all = await list({ start_ts: String(Math.floor((now - 4 * 3600_000) / 1000)), end_ts: String(Math.ceil(now / 1000)) });
    expect(all.body.data).toHaveLength(4);
    const old = await list({ start_ts: String(Math.floor((now - 4 * 3600_000) / 1000)), end_ts: String(Math.floor((now - 2 * 3600_000) / 1000)) });
    expect(old.body.data).toHaveLength(1);
    const withBodies = await list({ include_bodies: 'true', include_request_url: 'true', success: 'true' });
    expect(withBodies.body.data[0]).toMatchObject({ request_url: 'https://x.test/a?[redacted]', request_body: '{"a":1}', response_body: '{"ok":true}' });
  });

  it('pages results', async () => {
    const first = await list({ per_page: '2' });
    expect(first.body.data).toHaveLength(2);
    const second = await list({ per_page: '2', starting_after: first.body.pages.next.starting_after });
    expect(second.body.data).toHaveLength(1);
    expect(second.body.pages.next).toBeNull();
  });

  it.each([
    [{ error_type: 'oops' }, 'Invalid error_type. Must be one of:'],
    [{ start_ts: 'yesterday' }, 'start_ts must be a Unix timestamp (integer)'],
    [{ success: 'maybe' }, 'success must be true or false'],
    [{ per_page: '31' }, 'per_page must be between 1 and 30'],
    [{ include_bodies: 'yes' }, 'include_bodies must be true or false'],
  ])('rejects %o with 400', async (query, message) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toContain(message);
  });

  it('returns one result with bodies, and 404s for unknown results and connectors', async () => {
    const [newest] = (await list()).body.data;
    const one = await app.call('GET', '/data_connectors/{data_connector_id}/execution_results/{id}', { params: { data_connector_id: connectorId, id: newest.id } });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: newest.id, request_url: 'https://x.test/a?[redacted]', raw_response_body: '{"ok":true}' });
    const missing = await app.call('GET', '/data_connectors/{data_connector_id}/execution_results/{id}', { params: { data_connector_id: connectorId, id: '987654' } });
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].code).toBe('execution_result_not_found');
    const other = (await create({ name: 'Other' })).id;
    const wrongParent = await app.call('GET', '/data_connectors/{data_connector_id}/execution_results/{id}', { params: { data_connector_id: other, id: newest.id } });
    expect(wrongParent.status).toBe(404);
    const noConnector = await app.call('GET', '/data_connectors/{data_connector_id}/execution_results', { params: { data_connector_id: '999999' } });
    expect(noConnector.body.errors[0].code).toBe('data_connector_not_found');
  });
});
