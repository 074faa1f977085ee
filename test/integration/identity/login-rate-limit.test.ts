// Sign-in attempts are limited per account and per client address; the limiter
// is injected with small limits so the test needs few (slow, argon2) attempts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginRateLimiter } from '../../../server/identity/login-rate-limit.ts';
import { authFetch, createTestAdmin, TEST_PASSWORD } from '../../support/admin-session.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

const ACCOUNT_LIMIT = 3;
const IP_LIMIT = 5;
const WINDOW_SECONDS = 600;

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({
    loginRateLimiter: createLoginRateLimiter({ account: { points: ACCOUNT_LIMIT, durationSeconds: WINDOW_SECONDS }, ip: { points: IP_LIMIT, durationSeconds: WINDOW_SECONDS } }),
  });
});
afterAll(async () => {
  await app?.close();
});

// The app trusts the loopback proxy, so X-Forwarded-For sets the client address.
const login = (email: string, password: string, ip: string) =>
  authFetch(app, 'POST', '/auth/login', { body: { email, password }, headers: { 'X-Forwarded-For': ip } });

function expectLimited(res: Awaited<ReturnType<typeof login>>) {
  expect(res.status).toBe(429);
  expect(res.body.errors).toEqual([{ code: 'rate_limit_exceeded', message: expect.stringMatching(/^Too many failed sign-in attempts; try again in \d+ minutes?$/) }]);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
  expect(res.setCookie).toEqual([]);
}

describe('per account', () => {
  it(`refuses the account with 429 and Retry-After after ${ACCOUNT_LIMIT} failures, even with the right password`, async () => {
    const admin = await createTestAdmin(app);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) expect((await login(admin.email, 'wrong password', '10.0.0.1')).status).toBe(401);

    expectLimited(await login(admin.email, TEST_PASSWORD, '10.0.0.1'));
    // From another address too: the limit is the account's.
    expectLimited(await login(admin.email, TEST_PASSWORD, '10.0.0.2'));
    // Other accounts are not affected.
    const other = await createTestAdmin(app);
    expect((await login(other.email, TEST_PASSWORD, '10.0.0.1')).status).toBe(200);
  });

  it('counts an unknown email like a known one', async () => {
    for (let i = 0; i < ACCOUNT_LIMIT; i++) expect((await login('ghost@example.test', 'wrong password', '10.0.1.1')).status).toBe(401);
    expectLimited(await login('ghost@example.test', 'wrong password', '10.0.1.2'));
  });

  it('starts over after a successful sign-in', async () => {
    const admin = await createTestAdmin(app);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) expect((await login(admin.email, 'wrong password', `10.0.2.${round}`)).status).toBe(401);
      expect((await login(admin.email, TEST_PASSWORD, `10.0.2.${round}`)).status).toBe(200);
    }
  });
});

describe('per client address', () => {
  it(`refuses the address after ${IP_LIMIT} failures, whichever accounts they were for; other addresses go on`, async () => {
    const admin = await createTestAdmin(app);
    for (let i = 0; i < IP_LIMIT; i++) expect((await login(`guess-${i}@example.test`, 'wrong password', '10.0.3.1')).status).toBe(401);

    expectLimited(await login(admin.email, TEST_PASSWORD, '10.0.3.1'));
    expect((await login(admin.email, TEST_PASSWORD, '10.0.3.2')).status).toBe(200);
  });

  it('does not count successful sign-ins against the address', async () => {
    const admin = await createTestAdmin(app);
    for (let i = 0; i < IP_LIMIT + 2; i++) expect((await login(admin.email, TEST_PASSWORD, '10.0.4.1')).status).toBe(200);
  });
});
