import { describe, expect, it } from 'vitest';
import { withIdempotencyKey } from '../../../../server/connectors/http/idempotency-key.ts';
import {
  DEFAULT_RETRY_POLICY,
  computeBackoffMs,
  decideRetry,
  methodMayRetry,
  parseRetryAfter,
  type RetryQuestion,
} from '../../../../server/connectors/http/retry-policy.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['3', 3000],
    [' 120 ', 120_000],
    ['Mon, 23 Nov 2026 12:00:05 GMT', 5000],
    ['Monday, 23-Nov-26 12:00:07 GMT', 7000],
    ['Mon Nov 23 12:00:09 2026', 9000],
    ['Mon, 23 Nov 2026 11:59:00 GMT', 0], // in the past
    ['Thu, 01 Jan 1970 00:00:00 GMT', 0],
  ])('%s -> %d ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([[undefined], [''], ['soon'], ['-5'], ['1.5'], ['2026-11-23T12:00:05Z'], ['Mon, 23 Nov 2026 12:00:05'], ['Mon, 99 Nov 2026 12:00:05 GMT']])(
    'ignores %s',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    },
  );
});

describe('computeBackoffMs', () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
  it('doubles the ceiling per retry and scales it by the random draw (full jitter)', () => {
    expect(computeBackoffMs(1, policy, () => 0.5)).toBe(50);
    expect(computeBackoffMs(2, policy, () => 0.5)).toBe(100);
    expect(computeBackoffMs(3, policy, () => 0.5)).toBe(200);
    expect(computeBackoffMs(3, policy, () => 0.999)).toBe(399);
    expect(computeBackoffMs(3, policy, () => 0)).toBe(0);
  });
  it('caps the ceiling at maxDelayMs', () => {
    expect(computeBackoffMs(10, policy, () => 0.9)).toBe(900);
    expect(computeBackoffMs(60, policy, () => 0.9)).toBe(900);
  });
});

describe('methodMayRetry', () => {
  it('retries idempotent methods, and POST/PATCH only with an Idempotency-Key', () => {
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'delete']) expect(methodMayRetry(method, {})).toBe(true);
    expect(methodMayRetry('POST', {})).toBe(false);
    expect(methodMayRetry('PATCH', { 'content-type': 'application/json' })).toBe(false);
    expect(methodMayRetry('POST', { 'Idempotency-Key': 'k' })).toBe(true);
    expect(methodMayRetry('PATCH', { 'idempotency-key': 'k' })).toBe(true);
  });
});

describe('decideRetry', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000, minAttemptMs: 50 };
  const ask = (overrides: Partial<RetryQuestion>) =>
    decideRetry({ trigger: { kind: 'status', status: 503 }, method: 'GET', headers: {}, attemptsMade: 1, remainingMs: 10_000, ...overrides }, policy, () => 0.5);

  it.each([429, 500, 502, 503, 504])('retries %d with backoff', (status) => {
    expect(ask({ trigger: { kind: 'status', status } })).toEqual({ retry: true, delayMs: 50 });
  });

  it.each([400, 401, 403, 404, 409, 410, 422, 501])('never retries %d', (status) => {
    expect(ask({ trigger: { kind: 'status', status } })).toMatchObject({ retry: false, reason: `status ${status} is final` });
  });

  it('uses Retry-After instead of the backoff when it fits the budget', () => {
    expect(ask({ trigger: { kind: 'status', status: 429, retryAfterMs: 2000 } })).toEqual({ retry: true, delayMs: 2000 });
    expect(ask({ trigger: { kind: 'status', status: 429, retryAfterMs: 0 } })).toEqual({ retry: true, delayMs: 0 });
  });

  it('stops when Retry-After (plus a minimal attempt) does not fit the remaining budget', () => {
    expect(ask({ trigger: { kind: 'status', status: 429, retryAfterMs: 60_000 } })).toMatchObject({ retry: false, reason: expect.stringContaining('Retry-After of 60000 ms') });
    expect(ask({ trigger: { kind: 'status', status: 429, retryAfterMs: 9_960 } }).retry).toBe(false);
    expect(ask({ remainingMs: 60 }).retry).toBe(false);
  });

  it('stops at the attempt limit', () => {
    expect(ask({ attemptsMade: 3 }).retry).toBe(true);
    expect(ask({ attemptsMade: 4 })).toMatchObject({ retry: false, reason: 'attempt limit of 4 reached' });
  });

  it('grows the backoff with each retry', () => {
    expect(ask({ attemptsMade: 2 })).toEqual({ retry: true, delayMs: 100 });
    expect(ask({ attemptsMade: 3 })).toEqual({ retry: true, delayMs: 200 });
  });

  it('retries POST only with an Idempotency-Key', () => {
    expect(ask({ method: 'POST' })).toMatchObject({ retry: false, reason: 'POST without an Idempotency-Key is not retried' });
    expect(ask({ method: 'POST', headers: { 'idempotency-key': 'abc' } }).retry).toBe(true);
  });

  it('retries resets for idempotent requests, refused connections for every method, and nothing else', () => {
    expect(ask({ trigger: { kind: 'network', code: 'ECONNRESET' } }).retry).toBe(true);
    expect(ask({ trigger: { kind: 'network', code: 'UND_ERR_SOCKET' } }).retry).toBe(true);
    expect(ask({ trigger: { kind: 'network', code: 'ECONNRESET' }, method: 'POST' }).retry).toBe(false);
    expect(ask({ trigger: { kind: 'network', code: 'ECONNREFUSED' }, method: 'POST' }).retry).toBe(true);
    expect(ask({ trigger: { kind: 'network', code: 'ENOTFOUND' } }).retry).toBe(false);
    expect(ask({ trigger: { kind: 'network', code: 'CERT_HAS_EXPIRED' } }).retry).toBe(false);
    expect(ask({ trigger: { kind: 'network', code: undefined } }).retry).toBe(false);
  });
});

describe('withIdempotencyKey', () => {
  it('adds a key once and keeps an existing one', () => {
    const headers = withIdempotencyKey({ Accept: 'application/json' }, () => 'key-1');
    expect(headers).toEqual({ Accept: 'application/json', 'Idempotency-Key': 'key-1' });
    expect(withIdempotencyKey({ 'idempotency-key': 'mine' }, () => 'other')).toEqual({ 'idempotency-key': 'mine' });
    expect(withIdempotencyKey({})['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
