import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

// Slows down password guessing: at most 5 failed sign-ins per account and 20
// per client address in a 15-minute window; a successful sign-in clears the
// account's count. Unknown emails are counted like known ones so the limiter
// does not reveal which accounts exist.
//
// The counters live in this process (RateLimiterMemory). With several app
// processes behind a load balancer each one would count on its own; pass
// rate-limiter-flexible's RateLimiterRedis or RateLimiterPostgres through
// `store` then (DESIGN.md, "Scale path").

export interface LoginKeys {
  // The normalised email the attempt is for.
  account: string;
  // The client address (req.ip, which honours the trusted proxy).
  ip: string;
}

export interface LoginRateLimiter {
  // Counts one attempt; null when it may go ahead, else the seconds until it may.
  attempt(keys: LoginKeys): Promise<{ retryAfterSeconds: number } | null>;
  // The attempt succeeded: it no longer counts, and the account starts over.
  succeeded(keys: LoginKeys): Promise<void>;
}

export interface LoginLimit {
  points: number;
  durationSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS = {
  account: { points: 5, durationSeconds: 15 * 60 },
  ip: { points: 20, durationSeconds: 15 * 60 },
} as const satisfies Record<string, LoginLimit>;

export interface LoginRateLimiterOptions {
  account?: LoginLimit;
  ip?: LoginLimit;
  store?: (options: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract;
}

const memoryStore: NonNullable<LoginRateLimiterOptions['store']> = (options) => new RateLimiterMemory(options);

export function createLoginRateLimiter(options: LoginRateLimiterOptions = {}): LoginRateLimiter {
  const store = options.store ?? memoryStore;
  const make = (keyPrefix: string, limit: LoginLimit) => store({ keyPrefix, points: limit.points, duration: limit.durationSeconds });
  const byAccount = make('login_account', options.account ?? DEFAULT_LOGIN_LIMITS.account);
  const byIp = make('login_ip', options.ip ?? DEFAULT_LOGIN_LIMITS.ip);

  return {
    async attempt({ account, ip }) {
      // The address first: a blocked address must not be able to use up
      // (and so lock) someone's account.
      const waitIp = await take(byIp, ip);
      if (waitIp !== null) return { retryAfterSeconds: waitIp };
      const waitAccount = await take(byAccount, account);
      return waitAccount === null ? null : { retryAfterSeconds: waitAccount };
    },
    async succeeded({ account, ip }) {
      await Promise.all([byAccount.delete(account), byIp.reward(ip, 1)]);
    },
  };
}

// Counting before the password is checked, not after a failure, keeps parallel
// guesses from all slipping through before the first failure is recorded.
async function take(limiter: RateLimiterAbstract, key: string): Promise<number | null> {
  try {
    await limiter.consume(key, 1);
    return null;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return retryAfterSeconds(rejection.msBeforeNext);
    throw rejection; // the store failed (Redis or PostgreSQL down)
  }
}

export const retryAfterSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
