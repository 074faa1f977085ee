// /api with the session cookie: reads as they are, writes only with the
// session's X-CSRF-Token; bearer tokens need no CSRF token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFetch, createTestAdmin, signInAs, withSession, type BrowserSession } from '../../support/admin-session.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

let app: TestApp;
let session: BrowserSession;
let connectorId: string;

beforeAll(async () => {
  app = await startTestApp();
  const admin = await createTestAdmin(app);
  session = await signInAs(app, admin.email);
  const created = await app.call('POST', '/data_connectors', { body: { name: 'Original name', http_method: 'get' } });
  expect(created.status).toBe(201);
  connectorId = created.body.id;
});
afterAll(async () => {
  await app?.close();
});

const nameInDb = async () => (await app.db.dataConnectorVersion.findFirstOrThrow({ where: { dataConnectorId: Number(connectorId), kind: 'draft' } })).name;
const rename = (name: string, auth: { token?: string | null; headers?: Record<string, string> }) =>
  app.call('PATCH', '/data_connectors/{id}', { params: { id: connectorId }, body: { name }, ...auth });

describe('cookie-authenticated requests to /api', () => {
  it('reads need no CSRF token', async () => {
    const res = await app.call('GET', '/data_connectors/{id}', { params: { id: connectorId }, ...withSession(session, null) });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Original name');
  });

  it('a PATCH without X-CSRF-Token is refused with 403 csrf_token_invalid and changes nothing', async () => {
    const res = await rename('Without token', withSession(session, null));
    expect(res.status).toBe(403);
    expect(res.body.errors).toEqual([expect.objectContaining({ code: 'csrf_token_invalid' })]);
    expect(await nameInDb()).toBe('Original name');
  });

  it('a PATCH with a wrong X-CSRF-Token is refused and changes nothing', async () => {
    for (const wrong of ['nope', session.csrfToken.slice(0, -1), `${session.csrfToken}x`, '']) {
      const res = await rename('Wrong token', withSession(session, wrong));
      expect(res.status, wrong).toBe(403);
      expect(res.body.errors[0].code).toBe('csrf_token_invalid');
    }
    expect(await nameInDb()).toBe('Original name');
  });

  it("another session's CSRF token does not fit this session", async () => {
    const other = await signInAs(app, (await createTestAdmin(app)).email);
    const res = await rename('Other token', withSession(session, other.csrfToken));
    expect(res.status).toBe(403);
    expect(await nameInDb()).toBe('Original name');
  });

  it('a PATCH with the right X-CSRF-Token succeeds, and records the signed-in admin', async () => {
    const res = await rename('Renamed in the browser', withSession(session));
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Renamed in the browser');
    expect(res.body.updated_by_admin_id).toBe(session.me.id);
    expect(await nameInDb()).toBe('Renamed in the browser');
  });

  it('the CSRF token /auth/me returns is the one writes need', async () => {
    const me = await authFetch(app, 'GET', '/auth/me', { headers: { Cookie: session.cookie } });
    expect(me.body.csrf_token).toBe(session.csrfToken);
    const res = await app.call('POST', '/data_connectors', { body: { name: 'Created with cookie' }, ...withSession(session, me.body.csrf_token) });
    expect(res.status).toBe(201);
    expect(res.body.created_by_admin_id).toBe(session.me.id);
  });
});

describe('bearer-token requests', () => {
  it('need no CSRF token', async () => {
    const res = await rename('Renamed by a script', { headers: {} });
    expect(res.status).toBe(200);
    expect(await nameInDb()).toBe('Renamed by a script');
  });

  it('an Authorization header wins over the cookie: a bad token is refused even with a live session', async () => {
    const res = await app.call('GET', '/data_connectors', { token: 'pb_not-a-token', headers: { Cookie: session.cookie } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });
});
