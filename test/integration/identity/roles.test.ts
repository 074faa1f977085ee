// Agents run connectors; admins configure them. Checked through the session
// cookie (the web app) and through an API token an agent's account owns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../../server/identity/api-tokens.ts';
import { createTestAdmin, signInAs, withSession, type BrowserSession } from '../../support/admin-session.ts';
import { startTestApp, type CallOptions, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

let app: TestApp;
let upstream: Upstream;
let agent: BrowserSession;
let admin: BrowserSession;
let agentToken: string;
let connectorId: string;
let authTokenId: string;
let apiTokenId: string;

beforeAll(async () => {
  app = await startTestApp();
  upstream = await startUpstream(() => ({ body: { plan: 'pro' } }));
  const agentAccount = await createTestAdmin(app, { role: 'agent' });
  agent = await signInAs(app, agentAccount.email);
  admin = await signInAs(app, (await createTestAdmin(app)).email);
  agentToken = (await createApiToken(app.db, { workspaceId: app.workspaceId, name: 'agent script', createdByAdminId: Number(agent.me.id) })).token;

  const created = await app.call('POST', '/data_connectors', { body: { name: 'Plan lookup', http_method: 'get', url: `${upstream.url}/plan` } });
  expect(created.status).toBe(201);
  connectorId = created.body.id;
  expect((await app.call('PATCH', '/data_connectors/{id}', { params: { id: connectorId }, body: { state: 'live' } })).status).toBe(200);
  authTokenId = (await app.call('POST', '/auth_tokens', { body: { name: 'Billing', value: 'sk_live_secret' } })).body.id;
  apiTokenId = (await app.call('POST', '/api_tokens', { body: { name: 'Zapier' } })).body.id;
});
afterAll(async () => {
  await upstream?.close();
  await app?.close();
});

type Caller = [label: string, auth: () => CallOptions];
const agents: Caller[] = [
  ['agent (session cookie)', () => withSession(agent)],
  ["agent's API token", () => ({ token: agentToken })],
];

const draftName = async () => (await app.db.dataConnectorVersion.findFirstOrThrow({ where: { dataConnectorId: Number(connectorId), kind: 'draft' } })).name;

describe.each(agents)('%s', (_label, auth) => {
  it('may list and read connectors, run them and read their execution results', async () => {
    const list = await app.call('GET', '/data_connectors', auth());
    expect(list.status).toBe(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toContain(connectorId);
    expect((await app.call('GET', '/data_connectors/{id}', { params: { id: connectorId }, ...auth() })).status).toBe(200);

    const executed = await app.call('POST', '/data_connectors/{id}/execute', { params: { id: connectorId }, body: {}, ...auth() });
    expect(executed.status, JSON.stringify(executed.body)).toBe(200);
    expect(executed.body.success).toBe(true);
    expect(upstream.requests.at(-1)?.url).toBe('/plan');

    const results = await app.call('GET', '/data_connectors/{data_connector_id}/execution_results', { params: { data_connector_id: connectorId }, ...auth() });
    expect(results.status).toBe(200);
    expect(results.body.data.length).toBeGreaterThan(0);
  });

  it.each([
    ['POST', '/data_connectors', {}, { name: 'Agent connector' }],
    ['PATCH', '/data_connectors/{id}', { id: 'connector' }, { name: 'Renamed by agent' }],
    ['PATCH', '/data_connectors/{id}', { id: 'connector' }, { state: 'draft' }],
    ['DELETE', '/data_connectors/{id}', { id: 'connector' }, undefined],
    ['POST', '/data_connectors/{id}/test', { id: 'connector' }, {}],
    ['GET', '/auth_tokens', {}, undefined],
    ['POST', '/auth_tokens', {}, { name: 'Agent token', value: 'x' }],
    ['DELETE', '/auth_tokens/{id}', { id: 'auth_token' }, undefined],
    ['GET', '/api_tokens', {}, undefined],
    ['POST', '/api_tokens', {}, { name: 'Agent API token' }],
    ['DELETE', '/api_tokens/{id}', { id: 'api_token' }, undefined],
  ] as const)('gets 403 forbidden naming the admin role on %s %s (%j)', async (method, path, params, body) => {
    const ids: Record<string, string> = { connector: connectorId, auth_token: authTokenId, api_token: apiTokenId };
    const counts = async () => [await app.db.dataConnector.count(), await app.db.authToken.count(), await app.db.apiToken.count({ where: { revokedAt: null } })];
    const before = await counts();

    const res = await app.call(method, path, {
      params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, ids[v]!])),
      ...(body !== undefined && { body }),
      ...auth(),
    });

    expect(res.status).toBe(403);
    expect(res.body.errors).toEqual([{ code: 'forbidden', message: 'This needs the admin role; you have the agent role' }]);
    expect(await counts()).toEqual(before);
    expect(await draftName()).toBe('Plan lookup');
    expect((await app.db.dataConnector.findUniqueOrThrow({ where: { id: Number(connectorId) } })).state).toBe('live');
  });
});

describe('an admin (session cookie)', () => {
  it('may do what agents may not', async () => {
    const created = await app.call('POST', '/data_connectors', { body: { name: 'Admin connector' }, ...withSession(admin) });
    expect(created.status).toBe(201);
    expect((await app.call('POST', '/data_connectors/{id}/test', { params: { id: created.body.id }, body: {}, ...withSession(admin) })).status).not.toBe(403);
    expect((await app.call('DELETE', '/data_connectors/{id}', { params: { id: created.body.id }, ...withSession(admin) })).status).toBe(200);
    expect((await app.call('GET', '/auth_tokens', withSession(admin))).status).toBe(200);
    expect((await app.call('GET', '/api_tokens', withSession(admin))).status).toBe(200);
  });
});

describe('an API token', () => {
  it("acts with its creator's current role", async () => {
    const account = await createTestAdmin(app);
    const { token } = await createApiToken(app.db, { workspaceId: app.workspaceId, name: 'demoted later', createdByAdminId: account.id });
    expect((await app.call('GET', '/auth_tokens', { token })).status).toBe(200);
    await app.db.admin.update({ where: { id: account.id }, data: { role: 'agent' } });
    expect((await app.call('GET', '/auth_tokens', { token })).status).toBe(403);
  });

  it('created from the command line (no admin) acts as admin', async () => {
    const { token } = await createApiToken(app.db, { workspaceId: app.workspaceId, name: 'cli' });
    expect((await app.call('GET', '/auth_tokens', { token })).status).toBe(200);
  });
});
