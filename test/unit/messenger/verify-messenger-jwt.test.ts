import { Writable } from 'node:stream';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { getRejectionCounts, recordJwtRejection } from '../../../server/messenger/jwt-rejections.ts';
import {
  CLOCK_TOLERANCE_SECONDS,
  jwksResolverFor,
  MessengerJwtRejected,
  verifyMessengerJwt,
  type MessengerJwtConfig,
} from '../../../server/messenger/verify-messenger-jwt.ts';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const now = Math.floor(NOW.getTime() / 1000);
const config: MessengerJwtConfig = { algorithm: 'HS256', secrets: ['current-secret'], jwksUrl: null, issuer: null, audience: null, maxLifetimeSeconds: 3600 };
const noJwks = () => {
  throw new Error('no JWKS in HS256 tests');
};
const sign = (claims: JWTPayload, secret = 'current-secret') => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
const verify = (token: string, overrides: Partial<MessengerJwtConfig> = {}, at = NOW) => verifyMessengerJwt(token, { ...config, ...overrides }, { now: at, jwks: noJwks });
const reasonOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof MessengerJwtRejected ? error.reason : `threw ${String(error)}`),
  );

describe('verifyMessengerJwt (HS256)', () => {
  it('returns the identity with normalised claims', async () => {
    const identity = await verify(await sign({ user_id: 42, email: 'Ann@Example.TEST', name: ' Ann ', iat: now, exp: now + 600, plan: 'pro' }));
    expect(identity).toMatchObject({ userId: '42', email: 'ann@example.test', name: 'Ann', verifiedWith: 'current_secret', expiresAt: new Date((now + 600) * 1000) });
    expect(identity.claims.plan).toBe('pro');
  });

  it('tells which secret verified the token during a rotation', async () => {
    const token = await sign({ user_id: 'u', exp: now + 60 }, 'previous-secret');
    expect((await verify(token, { secrets: ['current-secret', 'previous-secret'] })).verifiedWith).toBe('previous_secret');
    expect(await reasonOf(verify(token))).toBe('jwt_signature_invalid');
  });

  it('a claim failure with the previous secret is the token own failure, not a signature one', async () => {
    const token = await sign({ exp: now + 60 }, 'previous-secret');
    expect(await reasonOf(verify(token, { secrets: ['current-secret', 'previous-secret'] }))).toBe('jwt_user_id_missing');
  });

  it('allows exactly the clock tolerance around exp and nbf', async () => {
    // exp is the first second the token is no longer valid.
    const expired = await sign({ user_id: 'u', exp: now - CLOCK_TOLERANCE_SECONDS + 1 });
    expect(await reasonOf(verify(expired))).toBe('accepted');
    expect(await reasonOf(verify(expired, {}, new Date(NOW.getTime() + 1000)))).toBe('jwt_expired');
    const early = await sign({ user_id: 'u', exp: now + 600, nbf: now + CLOCK_TOLERANCE_SECONDS });
    expect(await reasonOf(verify(early))).toBe('accepted');
    expect(await reasonOf(verify(early, {}, new Date(NOW.getTime() - 1000)))).toBe('jwt_not_yet_valid');
  });

  it('caps the lifetime at the configured maximum', async () => {
    expect(await reasonOf(verify(await sign({ user_id: 'u', iat: now, exp: now + 3600 })))).toBe('accepted');
    expect(await reasonOf(verify(await sign({ user_id: 'u', iat: now, exp: now + 3601 })))).toBe('jwt_lifetime_too_long');
    expect(await reasonOf(verify(await sign({ user_id: 'u', exp: now + 3600 + CLOCK_TOLERANCE_SECONDS })))).toBe('accepted');
    expect(await reasonOf(verify(await sign({ user_id: 'u', exp: now + 3601 + CLOCK_TOLERANCE_SECONDS })))).toBe('jwt_lifetime_too_long');
    expect(await reasonOf(verify(await sign({ user_id: 'u', iat: now, exp: now + 7200 }), { maxLifetimeSeconds: 7200 }))).toBe('accepted');
  });

  it('refuses a token with no secret configured', async () => {
    expect(await reasonOf(verify(await sign({ user_id: 'u', exp: now + 60 }), { secrets: [] }))).toBe('jwt_verification_not_configured');
  });

  it('measures the size limit in bytes, before anything else', async () => {
    const token = 'é'.repeat(4097);
    expect(token.length).toBeLessThan(8192);
    expect(await reasonOf(verify(token))).toBe('jwt_too_large');
  });
});

describe('verifyMessengerJwt (JWKS)', () => {
  it('fetches the JWKS through the injected fetch, once per URL and fetch', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const fetched: string[] = [];
    const jwksFetch = async (url: string) => {
      fetched.push(url);
      return new Response(JSON.stringify({ keys: [jwk] }), { status: 200, headers: { 'Content-Type': 'application/json' } });
    };
    const jwks = jwksResolverFor({ jwksFetch });
    const token = await new SignJWT({ user_id: 'u' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setExpirationTime(now + 60).sign(privateKey);
    const es: Partial<MessengerJwtConfig> = { algorithm: 'ES256', jwksUrl: 'https://keys.example.test/jwks.json', secrets: [] };
    const run = () => verifyMessengerJwt(token, { ...config, ...es }, { now: NOW, jwks });
    expect((await run()).verifiedWith).toBe('jwks');
    expect((await run()).userId).toBe('u');
    expect(jwksResolverFor({ jwksFetch })('https://keys.example.test/jwks.json')).toBe(jwks('https://keys.example.test/jwks.json'));
    expect(fetched).toEqual(['https://keys.example.test/jwks.json']);
  });

  it('a JWKS endpoint that answers with an error is unavailable, not a bad token', async () => {
    const jwks = jwksResolverFor({ jwksFetch: async () => new Response('nope', { status: 500 }) });
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ user_id: 'u' }).setProtectedHeader({ alg: 'RS256' }).setExpirationTime(now + 60).sign(privateKey);
    const rs: MessengerJwtConfig = { ...config, algorithm: 'RS256', jwksUrl: 'https://down.example.test/jwks.json' };
    expect(await reasonOf(verifyMessengerJwt(token, rs, { now: NOW, jwks }))).toBe('jwt_jwks_unavailable');
    expect(await reasonOf(verifyMessengerJwt(token, { ...rs, jwksUrl: null }, { now: NOW, jwks }))).toBe('jwt_verification_not_configured');
  });
});

describe('rejection counters', () => {
  it('count per workspace and reason, and log the reason but never a token', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    recordJwtRejection(logger, 9001, 'jwt_expired', 'The token has expired');
    recordJwtRejection(logger, 9001, 'jwt_expired');
    recordJwtRejection(logger, 9001, 'jwt_unsecured');
    recordJwtRejection(logger, 9002, 'jwt_expired');
    expect(getRejectionCounts(9001)).toEqual({ jwt_expired: 2, jwt_unsecured: 1 });
    expect(getRejectionCounts(9002)).toEqual({ jwt_expired: 1 });
    expect(getRejectionCounts(9003)).toEqual({});
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 40, workspaceId: 9001, reason: 'jwt_expired', count: 2, msg: 'messenger identity rejected' });
  });
});
