import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

// The rate-limiter-flexible setup shared by sign-in and one-time codes.
// RateLimiterMemory counts in this process only; with several app processes
// behind a load balancer pass a store making RateLimiterRedis or
// RateLimiterPostgres instead (DESIGN.md, "Scale path").
export interface RateLimit {
  points: number;
  durationSeconds: number;
}

export type RateLimitStore = (options: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract;

export function createRateLimiter(store: RateLimitStore | undefined, keyPrefix: string, limit: RateLimit): RateLimiterAbstract {
  const options = { keyPrefix, points: limit.points, duration: limit.durationSeconds };
  return store ? store(options) : new RateLimiterMemory(options);
}

// Counts one point for key: null when it may go ahead, else the seconds until it may.
export async function takePoint(limiter: RateLimiterAbstract, key: string): Promise<number | null> {
  try {
    await limiter.consume(key, 1);
    return null;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return retryAfterSeconds(rejection.msBeforeNext);
    throw rejection; // the store failed (Redis or PostgreSQL down)
  }
}

export const retryAfterSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
