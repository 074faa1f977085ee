import { describe, expect, it } from 'vitest';
import { csrfTokenInvalid, csrfTokenMatches, generateCsrfToken, isSafeMethod } from '../../../server/identity/csrf.ts';

describe('csrfTokenMatches', () => {
  const token = generateCsrfToken();

  it('accepts exactly the expected token', () => {
    expect(csrfTokenMatches(token, token)).toBe(true);
    expect(csrfTokenMatches(token, `${token}`.slice(0))).toBe(true);
  });

  it('refuses anything else, whatever its length, without throwing', () => {
    for (const given of [undefined, null, '', token.slice(0, -1), `${token}A`, token.toUpperCase(), 'x', 'x'.repeat(5000)]) {
      expect(csrfTokenMatches(token, given), String(given)).toBe(false);
    }
  });

  it('never matches when the session has no token', () => {
    expect(csrfTokenMatches('', '')).toBe(false);
  });
});

describe('generateCsrfToken', () => {
  it('gives 256 random bits, URL-safe', () => {
    const tokens = new Set(Array.from({ length: 50 }, generateCsrfToken));
    expect(tokens.size).toBe(50);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('isSafeMethod', () => {
  it('exempts only reads', () => {
    expect(['GET', 'HEAD', 'OPTIONS', 'get'].every(isSafeMethod)).toBe(true);
    expect(['POST', 'PUT', 'PATCH', 'DELETE', 'post'].some(isSafeMethod)).toBe(false);
  });
});

it('csrfTokenInvalid is a 403 csrf_token_invalid naming the header', () => {
  const error = csrfTokenInvalid();
  expect(error.status).toBe(403);
  expect(error.code).toBe('csrf_token_invalid');
  expect(error.message).toContain('X-CSRF-Token');
});
