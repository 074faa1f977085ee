import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { createLoginRateLimiter, DEFAULT_LOGIN_LIMITS } from '../../../server/identity/login-rate-limit.ts';
import { retryAfterSeconds } from '../../../server/identity/rate-limit.ts';

const keys = (account: string, ip = '192.0.2.1') => ({ account, ip });

describe('createLoginRateLimiter', () => {
  it('defaults to 5 per account and 20 per address in 15 minutes', () => {
    expect(DEFAULT_LOGIN_LIMITS).toEqual({ account: { points: 5, durationSeconds: 900 }, ip: { points: 20, durationSeconds: 900 } });
  });

  it('lets N attempts for an account through, then refuses with the time left in the window', async () => {
    const limiter = createLoginRateLimiter({ account: { points: 2, durationSeconds: 60 }, ip: { points: 100, durationSeconds: 60 } });
    expect(await limiter.attempt(keys('a@x'))).toBeNull();
    expect(await limiter.attempt(keys('a@x'))).toBeNull();
    const refused = await limiter.attempt(keys('a@x', '192.0.2.99'));
    expect(refused).not.toBeNull();
    expect(refused!.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused!.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await limiter.attempt(keys('b@x'))).toBeNull();
  });

  it('a success clears the account but leaves other failures of the address counted', async () => {
    const limiter = createLoginRateLimiter({ account: { points: 2, durationSeconds: 60 }, ip: { points: 3, durationSeconds: 60 } });
    await limiter.attempt(keys('a@x'));
    await limiter.attempt(keys('a@x'));
    await limiter.succeeded(keys('a@x')); // the second attempt succeeded: the address counts 1 failure
    expect(await limiter.attempt(keys('a@x'))).toBeNull(); // the account starts over (else 3 > 2)
    expect(await limiter.attempt(keys('a@x'))).toBeNull(); // address: 3
    expect(await limiter.attempt(keys('c@x'))).not.toBeNull(); // address: 4 > 3
  });

  it('refuses a blocked address without using up the account', async () => {
    const limiter = createLoginRateLimiter({ account: { points: 1, durationSeconds: 60 }, ip: { points: 1, durationSeconds: 60 } });
    expect(await limiter.attempt(keys('a@x', '192.0.2.1'))).toBeNull();
    expect(await limiter.attempt(keys('victim@x', '192.0.2.1'))).not.toBeNull();
    expect(await limiter.attempt(keys('victim@x', '192.0.2.2'))).toBeNull();
  });

  it('uses the store it is given (Redis or PostgreSQL with several processes) and reports its failures', async () => {
    const made: string[] = [];
    const limiter = createLoginRateLimiter({
      store: (options) => {
        made.push(`${options.keyPrefix}:${options.points}/${options.duration}`);
        return new RateLimiterMemory(options);
      },
    });
    expect(made).toEqual(['login_account:5/900', 'login_ip:20/900']);
    await expect(limiter.attempt(keys('a@x'))).resolves.toBeNull();

    const broken = { consume: () => Promise.reject(new Error('redis down')) } as unknown as RateLimiterAbstract;
    await expect(createLoginRateLimiter({ store: () => broken }).attempt(keys('a@x'))).rejects.toThrow('redis down');
  });
});

it('retryAfterSeconds rounds up to whole seconds, at least 1', () => {
  expect(retryAfterSeconds(0)).toBe(1);
  expect(retryAfterSeconds(1)).toBe(1);
  expect(retryAfterSeconds(1001)).toBe(2);
  expect(retryAfterSeconds(900_000)).toBe(900);
});
