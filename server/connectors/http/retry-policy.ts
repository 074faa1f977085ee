// When to try a request again, and how long to wait first. Pure functions: the
// caller supplies the clock reading and the random source.

export interface RetryPolicy {
  /** Tries in total, the first one included. */
  maxAttempts: number;
  /** Backoff ceiling for the first retry; doubles per retry (full jitter below it). */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * A retry is only started when at least this much budget is left after the
   * wait: a retry cut off by the deadline would replace a usable last response
   * with a timeout.
   */
  minAttemptMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  minAttemptMs: 250,
};

/** 429 and the transient 5xx. 410 and every other 4xx are final. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/**
 * Transport failures that mean "try again". ECONNREFUSED is included: the
 * server was not accepting connections (typically a restart in progress), the
 * request never left this process, and the budget bounds the cost. Because no
 * byte was sent it is retried for every method, POST without an
 * Idempotency-Key included. DNS failures, TLS errors and timeouts are not
 * retried: they do not get better within a few hundred milliseconds.
 */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED',
  'UND_ERR_SOCKET', // undici: "other side closed" (socket closed before or during the response)
]);
const NOTHING_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED']);

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** GET/HEAD/OPTIONS/PUT/DELETE always; POST/PATCH only with an Idempotency-Key header. */
export function methodMayRetry(method: string, headers: Readonly<Record<string, string>>): boolean {
  if (IDEMPOTENT_METHODS.has(method.toUpperCase())) return true;
  return Object.keys(headers).some((name) => name.toLowerCase() === 'idempotency-key');
}

/** Full jitter: a uniform wait in [0, min(maxDelay, base * 2^(retry-1))). `retryNumber` starts at 1. */
export function computeBackoffMs(retryNumber: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retryNumber - 1));
  return Math.floor(Math.min(Math.max(random(), 0), 1) * ceiling);
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^${LONG_DAY}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}$`);

/**
 * Retry-After as a wait in milliseconds: delta seconds or an HTTP-date (the
 * three formats of RFC 9110). A date in the past means 0; anything else
 * (negative, fractional, free text) is ignored and undefined is returned.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  let at: number;
  if (IMF_FIXDATE.test(text) || RFC850_DATE.test(text)) at = Date.parse(text);
  else if (ASCTIME_DATE.test(text)) at = Date.parse(`${text} GMT`);
  else return undefined;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export type RetryTrigger =
  | { kind: 'status'; status: number; retryAfterMs?: number | undefined }
  | { kind: 'network'; code: string | undefined };

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

export interface RetryQuestion {
  trigger: RetryTrigger;
  method: string;
  headers: Readonly<Record<string, string>>;
  /** Attempts made so far, the one that just failed included. */
  attemptsMade: number;
  /** Budget left now, before any wait. */
  remainingMs: number;
}

export function decideRetry(question: RetryQuestion, policy: RetryPolicy, random: () => number): RetryDecision {
  const { trigger } = question;
  if (trigger.kind === 'status' && !RETRYABLE_STATUSES.has(trigger.status)) {
    return { retry: false, reason: `status ${trigger.status} is final` };
  }
  if (trigger.kind === 'network' && (trigger.code === undefined || !RETRYABLE_NETWORK_CODES.has(trigger.code))) {
    return { retry: false, reason: `${trigger.code ?? 'this error'} is not retried` };
  }
  const nothingSent = trigger.kind === 'network' && trigger.code !== undefined && NOTHING_SENT_CODES.has(trigger.code);
  if (!nothingSent && !methodMayRetry(question.method, question.headers)) {
    return { retry: false, reason: `${question.method.toUpperCase()} without an Idempotency-Key is not retried` };
  }
  if (question.attemptsMade >= policy.maxAttempts) {
    return { retry: false, reason: `attempt limit of ${policy.maxAttempts} reached` };
  }
  const retryAfterMs = trigger.kind === 'status' ? trigger.retryAfterMs : undefined;
  const delayMs = retryAfterMs ?? computeBackoffMs(question.attemptsMade, policy, random);
  if (delayMs + policy.minAttemptMs > question.remainingMs) {
    const what = retryAfterMs === undefined ? `a backoff of ${delayMs} ms` : `Retry-After of ${delayMs} ms`;
    return { retry: false, reason: `${what} does not fit the remaining budget of ${Math.max(0, question.remainingMs)} ms` };
  }
  return { retry: true, delayMs };
}
