import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

describe('auth tokens (Patchbay extension)', () => {
  it('encrypts token values at rest and never returns them', async () => {
    const res = await app.call('POST', '/auth_tokens', { body: { name: 'Stripe', value: 'sk_test_plaintext_9f8e7d' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: 'auth_token', name: 'Stripe', kind: 'static', header_name: 'Authorization', prefix: 'Bearer ', value: '****' });

    // Read the raw row the way an attacker with the database file would.
    const rows = await app.db.$queryRawUnsafe<Record<string, unknown>[]>('SELECT * FROM "AuthToken"');
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain('sk_test_plaintext_9f8e7d');
    expect(app.secrets.decrypt(String(rows[0]!.valueEncrypted))).toBe('sk_test_plaintext_9f8e7d');

    const list = await app.call('GET', '/auth_tokens');
    expect(JSON.stringify(list.body)).not.toContain('plaintext');
    expect(list.body.data.map((t: { name: string }) => t.name)).toEqual(['Stripe']);
  });

  it.each([
    ['a basic token without a colon', { name: 'B', kind: 'basic', value: 'nocolon' }, 'value'],
    ['an http_request token without token_request', { name: 'H', kind: 'http_request', value: 'secret' }, 'token_request'],
    ['a token_request URL that is not http(s)', { name: 'H', kind: 'http_request', value: 's', token_request: { url: 'file:///etc/passwd' } }, 'token_request.url'],
    ['an empty value', { name: 'E', value: '' }, 'value'],
    ['an unknown kind', { name: 'K', kind: 'oauth9', value: 'v' }, 'kind'],
  ])('rejects %s naming the field', async (_label, body, field) => {
    const before = await app.db.authToken.count();
    const res = await app.call('POST', '/auth_tokens', { body });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await app.db.authToken.count()).toBe(before);
  });

  it('rejects a duplicate name and refuses to delete a token a connector uses', async () => {
    const token = await app.call('POST', '/auth_tokens', { body: { name: 'Shopify', kind: 'basic', value: 'key:secret' } });
    expect(token.body.prefix).toBe('Basic ');
    expect((await app.call('POST', '/auth_tokens', { body: { name: 'Shopify', value: 'x' } })).status).toBe(422);

    const connector = await app.call('POST', '/data_connectors', { body: { name: 'Uses token', token_ids: [token.body.id] } });
    const refused = await app.call('DELETE', '/auth_tokens/{id}', { params: { id: token.body.id } });
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].message).toContain('Uses token');

    await app.call('PATCH', '/data_connectors/{id}', { params: { id: connector.body.id }, body: { token_ids: [] } });
    const deleted = await app.call('DELETE', '/auth_tokens/{id}', { params: { id: token.body.id } });
    expect(deleted.body).toEqual({ id: token.body.id, object: 'auth_token', deleted: true });
    expect((await app.call('DELETE', '/auth_tokens/{id}', { params: { id: token.body.id } })).status).toBe(404);
  });
});
