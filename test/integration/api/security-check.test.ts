import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../../server/identity/api-tokens.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

// DNS is injected: names resolve from this table, never from the network.
const DNS: Record<string, string[]> = { 'api.shop.example': ['93.184.215.14'], 'internal.shop.example': ['10.0.0.7'] };
const lookups: string[] = [];

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({
    hostLookup: async (host) => {
      lookups.push(host);
      const found = DNS[host];
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return found;
    },
  });
  await app.db.workspace.update({ where: { id: app.workspaceId }, data: { identityVerificationEnforced: true } });
});
afterAll(() => app?.close());

async function create(body: Record<string, unknown>): Promise<string> {
  const res = await app.call('POST', '/data_connectors', { body: { name: 'Connector', http_method: 'get', ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}
const check = (id: string, token?: string) => app.call('POST', '/data_connectors/{id}/security_check', { params: { id }, ...(token && { token }) });
const publish = (id: string, extra: Record<string, unknown> = {}) => app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { state: 'live', ...extra } });
const codes = (body: { findings: { code: string }[] }) => body.findings.map((f) => f.code);

describe('POST /data_connectors/{id}/security_check', () => {
  it('passes a safe connector', async () => {
    const id = await create({ url: 'https://api.shop.example/orders/{{order_id}}', data_inputs: [{ name: 'order_id', type: 'string', required: true }] });
    const res = await check(id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'data_connector.security_check', data_connector_id: id, passed: true, requires_acknowledgement: false, summary: { high: 0, medium: 0, low: 0 }, findings: [], acknowledgement: null });
    expect(lookups).toContain('api.shop.example');
  });

  it('reports findings, most severe first, without revealing secrets', async () => {
    const id = await create({
      http_method: 'post',
      url: 'http://internal.shop.example/customers?email={{email}}&api_key=sk_live_abcdef123456',
      data_inputs: [{ name: 'email', type: 'string', required: true }],
      direct_fin_usage: true,
      mock_response: { customer: { name: 'Ann', phone: '+4712345678' }, card_number: '4242424242424242' },
    });
    const res = await check(id);
    expect(res.body.passed).toBe(false);
    expect(codes(res.body)).toEqual(
      expect.arrayContaining(['insecure_url', 'secret_in_url', 'private_target', 'customer_identifier_from_input', 'write_method_direct_use', 'personal_data_without_authentication', 'sensitive_field_not_redacted']),
    );
    const severities = res.body.findings.map((f: { severity: string }) => f.severity);
    expect(severities).toEqual([...severities].sort((a: string, b: string) => ['high', 'medium', 'low'].indexOf(a) - ['high', 'medium', 'low'].indexOf(b)));
    expect(res.body.summary.high).toBe(severities.filter((s: string) => s === 'high').length);
    expect(JSON.stringify(res.body)).not.toContain('sk_live_abcdef123456');
    expect(res.body.findings.find((f: { code: string }) => f.code === 'private_target')).toMatchObject({ severity: 'medium', field: 'url' });
  });

  it('judges the workspace setting, protected attributes and an unresolvable host', async () => {
    await app.db.customAttributeDefinition.create({ data: { workspaceId: app.workspaceId, target: 'contact', name: 'account_id' } });
    const id = await create({ url: 'https://gone.shop.example/accounts/{{user.account_id}}' });
    expect(codes((await check(id)).body)).toEqual(['unprotected_identifying_attribute', 'target_unresolvable']);
    await app.db.customAttributeDefinition.updateMany({ where: { workspaceId: app.workspaceId, name: 'account_id' }, data: { protected: true } });
    await app.db.workspace.update({ where: { id: app.workspaceId }, data: { identityVerificationEnforced: false } });
    try {
      const after = (await check(id)).body;
      expect(codes(after)).toEqual(['identity_verification_not_enforced', 'target_unresolvable']);
      expect(after.findings[0].severity).toBe('medium');
    } finally {
      await app.db.workspace.update({ where: { id: app.workspaceId }, data: { identityVerificationEnforced: true } });
    }
  });

  it('is for admins, and 404 for unknown connectors', async () => {
    const id = await create({ url: 'https://api.shop.example/x' });
    const agent = await app.db.admin.create({ data: { workspaceId: app.workspaceId, email: `agent-${app.workspaceId}@example.test`, name: 'Agent', passwordHash: 'x', role: 'agent' } });
    const { token } = await createApiToken(app.db, { workspaceId: app.workspaceId, name: 'agent', createdByAdminId: agent.id });
    expect((await check(id, token)).status).toBe(403);
    expect((await check('424242')).status).toBe(404);
  });
});

describe('setting live with high-severity findings', () => {
  it('needs an acknowledgement, which is recorded and covers the same findings later', async () => {
    const id = await create({ url: 'https://api.shop.example/orders?api_key=sk_live_abcdef123456' });
    const refused = await publish(id);
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toHaveLength(1);
    expect(refused.body.errors[0]).toMatchObject({ code: 'security_acknowledgement_required', field: 'security_acknowledgement' });
    expect(refused.body.errors[0].message).toContain('secret_in_url');
    expect(refused.body.errors[0].message).not.toContain('sk_live_abcdef123456');
    const still = await app.db.dataConnector.findUniqueOrThrow({ where: { id: Number(id) }, include: { versions: true } });
    expect(still.state).toBe('draft');
    expect(still.versions.map((v) => v.kind)).toEqual(['draft']);
    expect((await publish(id, { security_acknowledgement: false })).status).toBe(422);

    const live = await publish(id, { security_acknowledgement: true });
    expect(live.status).toBe(200);
    expect(live.body.state).toBe('live');
    const row = await app.db.dataConnector.findUniqueOrThrow({ where: { id: Number(id) } });
    expect(row.securityAcknowledgement).toMatchObject({
      acknowledged_by_admin_id: String(app.adminId),
      api_token_id: expect.any(String),
      findings: [{ code: 'secret_in_url', field: 'url', message: expect.stringContaining('api_key') }],
    });
    expect(new Date((row.securityAcknowledgement as { acknowledged_at: string }).acknowledged_at).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const checked = (await check(id)).body;
    expect(checked).toMatchObject({ passed: false, requires_acknowledgement: false, acknowledgement: { acknowledged_by_admin_id: String(app.adminId) } });
    expect(checked.findings[0]).toMatchObject({ code: 'secret_in_url', acknowledged: true });

    // The same finding is covered when the connector is set live again...
    await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { name: 'Renamed' } });
    expect((await publish(id)).status).toBe(200);
    // ...a new one is not.
    const newFinding = await publish(id, { http_method: 'delete', direct_fin_usage: true });
    expect(newFinding.status).toBe(422);
    expect(newFinding.body.errors.map((e: { message: string }) => e.message.split(' ')[4])).toEqual(['write_method_direct_use']);
    expect((await app.call('GET', '/data_connectors/{id}', { params: { id } })).body.http_method).toBe('get');
    expect((await publish(id, { http_method: 'delete', direct_fin_usage: true, security_acknowledgement: true })).status).toBe(200);

    // Once nothing high remains, the acknowledgement is cleared.
    expect((await publish(id, { url: 'https://api.shop.example/orders', http_method: 'get' })).status).toBe(200);
    expect((await app.db.dataConnector.findUniqueOrThrow({ where: { id: Number(id) } })).securityAcknowledgement).toBeNull();
    expect((await check(id)).body).toMatchObject({ passed: true, acknowledgement: null });
  });

  it('publishes medium and low findings without one', async () => {
    const id = await create({ url: 'https://internal.shop.example/status' });
    expect(codes((await check(id)).body)).toEqual(['private_target']);
    expect((await publish(id)).status).toBe(200);
  });

  it('accepts security_acknowledgement only with state live', async () => {
    const id = await create({ url: 'https://api.shop.example/x' });
    const res = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { name: 'x', security_acknowledgement: true } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ field: 'security_acknowledgement' });
    expect((await app.call('GET', '/data_connectors/{id}', { params: { id }, query: { state_version: 'draft' } })).body.name).toBe('Connector');
  });
});
