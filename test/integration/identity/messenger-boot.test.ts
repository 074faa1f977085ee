// POST /messenger/boot with genuine identities: contacts created and updated
// from verified claims, protected attributes, enforcement, anonymous leads and
// messenger sessions (with the server's clock moved by the test).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRejectionCounts } from '../../../server/messenger/jwt-rejections.ts';
import { authenticateMessengerSession, MESSENGER_SESSION_TTL_MS } from '../../../server/messenger/messenger-sessions.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { boot, messengerSession, seconds, signHs256 } from './messenger-test-helpers.ts';

const START = new Date('2026-06-01T12:00:00.000Z');
let clock = START;
let app: TestApp;
let secret: string;
const sign = (claims: Record<string, unknown>, lifetimeSeconds = 600) => signHs256(secret, claims, { now: clock, lifetimeSeconds });
const contactRow = (id: string) => app.db.contact.findUniqueOrThrow({ where: { id: Number(id) } });

beforeAll(async () => {
  app = await startTestApp();
  app.deps.now = () => clock;
  secret = (await app.call('POST', '/messenger_security/rotate_secret')).body.secret;
  await app.db.customAttributeDefinition.createMany({
    data: [
      { workspaceId: app.workspaceId, target: 'contact', name: 'account_id', type: 'string', protected: true },
      { workspaceId: app.workspaceId, target: 'contact', name: 'tier', type: 'string', protected: true },
      { workspaceId: app.workspaceId, target: 'contact', name: 'plan', type: 'string' },
      { workspaceId: app.workspaceId, target: 'contact', name: 'seats', type: 'integer' },
      // Same name, other target: not a contact attribute.
      { workspaceId: app.workspaceId, target: 'company', name: 'industry', type: 'string' },
    ],
  });
});
afterAll(() => app?.close());

describe('booting with a verified identity (HS256)', () => {
  it('creates the user with the verified claims, protected attributes included', async () => {
    const res = await boot(app, {
      workspace_id: String(app.workspaceId),
      user_jwt: await sign({ user_id: 'u-100', email: 'Ada@Example.test', name: 'Ada', account_id: 'acct_100', tier: 'gold', unrelated_claim: 'x' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({
      type: 'messenger_session',
      identity_verified: true,
      contact: { user_id: 'u-100', email: 'ada@example.test', name: 'Ada', role: 'user', anonymous_id: null },
      ignored_attributes: [],
    });
    expect(res.body.session_token).toMatch(/^pbm_/);
    const contact = await contactRow(res.body.contact.id);
    expect(contact).toMatchObject({ workspaceId: app.workspaceId, externalId: 'u-100', role: 'user', customAttributes: { account_id: 'acct_100', tier: 'gold' } });
    // Claims that are no contact attribute are not stored.
    expect(contact.customAttributes).not.toHaveProperty('unrelated_claim');
  });

  it('updates the same contact on the next boot; a new email clears its verification', async () => {
    const first = await boot(app, { workspace_id: app.workspaceId, user_jwt: await sign({ user_id: 'u-200', email: 'bob@example.test' }) });
    const id = first.body.contact.id;
    await app.db.contact.update({ where: { id: Number(id) }, data: { emailVerifiedAt: START } });

    const sameEmail = await boot(app, { workspace_id: app.workspaceId, user_jwt: await sign({ user_id: 'u-200', email: 'BOB@example.test', account_id: 'acct_200' }) });
    expect(sameEmail.body.contact.id).toBe(id);
    expect(await contactRow(id)).toMatchObject({ emailVerifiedAt: START, customAttributes: { account_id: 'acct_200' } });

    const newEmail = await boot(app, { workspace_id: app.workspaceId, user_jwt: await sign({ user_id: 'u-200', email: 'bob@new.example.test', name: 'Bob' }) });
    expect(newEmail.body.contact).toMatchObject({ id, email: 'bob@new.example.test', name: 'Bob' });
    const row = await contactRow(id);
    expect(row.emailVerifiedAt).toBeNull();
    // Attributes the token does not mention are kept.
    expect(row.customAttributes).toEqual({ account_id: 'acct_200' });
    expect(await app.db.contact.count({ where: { externalId: 'u-200' } })).toBe(1);
  });

  it('ignores and reports protected attributes the messenger sends, and applies the others', async () => {
    const res = await boot(app, {
      workspace_id: app.workspaceId,
      user_jwt: await sign({ user_id: 'u-300', email: 'cy@example.test', account_id: 'acct_300' }),
      email: 'someone-else@example.test',
      custom_attributes: { account_id: 'acct_victim', tier: 'platinum', plan: 'pro', seats: 5, industry: 'x', made_up: 1, 'seats ': 3 },
    });
    expect(res.status).toBe(200);
    expect(res.body.ignored_attributes).toEqual(
      expect.arrayContaining([
        { name: 'account_id', reason: 'protected' },
        { name: 'tier', reason: 'protected' },
        { name: 'industry', reason: 'unknown' },
        { name: 'made_up', reason: 'unknown' },
        { name: 'email', reason: 'protected' },
      ]),
    );
    expect(res.body.ignored_attributes).toHaveLength(6);
    const contact = await contactRow(res.body.contact.id);
    expect(contact.email).toBe('cy@example.test');
    expect(contact.customAttributes).toEqual({ account_id: 'acct_300', plan: 'pro', seats: 5 });
  });

  it('reports messenger values that do not fit the attribute type', async () => {
    const res = await boot(app, { workspace_id: app.workspaceId, user_jwt: await sign({ user_id: 'u-310' }), custom_attributes: { seats: 'many', plan: 'basic' } });
    expect(res.body.ignored_attributes).toEqual([{ name: 'seats', reason: 'invalid_value' }]);
    expect((await contactRow(res.body.contact.id)).customAttributes).toEqual({ plan: 'basic' });
  });

  it('without enforcement, an unverified user_id boots but cannot touch protected attributes', async () => {
    const verified = await boot(app, { workspace_id: app.workspaceId, user_jwt: await sign({ user_id: 'u-400', account_id: 'acct_400' }) });
    const res = await boot(app, { workspace_id: app.workspaceId, user_id: 'u-400', custom_attributes: { account_id: 'acct_other', plan: 'team' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ identity_verified: false, contact: { id: verified.body.contact.id, user_id: 'u-400' }, ignored_attributes: [{ name: 'account_id', reason: 'protected' }] });
    expect((await contactRow(res.body.contact.id)).customAttributes).toEqual({ account_id: 'acct_400', plan: 'team' });
    const session = await authenticateMessengerSession(app.deps, res.body.session_token);
    expect(session).toMatchObject({ identityVerified: false, contactId: Number(res.body.contact.id) });
  });

  it('an unverified user_id does not reveal the stored email or name', async () => {
    await boot(app, { workspace_id: app.workspaceId, user_jwt: await sign({ user_id: 'u-450', email: 'private@example.test', name: 'Private Person' }) });
    const probe = await boot(app, { workspace_id: app.workspaceId, user_id: 'u-450' });
    expect(probe.status).toBe(200);
    expect(probe.body.contact).toMatchObject({ user_id: 'u-450', email: null, name: null });
    expect(JSON.stringify(probe.body)).not.toContain('private@example.test');
    const session = await messengerSession(app, probe.body.session_token);
    expect(session.body.contact).toMatchObject({ email: null, name: null });
    expect(JSON.stringify(session.body)).not.toContain('Private Person');
  });

  it('validates the boot body and refuses unknown workspaces', async () => {
    const unknownField = await boot(app, { workspace_id: app.workspaceId, userId: 'u-1' });
    expect(unknownField.status).toBe(422);
    expect(unknownField.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'userId' });
    const noWorkspace = await boot(app, {});
    expect(noWorkspace.status).toBe(422);
    expect(noWorkspace.body.errors[0].field).toBe('workspace_id');
    const missing = await boot(app, { workspace_id: 999_999 });
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].code).toBe('workspace_not_found');
    const badJson = await fetch(`${app.baseUrl}/messenger/boot`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"workspace_id":' });
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).type).toBe('error.list');
  });

  it('answers CORS preflights from any origin without credentials', async () => {
    const res = await fetch(`${app.baseUrl}/messenger/boot`, { method: 'OPTIONS', headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('access-control-allow-headers')).toContain('Authorization');
  });
});

describe('anonymous visitors and enforcement', () => {
  it('boots a lead with a random anonymous id, and resumes it with that id', async () => {
    const first = await boot(app, { workspace_id: app.workspaceId, name: 'Visitor', custom_attributes: { plan: 'trial', account_id: 'acct_guess' } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ identity_verified: false, contact: { role: 'lead', user_id: null, name: 'Visitor' }, ignored_attributes: [{ name: 'account_id', reason: 'protected' }] });
    const anonymousId = first.body.contact.anonymous_id;
    expect(anonymousId).toMatch(/^anon_[A-Za-z0-9_-]{24}$/);

    const again = await boot(app, { workspace_id: app.workspaceId, anonymous_id: anonymousId, email: 'visitor@example.test' });
    expect(again.body.contact).toMatchObject({ id: first.body.contact.id, anonymous_id: anonymousId, email: 'visitor@example.test', role: 'lead' });

    const other = await boot(app, { workspace_id: app.workspaceId });
    expect(other.body.contact.id).not.toBe(first.body.contact.id);
    expect(other.body.contact.anonymous_id).not.toBe(anonymousId);
  });

  it('a lead that signs in becomes the user, and its anonymous id stops working', async () => {
    const lead = await boot(app, { workspace_id: app.workspaceId });
    const signedIn = await boot(app, { workspace_id: app.workspaceId, anonymous_id: lead.body.contact.anonymous_id, user_jwt: await sign({ user_id: 'u-500', account_id: 'acct_500' }) });
    expect(signedIn.body.contact).toMatchObject({ id: lead.body.contact.id, user_id: 'u-500', role: 'user', anonymous_id: null });

    // After sign-out, the old anonymous id must not open the user's contact.
    const afterSignOut = await boot(app, { workspace_id: app.workspaceId, anonymous_id: lead.body.contact.anonymous_id });
    expect(afterSignOut.body.contact.id).not.toBe(lead.body.contact.id);
    expect(afterSignOut.body.contact.role).toBe('lead');
  });

  it('with enforcement on, refuses a claimed user_id without a token; anonymous visitors still boot', async () => {
    const enforce = await app.call('PATCH', '/messenger_security', { body: { identity_verification_enforced: true } });
    expect(enforce.status).toBe(200);
    try {
      const existing = await boot(app, { workspace_id: app.workspaceId, user_jwt: await sign({ user_id: 'u-600', email: 'dee@example.test' }) });
      expect(existing.status).toBe(200);
      const contactsBefore = await app.db.contact.findMany({ orderBy: { id: 'asc' } });
      const counted = getRejectionCounts(app.workspaceId).identity_verification_required ?? 0;

      for (const body of [{ user_id: 'u-600', email: 'attacker@evil.test' }, { user_id: 'u-new' }]) {
        const refused = await boot(app, { workspace_id: app.workspaceId, ...body });
        expect(refused.status).toBe(403);
        expect(refused.body.errors).toEqual([expect.objectContaining({ code: 'identity_verification_required', field: 'user_id' })]);
      }
      expect(getRejectionCounts(app.workspaceId).identity_verification_required).toBe(counted + 2);
      expect(await app.db.contact.findMany({ orderBy: { id: 'asc' } })).toEqual(contactsBefore);

      const visitor = await boot(app, { workspace_id: app.workspaceId, email: 'lead@example.test' });
      expect(visitor.status).toBe(200);
      expect(visitor.body.contact).toMatchObject({ role: 'lead', email: 'lead@example.test' });
      const verified = await boot(app, { workspace_id: app.workspaceId, user_jwt: await sign({ user_id: 'u-600' }) });
      expect(verified.body).toMatchObject({ identity_verified: true, contact: { id: existing.body.contact.id } });
    } finally {
      await app.call('PATCH', '/messenger_security', { body: { identity_verification_enforced: false } });
    }
  });
});

describe('messenger sessions', () => {
  it('the token authenticates GET /messenger/session until it expires', async () => {
    clock = START;
    const res = await boot(app, { workspace_id: app.workspaceId, user_jwt: await sign({ user_id: 'u-700', email: 'eve@example.test' }, 3 * 3600) });
    expect(res.body.expires_at).toBe(new Date(START.getTime() + MESSENGER_SESSION_TTL_MS).toISOString());

    const ok = await messengerSession(app, res.body.session_token);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      type: 'messenger_session',
      workspace_id: String(app.workspaceId),
      identity_verified: true,
      expires_at: res.body.expires_at,
      contact: { id: res.body.contact.id, user_id: 'u-700', anonymous_id: null, email: 'eve@example.test', name: null, role: 'user' },
    });

    clock = new Date(START.getTime() + MESSENGER_SESSION_TTL_MS - 1000);
    expect(await authenticateMessengerSession(app.deps, res.body.session_token)).toMatchObject({ contactId: Number(res.body.contact.id), identityVerified: true });

    clock = new Date(START.getTime() + MESSENGER_SESSION_TTL_MS);
    const expired = await messengerSession(app, res.body.session_token);
    expect(expired.status).toBe(401);
    expect(expired.body.errors[0].code).toBe('messenger_session_invalid');
    expect(expired.headers.get('www-authenticate')).toBe('Bearer');
    expect(await authenticateMessengerSession(app.deps, res.body.session_token)).toBeNull();

    // Booting again refreshes: a new token, valid from the new now.
    const refreshed = await boot(app, { workspace_id: app.workspaceId, user_jwt: await sign({ user_id: 'u-700' }) });
    expect(refreshed.body.session_token).not.toBe(res.body.session_token);
    expect((await messengerSession(app, refreshed.body.session_token)).status).toBe(200);
    // The expired row of that contact was removed when the new session opened.
    expect(await app.db.messengerSession.count({ where: { contactId: Number(res.body.contact.id) } })).toBe(1);
    clock = START;
  });

  it('a verified session never outlives its identity token', async () => {
    clock = START;
    const res = await boot(app, { workspace_id: app.workspaceId, user_jwt: await sign({ user_id: 'u-800' }, 300) });
    expect(res.body.expires_at).toBe(new Date((seconds(START) + 300) * 1000).toISOString());
    clock = new Date(START.getTime() + 301_000);
    expect((await messengerSession(app, res.body.session_token)).status).toBe(401);
    clock = START;
  });

  it('refuses missing, unknown and malformed tokens; stores only the hash', async () => {
    const res = await boot(app, { workspace_id: app.workspaceId });
    for (const token of [null, 'pbm_unknown', res.body.session_token.slice(0, -1), `Basic ${res.body.session_token}`]) {
      const refused = await messengerSession(app, token);
      expect(refused.status, String(token)).toBe(401);
    }
    const rows = await app.db.$queryRawUnsafe<Record<string, unknown>[]>('SELECT * FROM "MessengerSession"');
    expect(JSON.stringify(rows)).not.toContain(res.body.session_token);
    expect(await authenticateMessengerSession(app.deps, 'x'.repeat(5000))).toBeNull();
  });

  it('sessions end with their contact', async () => {
    const res = await boot(app, { workspace_id: app.workspaceId });
    await app.db.contact.delete({ where: { id: Number(res.body.contact.id) } });
    expect(await authenticateMessengerSession(app.deps, res.body.session_token)).toBeNull();
  });
});
