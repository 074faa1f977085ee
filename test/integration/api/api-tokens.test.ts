// GET/POST /api_tokens and DELETE /api_tokens/{id}: tokens shown once, stored
// as a hash, listed by prefix, revoked for good.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

async function create(name: string) {
  const res = await app.call('POST', '/api_tokens', { body: { name } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; token: string; prefix: string; name: string };
}

describe('POST /api_tokens', () => {
  it('creates a token, shows it once, and stores only its SHA-256', async () => {
    const res = await app.call('POST', '/api_tokens', { body: { name: '  Zapier  ' } });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      type: 'api_token',
      name: 'Zapier',
      created_by_admin_id: String(app.adminId),
      last_used_at: null,
      revoked: false,
      revoked_at: null,
      token: expect.stringMatching(/^pb_[A-Za-z0-9_-]{43}$/),
    });
    expect(res.body.token.startsWith(res.body.prefix)).toBe(true);
    expect(res.body.prefix.length).toBeLessThan(12);

    // The raw row: the hash and the prefix, never the token.
    const row = await app.db.apiToken.findUniqueOrThrow({ where: { id: Number(res.body.id) } });
    expect(row.tokenHash).toBe(sha256(res.body.token));
    expect(Object.values(row).map(String)).not.toContain(res.body.token);
    expect(JSON.stringify(row)).not.toContain(res.body.token.slice(12));
  });

  it('the new token authenticates, and its use is recorded', async () => {
    const { id, token } = await create('Script');
    const res = await app.call('GET', '/data_connectors', { token });
    expect(res.status).toBe(200);
    const listed = (await app.call('GET', '/api_tokens')).body.data.find((t: { id: string }) => t.id === id);
    expect(listed.last_used_at).not.toBeNull();
  });

  it('validates the body', async () => {
    const missing = await app.call('POST', '/api_tokens', { body: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([expect.objectContaining({ code: 'parameter_not_found', field: 'name' })]);
    const blank = await app.call('POST', '/api_tokens', { body: { name: '   ' } });
    expect(blank.status).toBe(422);
    const extra = await app.call('POST', '/api_tokens', { body: { name: 'x', scopes: ['all'] } });
    expect(extra.status).toBe(422);
    expect(extra.body.errors[0].field).toBe('scopes');
  });
});

describe('GET /api_tokens', () => {
  it('lists the tokens of the workspace, newest first, without ever showing a token', async () => {
    const first = await create('First');
    const second = await create('Second');
    const foreignToken = await app.newWorkspaceToken();

    const res = await app.call('GET', '/api_tokens');

    expect(res.status).toBe(200);
    const ids = res.body.data.map((t: { id: string }) => t.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect(res.body.data.find((t: { id: string }) => t.id === first.id)).toEqual({
      type: 'api_token',
      id: first.id,
      name: 'First',
      prefix: first.prefix,
      created_by_admin_id: String(app.adminId),
      created_at: expect.any(String),
      last_used_at: null,
      revoked: false,
      revoked_at: null,
    });
    const text = JSON.stringify(res.body);
    for (const token of [first.token, second.token, app.token, foreignToken]) expect(text).not.toContain(token);
    // Only this workspace's tokens.
    expect(res.body.data).toHaveLength(await app.db.apiToken.count({ where: { workspaceId: app.workspaceId } }));
  });
});

describe('DELETE /api_tokens/{id}', () => {
  it('revokes the token: it is refused from then on and listed as revoked', async () => {
    const { id, token } = await create('To revoke');
    expect((await app.call('GET', '/data_connectors', { token })).status).toBe(200);

    const res = await app.call('DELETE', '/api_tokens/{id}', { params: { id } });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, name: 'To revoke', revoked: true, revoked_at: expect.any(String) });
    expect(res.body).not.toHaveProperty('token');
    const refused = await app.call('GET', '/data_connectors', { token });
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0].code).toBe('unauthorized');
    const listed = (await app.call('GET', '/api_tokens')).body.data.find((t: { id: string }) => t.id === id);
    expect(listed).toMatchObject({ revoked: true, revoked_at: res.body.revoked_at });

    // Again: nothing changes.
    const again = await app.call('DELETE', '/api_tokens/{id}', { params: { id } });
    expect(again.status).toBe(200);
    expect(again.body.revoked_at).toBe(res.body.revoked_at);
  });

  it('a token may revoke itself', async () => {
    const { id, token } = await create('Self');
    expect((await app.call('DELETE', '/api_tokens/{id}', { params: { id }, token })).status).toBe(200);
    expect((await app.call('GET', '/api_tokens', { token })).status).toBe(401);
  });

  it("404 for an unknown id, a malformed one, and another workspace's token (which stays valid)", async () => {
    const foreignToken = await app.newWorkspaceToken();
    const foreignId = String((await app.db.apiToken.findUniqueOrThrow({ where: { tokenHash: sha256(foreignToken) } })).id);
    for (const id of ['999999', 'abc', '0', foreignId]) {
      const res = await app.call('DELETE', '/api_tokens/{id}', { params: { id } });
      expect(res.status, id).toBe(404);
      expect(res.body.errors[0].code).toBe('api_token_not_found');
    }
    expect((await app.call('GET', '/data_connectors', { token: foreignToken })).status).toBe(200);
  });
});
