// The admin settings of messenger identity verification (/api/messenger_security),
// every response checked against the OpenAPI document, and secret rotation as
// the messenger sees it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRejectionCounts } from '../../../server/messenger/jwt-rejections.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { boot, signHs256 } from './messenger-test-helpers.ts';

const NOW = new Date('2026-06-01T12:00:00.000Z');
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  app.deps.now = () => NOW;
});
afterAll(() => app?.close());

const workspaceRow = () => app.db.workspace.findUniqueOrThrow({ where: { id: app.workspaceId } });

describe('GET and PATCH /messenger_security', () => {
  it('starts with HS256, no secret, nothing enforced and a 24 h cap', async () => {
    const res = await app.call('GET', '/messenger_security');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      type: 'messenger_security',
      secret_set: false,
      previous_secret_set: false,
      jwks_url: null,
      algorithm: 'HS256',
      issuer: null,
      audience: null,
      identity_verification_enforced: false,
      jwt_max_lifetime_seconds: 86_400,
    });
    expect(Object.values(res.body.rejection_counts).every((n) => n === 0)).toBe(true);
  });

  it.each([
    ['enforcement without any secret', { identity_verification_enforced: true }, 'identity_verification_enforced'],
    ['RS256 without a JWKS URL', { algorithm: 'RS256' }, 'jwks_url'],
    ['a plain-http JWKS URL on another host', { jwks_url: 'http://keys.example.com/jwks.json', algorithm: 'RS256' }, 'jwks_url'],
    ['a JWKS URL with credentials', { jwks_url: 'https://user:pw@keys.example.com/jwks.json' }, 'jwks_url'],
    ['a JWKS URL that is no URL', { jwks_url: 'keys.example.com' }, 'jwks_url'],
    ['an unknown algorithm', { algorithm: 'HS384' }, 'algorithm'],
    ['the none algorithm', { algorithm: 'none' }, 'algorithm'],
    ['a lifetime cap under a minute', { jwt_max_lifetime_seconds: 59 }, 'jwt_max_lifetime_seconds'],
    ['a lifetime cap over a week', { jwt_max_lifetime_seconds: 604_801 }, 'jwt_max_lifetime_seconds'],
    ['an empty issuer', { issuer: '' }, 'issuer'],
    ['an unknown field', { secret: 'my-own-secret' }, 'secret'],
  ])('refuses %s naming the field, and changes nothing', async (_label, body, field) => {
    const before = await workspaceRow();
    const res = await app.call('PATCH', '/messenger_security', { body });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await workspaceRow()).toEqual(before);
  });

  it('changes only what is sent, and clears with null', async () => {
    const res = await app.call('PATCH', '/messenger_security', {
      body: { issuer: ' https://host.example ', audience: 'patchbay', jwt_max_lifetime_seconds: 3600, jwks_url: 'http://127.0.0.1:9/jwks.json' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ issuer: 'https://host.example', audience: 'patchbay', jwt_max_lifetime_seconds: 3600, jwks_url: 'http://127.0.0.1:9/jwks.json', algorithm: 'HS256' });
    const cleared = await app.call('PATCH', '/messenger_security', { body: { issuer: null, audience: null, jwks_url: null } });
    expect(cleared.body).toMatchObject({ issuer: null, audience: null, jwks_url: null, jwt_max_lifetime_seconds: 3600 });
    const row = await workspaceRow();
    expect(row).toMatchObject({ messengerJwtIssuer: null, messengerJwtAudience: null, jwtMaxLifetimeSeconds: 3600 });
    await app.call('PATCH', '/messenger_security', { body: { jwt_max_lifetime_seconds: 86_400 } });
  });

  it('switches to RS256 with a JWKS URL, and refuses to drop the URL while RS256', async () => {
    const res = await app.call('PATCH', '/messenger_security', { body: { algorithm: 'RS256', jwks_url: 'https://auth.example.com/.well-known/jwks.json' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ algorithm: 'RS256', jwks_url: 'https://auth.example.com/.well-known/jwks.json' });
    expect((await app.call('PATCH', '/messenger_security', { body: { jwks_url: null } })).status).toBe(422);
    // Enforcement with RS256 needs the JWKS URL, which is set.
    expect((await app.call('PATCH', '/messenger_security', { body: { identity_verification_enforced: true } })).body.identity_verification_enforced).toBe(true);
    const back = await app.call('PATCH', '/messenger_security', { body: { algorithm: 'HS256', jwks_url: null, identity_verification_enforced: false } });
    expect(back.body).toMatchObject({ algorithm: 'HS256', jwks_url: null, identity_verification_enforced: false });
  });
});

describe('secret rotation', () => {
  const userJwt = (secret: string, userId: string) => signHs256(secret, { user_id: userId }, { now: NOW });

  it('finishing is refused while nothing rotates', async () => {
    const res = await app.call('POST', '/messenger_security/finish_rotation');
    expect(res.status).toBe(409);
    expect(res.body.errors[0].code).toBe('no_rotation_in_progress');
  });

  it('the first secret: returned once, stored encrypted, never shown again', async () => {
    const res = await app.call('POST', '/messenger_security/rotate_secret');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({ type: 'messenger_secret', secret: expect.stringMatching(/^[0-9a-f]{64}$/), previous_secret_valid: false });
    const secret: string = res.body.secret;

    const rows = await app.db.$queryRawUnsafe<Record<string, unknown>[]>('SELECT * FROM "Workspace"');
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(app.secrets.decrypt((await workspaceRow()).messengerSecretEncrypted!)).toBe(secret);

    const settings = await app.call('GET', '/messenger_security');
    expect(settings.body).toMatchObject({ secret_set: true, previous_secret_set: false });
    expect(JSON.stringify(settings.body)).not.toContain(secret);
    expect((await boot(app, { workspace_id: app.workspaceId, user_jwt: await userJwt(secret, 'rot-1') })).status).toBe(200);
  });

  it('old and new secrets are both valid during a rotation; the old one is refused after it', async () => {
    const oldSecret = app.secrets.decrypt((await workspaceRow()).messengerSecretEncrypted!);
    const rotated = await app.call('POST', '/messenger_security/rotate_secret');
    expect(rotated.body.previous_secret_valid).toBe(true);
    const newSecret: string = rotated.body.secret;
    expect(newSecret).not.toBe(oldSecret);
    expect((await app.call('GET', '/messenger_security')).body).toMatchObject({ secret_set: true, previous_secret_set: true });

    const viaOld = await boot(app, { workspace_id: app.workspaceId, user_jwt: await userJwt(oldSecret, 'rot-2') });
    const viaNew = await boot(app, { workspace_id: app.workspaceId, user_jwt: await userJwt(newSecret, 'rot-2') });
    expect([viaOld.status, viaNew.status]).toEqual([200, 200]);
    expect(viaOld.body.identity_verified && viaNew.body.identity_verified).toBe(true);
    expect(viaNew.body.contact.id).toBe(viaOld.body.contact.id);

    // A second rotation now would silently drop the old secret.
    const again = await app.call('POST', '/messenger_security/rotate_secret');
    expect(again.status).toBe(409);
    expect(again.body.errors[0].code).toBe('rotation_in_progress');
    expect(app.secrets.decrypt((await workspaceRow()).messengerSecretEncrypted!)).toBe(newSecret);

    const finished = await app.call('POST', '/messenger_security/finish_rotation');
    expect(finished.status).toBe(200);
    expect(finished.body).toMatchObject({ type: 'messenger_security', secret_set: true, previous_secret_set: false });

    const counted = getRejectionCounts(app.workspaceId).jwt_signature_invalid ?? 0;
    const contactsBefore = await app.db.contact.count();
    const refused = await boot(app, { workspace_id: app.workspaceId, user_jwt: await userJwt(oldSecret, 'rot-3') });
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0].code).toBe('jwt_signature_invalid');
    expect(getRejectionCounts(app.workspaceId).jwt_signature_invalid).toBe(counted + 1);
    expect(await app.db.contact.count()).toBe(contactsBefore);
    expect((await boot(app, { workspace_id: app.workspaceId, user_jwt: await userJwt(newSecret, 'rot-3') })).status).toBe(200);
  });

  it('enforcement can be switched on once a secret exists', async () => {
    const res = await app.call('PATCH', '/messenger_security', { body: { identity_verification_enforced: true } });
    expect(res.status).toBe(200);
    expect(res.body.identity_verification_enforced).toBe(true);
  });

  it('acts on the caller workspace only', async () => {
    const otherToken = await app.newWorkspaceToken();
    const other = await app.call('GET', '/messenger_security', { token: otherToken });
    expect(other.body).toMatchObject({ secret_set: false, identity_verification_enforced: false });
    expect((await app.call('POST', '/messenger_security/rotate_secret', { token: otherToken })).body.previous_secret_valid).toBe(false);
    expect((await app.call('GET', '/messenger_security')).body.previous_secret_set).toBe(false);
  });

  it('needs an API token', async () => {
    expect((await app.call('GET', '/messenger_security', { token: null })).status).toBe(401);
    expect((await app.call('POST', '/messenger_security/rotate_secret', { token: null })).status).toBe(401);
  });
});
