// Email + password sign-in, the session cookie, /auth/me and sign-out.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVALID_CREDENTIALS_MESSAGE } from '../../../server/identity/sign-in.ts';
import { authFetch, createTestAdmin, signInAs, TEST_PASSWORD, withSession } from '../../support/admin-session.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

let app: TestApp;
let admin: Awaited<ReturnType<typeof createTestAdmin>>;

beforeAll(async () => {
  app = await startTestApp();
  admin = await createTestAdmin(app, { email: 'Grace.Admin@example.test' });
});
afterAll(async () => {
  await app?.close();
});

const HOUR = 60 * 60 * 1000;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const me = (cookie: string) => authFetch(app, 'GET', '/auth/me', { headers: { Cookie: cookie } });

describe('POST /auth/login', () => {
  it('signs in with email (any case) and password: an httpOnly, SameSite=Lax session cookie and the CSRF token', async () => {
    const res = await authFetch(app, 'POST', '/auth/login', { body: { email: ' GRACE.admin@EXAMPLE.test ', password: TEST_PASSWORD } });

    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.setCookie).toHaveLength(1);
    const [pair, ...attributes] = res.setCookie[0]!.split(/;\s*/);
    expect(pair).toMatch(/^patchbay_session=[A-Za-z0-9_-]{43}$/);
    const attrs = attributes.map((a) => a.toLowerCase());
    expect(attrs).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']));
    expect(attrs.some((a) => a.startsWith('max-age='))).toBe(true);
    // Plain http from a client that is not behind an https proxy: no Secure flag, or the browser would drop it.
    expect(attrs).not.toContain('secure');
    expect(res.body).toEqual({
      type: 'admin',
      id: String(admin.id),
      email: 'grace.admin@example.test',
      name: admin.name,
      role: 'admin',
      workspace: { id: String(app.workspaceId), name: 'Test workspace' },
      csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      session_expires_at: expect.any(String),
    });

    // The database keeps the SHA-256 of the cookie value, never the value.
    const cookieValue = pair!.slice('patchbay_session='.length);
    const rows = await app.db.adminSession.findMany({ where: { adminId: admin.id } });
    const row = rows.find((r) => r.id === sha256(cookieValue));
    expect(row).toBeDefined();
    expect(JSON.stringify(rows)).not.toContain(cookieValue);
    expect(row!.csrfToken).toBe(res.body.csrf_token);
    // Idle timeout of 12 hours from now.
    expect(Math.abs(row!.expiresAt.getTime() - (Date.now() + 12 * HOUR))).toBeLessThan(60_000);
  });

  it('GET /auth/me answers who is signed in, and 401 without a (valid) cookie', async () => {
    const session = await signInAs(app, admin.email);
    const res = await me(session.cookie);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: String(admin.id), email: admin.email, role: 'admin', csrf_token: session.csrfToken });

    for (const cookie of [undefined, 'patchbay_session=not-a-session', 'other=1']) {
      const anonymous = await authFetch(app, 'GET', '/auth/me', { headers: cookie ? { Cookie: cookie } : {} });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ type: 'error.list', errors: [{ code: 'unauthorized' }] });
    }
  });

  it('marks the cookie Secure when the request came over https through the trusted proxy', async () => {
    const res = await authFetch(app, 'POST', '/auth/login', { body: { email: admin.email, password: TEST_PASSWORD }, headers: { 'X-Forwarded-Proto': 'https' } });
    expect(res.status).toBe(200);
    expect(res.setCookie[0]!.split(/;\s*/).map((a) => a.toLowerCase())).toContain('secure');
  });

  it('refuses a wrong password and an unknown email with the same 401 and message, and sets no cookie', async () => {
    const wrong = await authFetch(app, 'POST', '/auth/login', { body: { email: admin.email, password: 'not the password' } });
    const unknown = await authFetch(app, 'POST', '/auth/login', { body: { email: 'nobody@example.test', password: 'not the password' } });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.setCookie).toEqual([]);
      expect(res.body.errors).toEqual([{ code: 'invalid_credentials', message: INVALID_CREDENTIALS_MESSAGE }]);
    }
    const { request_id: _a, ...wrongBody } = wrong.body;
    const { request_id: _b, ...unknownBody } = unknown.body;
    expect(wrongBody).toEqual(unknownBody);
  });

  it('refuses an account whose stored hash is not argon2 (the test app admin) like a wrong password', async () => {
    const row = await app.db.admin.findUniqueOrThrow({ where: { id: app.adminId } });
    const res = await authFetch(app, 'POST', '/auth/login', { body: { email: row.email, password: 'x' } });
    expect(res.status).toBe(401);
    expect(res.body.errors[0].code).toBe('invalid_credentials');
  });

  it('validates the body (422 naming the field) and accepts only JSON', async () => {
    const missing = await authFetch(app, 'POST', '/auth/login', { body: { email: admin.email } });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);

    const form = await fetch(`${app.baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: admin.email, password: TEST_PASSWORD }),
    });
    expect(form.status).toBe(415);
    expect(form.headers.getSetCookie()).toEqual([]);
  });

  it('replaces the session the browser already had', async () => {
    const first = await signInAs(app, admin.email);
    const second = await signInAs(app, admin.email, TEST_PASSWORD, { Cookie: first.cookie });
    expect((await me(first.cookie)).status).toBe(401);
    expect((await me(second.cookie)).status).toBe(200);
  });
});

describe('POST /auth/logout', () => {
  it('needs the CSRF token of a live session', async () => {
    const session = await signInAs(app, admin.email);
    const res = await authFetch(app, 'POST', '/auth/logout', { headers: { Cookie: session.cookie } });
    expect(res.status).toBe(403);
    expect(res.body.errors[0].code).toBe('csrf_token_invalid');
    expect((await me(session.cookie)).status).toBe(200);
  });

  it('deletes the session server-side: the same cookie is refused afterwards, by /auth/me and by /api', async () => {
    const session = await signInAs(app, admin.email);
    expect((await app.call('GET', '/data_connectors', withSession(session))).status).toBe(200);

    const res = await authFetch(app, 'POST', '/auth/logout', { headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrfToken } });
    expect(res.status).toBe(204);
    expect(res.setCookie).toHaveLength(1);
    expect(res.setCookie[0]).toMatch(/^patchbay_session=;/);
    expect(res.setCookie[0]!.toLowerCase()).toContain('max-age=0');

    expect(await app.db.adminSession.findUnique({ where: { id: sha256(session.cookieValue) } })).toBeNull();
    // A copy of the cookie kept by an attacker (or the browser ignoring the clear) no longer works.
    expect((await me(session.cookie)).status).toBe(401);
    const api = await app.call('GET', '/data_connectors', withSession(session));
    expect(api.status).toBe(401);
    expect(api.body.errors[0].code).toBe('unauthorized');
  });

  it('answers 204 and clears the cookie when there is no live session', async () => {
    const res = await authFetch(app, 'POST', '/auth/logout', { headers: { Cookie: 'patchbay_session=gone' } });
    expect(res.status).toBe(204);
    expect(res.setCookie[0]).toMatch(/^patchbay_session=;/);
  });
});

describe('session expiry (12 hours idle, 7 days at most)', () => {
  const rowOf = (session: { cookieValue: string }) => ({ id: sha256(session.cookieValue) });

  it('refuses and deletes a session past its expiry', async () => {
    const session = await signInAs(app, admin.email);
    await app.db.adminSession.update({ where: rowOf(session), data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await me(session.cookie)).status).toBe(401);
    expect((await app.call('GET', '/data_connectors', withSession(session))).status).toBe(401);
    expect(await app.db.adminSession.findUnique({ where: rowOf(session) })).toBeNull();
  });

  it('refuses a session idle for more than 12 hours', async () => {
    const session = await signInAs(app, admin.email);
    await app.db.adminSession.update({ where: rowOf(session), data: { lastSeenAt: new Date(Date.now() - 13 * HOUR), expiresAt: new Date(Date.now() + HOUR) } });
    expect((await me(session.cookie)).status).toBe(401);
  });

  it('refuses a session older than 7 days even when in use', async () => {
    const session = await signInAs(app, admin.email);
    await app.db.adminSession.update({ where: rowOf(session), data: { createdAt: new Date(Date.now() - 8 * 24 * HOUR), lastSeenAt: new Date(), expiresAt: new Date(Date.now() + HOUR) } });
    expect((await me(session.cookie)).status).toBe(401);
  });

  it('extends a session that is used (sliding expiry)', async () => {
    const session = await signInAs(app, admin.email);
    const before = new Date(Date.now() + 10 * HOUR);
    await app.db.adminSession.update({ where: rowOf(session), data: { lastSeenAt: new Date(Date.now() - 2 * HOUR), expiresAt: before } });
    const res = await me(session.cookie);
    expect(res.status).toBe(200);
    const row = await app.db.adminSession.findUniqueOrThrow({ where: rowOf(session) });
    expect(row.expiresAt.getTime()).toBeGreaterThan(before.getTime() + HOUR);
    expect(new Date(res.body.session_expires_at).getTime()).toBe(row.expiresAt.getTime());
  });
});
