import { createRateLimiter, takePoint, type RateLimit, type RateLimitStore } from './rate-limit.ts';

// Slows down password guessing: at most 5 failed sign-ins per account and 20
// per client address in a 15-minute window; a successful sign-in clears the
// account's count. Unknown emails are counted like known ones so the limiter
// does not reveal which accounts exist.
//
// The counters live in this process unless `store` says otherwise (rate-limit.ts).

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

export const DEFAULT_LOGIN_LIMITS = {
  account: { points: 5, durationSeconds: 15 * 60 },
  ip: { points: 20, durationSeconds: 15 * 60 },
} as const satisfies Record<string, RateLimit>;

export interface LoginRateLimiterOptions {
  account?: RateLimit;
  ip?: RateLimit;
  store?: RateLimitStore;
}

export function createLoginRateLimiter(options: LoginRateLimiterOptions = {}): LoginRateLimiter {
  const byAccount = createRateLimiter(options.store, 'login_account', options.account ?? DEFAULT_LOGIN_LIMITS.account);
  const byIp = createRateLimiter(options.store, 'login_ip', options.ip ?? DEFAULT_LOGIN_LIMITS.ip);

  return {
    // Counting before the password is checked, not after a failure, keeps
    // parallel guesses from all slipping through before the first failure is recorded.
    async attempt({ account, ip }) {
      // The address first: a blocked address must not be able to use up
      // (and so lock) someone's account.
      const waitIp = await takePoint(byIp, ip);
      if (waitIp !== null) return { retryAfterSeconds: waitIp };
      const waitAccount = await takePoint(byAccount, account);
      return waitAccount === null ? null : { retryAfterSeconds: waitAccount };
    },
    async succeeded({ account, ip }) {
      await Promise.all([byAccount.delete(account), byIp.reward(ip, 1)]);
    },
  };
}
