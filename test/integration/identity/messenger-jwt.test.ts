// Forged and broken identity tokens, made with jose the way an attacker (or a
// buggy host server) would, sent to the real POST /messenger/boot. Each one must
// be refused with its reason, change no contact, open no session, and count.
import { CompactSign, exportSPKI, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRejectionCounts, type JwtRejectionReason } from '../../../server/messenger/jwt-rejections.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { boot, keyPair, seconds, signHs256, signWithKey, startJwksServer, type JwksServer, type KeyPair } from './messenger-test-helpers.ts';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const now = seconds(NOW);
const encode = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

let app: TestApp;
let secret: string;
let jwks: JwksServer;
let hostRsa: KeyPair;
let hostEc: KeyPair;
let attackerRsa: KeyPair;
let attackerEc: KeyPair;
let rsWorkspaceId: number;
let esWorkspaceId: number;
let strictWorkspaceId: number;
const strictSecret = 'strict-workspace-secret-0123456789abcdef';
const attackerClaims = { user_id: 'victim', email: 'attacker@evil.test', account_id: 'acct_attacker' };

beforeAll(async () => {
  app = await startTestApp();
  app.deps.now = () => NOW;
  const rotated = await app.call('POST', '/messenger_security/rotate_secret');
  expect(rotated.status).toBe(200);
  secret = rotated.body.secret;
  await app.db.customAttributeDefinition.create({ data: { workspaceId: app.workspaceId, target: 'contact', name: 'account_id', protected: true } });

  [hostRsa, hostEc, attackerRsa, attackerEc] = await Promise.all([keyPair('RS256', 'host-rsa'), keyPair('ES256', 'host-ec'), keyPair('RS256', 'host-rsa'), keyPair('ES256', 'host-ec')]);
  jwks = await startJwksServer([hostRsa.publicJwk, hostEc.publicJwk]);
  rsWorkspaceId = (await app.db.workspace.create({ data: { name: 'RS256 host', messengerJwtAlgorithm: 'RS256', messengerJwksUrl: jwks.url, identityVerificationEnforced: true } })).id;
  esWorkspaceId = (await app.db.workspace.create({ data: { name: 'ES256 host', messengerJwtAlgorithm: 'ES256', messengerJwksUrl: jwks.url } })).id;
  strictWorkspaceId = (
    await app.db.workspace.create({
      data: { name: 'Strict host', messengerSecretEncrypted: app.secrets.encrypt(strictSecret), messengerJwtIssuer: 'https://host.example', messengerJwtAudience: 'patchbay' },
    })
  ).id;

  // The contact every forged token tries to take over.
  const victim = await boot(app, { workspace_id: app.workspaceId, user_jwt: await signHs256(secret, { user_id: 'victim', email: 'victim@example.test', account_id: 'acct_victim' }, { now: NOW }) });
  expect(victim.status).toBe(200);
});
afterAll(async () => {
  await jwks?.close();
  await app?.close();
});

const everything = async () => ({
  contacts: await app.db.contact.findMany({ orderBy: { id: 'asc' } }),
  sessions: await app.db.messengerSession.count(),
});

async function expectRefused(workspaceId: number, token: string, reason: JwtRejectionReason, extra: Record<string, unknown> = {}, status = 401) {
  const before = await everything();
  const counted = getRejectionCounts(workspaceId)[reason] ?? 0;
  const res = await boot(app, { workspace_id: workspaceId, user_jwt: token, ...extra });
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ type: 'error.list', errors: [{ code: reason, field: 'user_jwt' }] });
  expect(res.body.errors[0].message).toEqual(expect.any(String));
  expect(await everything()).toEqual(before);
  expect(getRejectionCounts(workspaceId)[reason]).toBe(counted + 1);
  return res;
}

describe('forged tokens against an HS256 workspace', () => {
  it('a token signed with the wrong secret', async () => {
    await expectRefused(app.workspaceId, await signHs256('guessed-secret', attackerClaims, { now: NOW }), 'jwt_signature_invalid');
  });

  it('a genuine signature over a swapped payload', async () => {
    const genuine = await signHs256(secret, { user_id: 'attacker' }, { now: NOW });
    const [header, , signature] = genuine.split('.');
    const forged = `${header}.${encode({ ...attackerClaims, iat: now, exp: now + 600 })}.${signature}`;
    await expectRefused(app.workspaceId, forged, 'jwt_signature_invalid');
  });

  it('an unsecured token (alg none), however the alg is spelt', async () => {
    const unsecured = new UnsecuredJWT(attackerClaims).setIssuedAt(now).setExpirationTime(now + 600).encode();
    expect(unsecured.endsWith('.')).toBe(true);
    await expectRefused(app.workspaceId, unsecured, 'jwt_unsecured');
    const shouting = `${encode({ alg: 'NoNe', typ: 'JWT' })}.${encode({ ...attackerClaims, exp: now + 600 })}.`;
    await expectRefused(app.workspaceId, shouting, 'jwt_unsecured');
  });

  it('a token signed with another algorithm than the configured one', async () => {
    await expectRefused(app.workspaceId, await signWithKey(attackerRsa, attackerClaims, NOW), 'jwt_algorithm_not_allowed');
    const hs512 = await new SignJWT(attackerClaims).setProtectedHeader({ alg: 'HS512' }).setIssuedAt(now).setExpirationTime(now + 600).sign(new TextEncoder().encode(secret.repeat(2)));
    await expectRefused(app.workspaceId, hs512, 'jwt_algorithm_not_allowed');
  });

  it('an expired token (beyond the 30 s clock tolerance)', async () => {
    await expectRefused(app.workspaceId, await signHs256(secret, { ...attackerClaims, iat: now - 3600, exp: now - 31 }, { now: NOW, iat: false }), 'jwt_expired');
  });

  it('a token that is not valid yet (nbf in the future)', async () => {
    await expectRefused(app.workspaceId, await signHs256(secret, { ...attackerClaims, nbf: now + 300 }, { now: NOW }), 'jwt_not_yet_valid');
  });

  it('a token issued in the future (iat)', async () => {
    await expectRefused(app.workspaceId, await signHs256(secret, { ...attackerClaims, iat: now + 600, exp: now + 900 }, { now: NOW, iat: false }), 'jwt_not_yet_valid');
  });

  it('a token without user_id', async () => {
    await expectRefused(app.workspaceId, await signHs256(secret, { email: 'victim@example.test' }, { now: NOW }), 'jwt_user_id_missing');
    await expectRefused(app.workspaceId, await signHs256(secret, { user_id: '' }, { now: NOW }), 'jwt_user_id_missing');
  });

  it('a token without exp', async () => {
    const noExp = await new SignJWT(attackerClaims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now).sign(new TextEncoder().encode(secret));
    await expectRefused(app.workspaceId, noExp, 'jwt_expiry_missing');
  });

  it('a token that lives longer than the cap (exp - iat, or exp - now without iat)', async () => {
    await expectRefused(app.workspaceId, await signHs256(secret, attackerClaims, { now: NOW, lifetimeSeconds: 86_400 + 1 }), 'jwt_lifetime_too_long');
    await expectRefused(app.workspaceId, await signHs256(secret, attackerClaims, { now: NOW, lifetimeSeconds: 2 * 86_400, iat: false }), 'jwt_lifetime_too_long');
    // An iat far in the past cannot stretch the lifetime either.
    await expectRefused(app.workspaceId, await signHs256(secret, { ...attackerClaims, iat: now - 86_400, exp: now + 600 }, { now: NOW, iat: false }), 'jwt_lifetime_too_long');
  });

  it('a token of more than 8 KiB', async () => {
    const huge = await signHs256(secret, { ...attackerClaims, padding: 'x'.repeat(9 * 1024) }, { now: NOW });
    expect(huge.length).toBeGreaterThan(9 * 1024);
    await expectRefused(app.workspaceId, huge, 'jwt_too_large');
  });

  it.each([
    ['not a JWT at all', 'garbage'],
    ['characters outside base64url', `${encode({ alg: 'HS256' })}.${encode(attackerClaims)}!!.c2lnbmF0dXJl`],
    ['standard base64 padding', `${encode({ alg: 'HS256' })}.${Buffer.from(JSON.stringify(attackerClaims)).toString('base64')}==.c2ln`],
    ['a header that is not JSON', `${encode('{"alg": "HS256"')}.${encode(attackerClaims)}.c2ln`],
    ['a header without alg', `${encode({ typ: 'JWT' })}.${encode(attackerClaims)}.c2ln`],
    ['a payload that is not JSON', `${encode({ alg: 'HS256' })}.${encode('user_id=victim')}.c2ln`],
    ['five parts (a JWE)', 'a.b.c.d.e'],
  ])('a malformed token: %s', async (_label, token) => {
    await expectRefused(app.workspaceId, token, 'jwt_malformed');
  });

  it.each([
    ['an array', '[{"user_id":"victim"}]'],
    ['a string', '"victim"'],
    ['null', 'null'],
  ])('a correctly signed payload that is JSON but not an object: %s', async (_label, payload) => {
    const token = await new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
    await expectRefused(app.workspaceId, token, 'jwt_malformed');
  });

  it('claims of the wrong type, even when signed', async () => {
    await expectRefused(app.workspaceId, await signHs256(secret, { user_id: 'victim', email: 'not-an-email' }, { now: NOW }), 'jwt_claims_invalid');
    await expectRefused(app.workspaceId, await signHs256(secret, { user_id: { id: 'victim' } }, { now: NOW }), 'jwt_claims_invalid');
    await expectRefused(app.workspaceId, await signHs256(secret, { user_id: 'victim', account_id: 42 }, { now: NOW }), 'jwt_claims_invalid');
  });

  it('a body user_id that is not the token user_id', async () => {
    await expectRefused(app.workspaceId, await signHs256(secret, { user_id: 'attacker' }, { now: NOW }), 'jwt_user_id_mismatch', { user_id: 'victim' });
  });

  it('the victim contact is untouched by all of the above, and a genuine token still works', async () => {
    const victim = await app.db.contact.findUniqueOrThrow({ where: { workspaceId_externalId: { workspaceId: app.workspaceId, externalId: 'victim' } } });
    expect(victim).toMatchObject({ email: 'victim@example.test', customAttributes: { account_id: 'acct_victim' } });
    const counts = getRejectionCounts(app.workspaceId);
    expect(counts.jwt_signature_invalid).toBeGreaterThanOrEqual(2);
    expect(counts.jwt_malformed).toBeGreaterThanOrEqual(10);
    // Within the clock tolerance, an expired token is still accepted.
    const res = await boot(app, { workspace_id: app.workspaceId, user_jwt: await signHs256(secret, { user_id: 'victim', iat: now - 600, exp: now - 10 }, { now: NOW, iat: false }) });
    expect(res.status).toBe(200);
    expect(res.body.contact.id).toBe(String(victim.id));
  });

  it('the counters are per workspace and reported by GET /messenger_security', async () => {
    const settings = await app.call('GET', '/messenger_security');
    expect(settings.body.rejection_counts).toEqual(expect.objectContaining(getRejectionCounts(app.workspaceId)));
    expect(settings.body.rejection_counts.jwt_signature_invalid).toBeGreaterThanOrEqual(2);
    expect(getRejectionCounts(strictWorkspaceId + 1000)).toEqual({});
  });
});

describe('issuer and audience, when the workspace configures them', () => {
  const strict = (claims: Record<string, unknown>) => signHs256(strictSecret, { user_id: 'strict-user', ...claims }, { now: NOW });

  it('refuses a wrong or missing issuer', async () => {
    await expectRefused(strictWorkspaceId, await strict({ iss: 'https://evil.example', aud: 'patchbay' }), 'jwt_issuer_invalid');
    await expectRefused(strictWorkspaceId, await strict({ aud: 'patchbay' }), 'jwt_issuer_invalid');
  });

  it('refuses a wrong or missing audience', async () => {
    await expectRefused(strictWorkspaceId, await strict({ iss: 'https://host.example', aud: 'another-app' }), 'jwt_audience_invalid');
    await expectRefused(strictWorkspaceId, await strict({ iss: 'https://host.example' }), 'jwt_audience_invalid');
  });

  it('accepts the right issuer and audience (also in an audience list)', async () => {
    const res = await boot(app, { workspace_id: strictWorkspaceId, user_jwt: await strict({ iss: 'https://host.example', aud: ['other', 'patchbay'] }) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ identity_verified: true, contact: { user_id: 'strict-user', role: 'user' } });
  });
});

describe('forged tokens against a JWKS (RS256) workspace', () => {
  it('HS256 signed with the RSA public key (PEM) as the secret: the algorithm confusion attack', async () => {
    const pem = await exportSPKI(hostRsa.publicKey);
    expect(pem).toContain('BEGIN PUBLIC KEY');
    const confused = await new SignJWT({ user_id: 'victim' }).setProtectedHeader({ alg: 'HS256', kid: 'host-rsa' }).setIssuedAt(now).setExpirationTime(now + 600).sign(new TextEncoder().encode(pem));
    await expectRefused(rsWorkspaceId, confused, 'jwt_algorithm_not_allowed');
    // The same with the JWK's JSON as the secret.
    const jwkSecret = new TextEncoder().encode(JSON.stringify(hostRsa.publicJwk));
    await expectRefused(rsWorkspaceId, await new SignJWT({ user_id: 'victim' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now).setExpirationTime(now + 600).sign(jwkSecret), 'jwt_algorithm_not_allowed');
  });

  it('RS256 signed by the attacker under the host key id', async () => {
    await expectRefused(rsWorkspaceId, await signWithKey(attackerRsa, { user_id: 'victim' }, NOW), 'jwt_signature_invalid');
  });

  it('RS256 under a key id the JWKS does not have', async () => {
    const stranger = { ...attackerRsa, kid: 'unknown-key' };
    await expectRefused(rsWorkspaceId, await signWithKey(stranger, { user_id: 'victim' }, NOW), 'jwt_key_not_found');
  });

  it('ES256 (the other key of the same JWKS) when the workspace accepts RS256 only', async () => {
    await expectRefused(rsWorkspaceId, await signWithKey(hostEc, { user_id: 'victim' }, NOW), 'jwt_algorithm_not_allowed');
  });

  it('an expired RS256 token signed by the host key', async () => {
    await expectRefused(rsWorkspaceId, await signWithKey(hostRsa, { user_id: 'victim', iat: now - 1200, exp: now - 600 }, NOW, -600), 'jwt_expired');
  });

  it('an ES256 token signed by the attacker under the host key id', async () => {
    await expectRefused(esWorkspaceId, await signWithKey(attackerEc, { user_id: 'victim' }, NOW), 'jwt_signature_invalid');
  });

  it('an unreachable JWKS refuses with 503 and counts', async () => {
    const closed = await startJwksServer([hostRsa.publicJwk]);
    const url = closed.url;
    await closed.close();
    const workspace = await app.db.workspace.create({ data: { name: 'JWKS down', messengerJwtAlgorithm: 'RS256', messengerJwksUrl: url } });
    await expectRefused(workspace.id, await signWithKey(hostRsa, { user_id: 'victim' }, NOW), 'jwt_jwks_unavailable', {}, 503);
  });

  it('a workspace with no way to verify refuses every token', async () => {
    const workspace = await app.db.workspace.create({ data: { name: 'Unconfigured' } });
    await expectRefused(workspace.id, await signHs256('anything', { user_id: 'victim' }, { now: NOW }), 'jwt_verification_not_configured');
  });
});

describe('genuine tokens from the host key pair (JWKS on 127.0.0.1)', () => {
  it('RS256: boots a verified user', async () => {
    const res = await boot(app, { workspace_id: rsWorkspaceId, user_jwt: await signWithKey(hostRsa, { user_id: 'rs-user', email: 'RS@Example.test', name: 'Rs User' }, NOW) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ identity_verified: true, contact: { user_id: 'rs-user', email: 'rs@example.test', name: 'Rs User', role: 'user' } });
    const contact = await app.db.contact.findUniqueOrThrow({ where: { id: Number(res.body.contact.id) } });
    expect(contact.workspaceId).toBe(rsWorkspaceId);
    expect(jwks.requests).toBeGreaterThan(0);
  });

  it('ES256: boots a verified user', async () => {
    const res = await boot(app, { workspace_id: esWorkspaceId, user_jwt: await signWithKey(hostEc, { user_id: 'es-user' }, NOW) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ identity_verified: true, contact: { user_id: 'es-user', role: 'user' } });
  });

  it('the enforced RS256 workspace refuses a user_id without a token but boots anonymous visitors', async () => {
    const before = await app.db.contact.count({ where: { workspaceId: rsWorkspaceId } });
    const counted = getRejectionCounts(rsWorkspaceId).identity_verification_required ?? 0;
    const refused = await boot(app, { workspace_id: rsWorkspaceId, user_id: 'rs-user', email: 'attacker@evil.test' });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0]).toMatchObject({ code: 'identity_verification_required', field: 'user_id' });
    expect(getRejectionCounts(rsWorkspaceId).identity_verification_required).toBe(counted + 1);
    expect(await app.db.contact.count({ where: { workspaceId: rsWorkspaceId } })).toBe(before);

    const visitor = await boot(app, { workspace_id: rsWorkspaceId });
    expect(visitor.status).toBe(200);
    expect(visitor.body).toMatchObject({ identity_verified: false, contact: { role: 'lead', user_id: null } });
  });
});
