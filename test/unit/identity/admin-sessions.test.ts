import { describe, expect, it } from 'vitest';
import { SESSION_ABSOLUTE_LIFETIME_MS, SESSION_IDLE_TIMEOUT_MS, sessionExpiry } from '../../../server/identity/admin-sessions.ts';
import { hashToken as hashSessionToken } from '../../../server/identity/opaque-token.ts';

const HOUR = 60 * 60 * 1000;
const start = new Date('2026-03-02T08:00:00Z');
const at = (hours: number) => new Date(start.getTime() + hours * HOUR);

describe('sessionExpiry', () => {
  it('is 12 hours after the last use', () => {
    expect(SESSION_IDLE_TIMEOUT_MS).toBe(12 * HOUR);
    expect(sessionExpiry(start, start)).toEqual(at(12));
    expect(sessionExpiry(start, at(30))).toEqual(at(42));
  });

  it('never later than 7 days after sign-in', () => {
    expect(SESSION_ABSOLUTE_LIFETIME_MS).toBe(7 * 24 * HOUR);
    expect(sessionExpiry(start, at(7 * 24 - 1))).toEqual(at(7 * 24));
    expect(sessionExpiry(start, at(7 * 24 - 12))).toEqual(at(7 * 24));
    expect(sessionExpiry(start, at(7 * 24 - 13))).toEqual(at(7 * 24 - 1));
  });
});

describe('hashSessionToken', () => {
  it('is the hex SHA-256, so the database never holds the cookie value', () => {
    expect(hashSessionToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
