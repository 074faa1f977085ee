import { describe, expect, it } from 'vitest';
import { clearedSessionCookie, cookieIsSecure, readSessionCookie, SESSION_COOKIE, sessionSetCookie } from '../../../server/identity/session-cookie.ts';

const now = new Date('2026-03-02T08:00:00Z');
const attributesOf = (header: string) => header.split(/;\s*/).slice(1).map((a) => a.toLowerCase());

describe('readSessionCookie', () => {
  it('finds the session cookie among others', () => {
    expect(readSessionCookie(`theme=dark; ${SESSION_COOKIE}=abc_DEF-123; other=1`)).toBe('abc_DEF-123');
  });

  it('is null without one, with an empty one, or with an absurdly long one', () => {
    expect(readSessionCookie(undefined)).toBeNull();
    expect(readSessionCookie('theme=dark')).toBeNull();
    expect(readSessionCookie(`${SESSION_COOKIE}=`)).toBeNull();
    expect(readSessionCookie(`${SESSION_COOKIE}=${'a'.repeat(201)}`)).toBeNull();
  });
});

describe('cookieIsSecure', () => {
  it('when the request was https, or the public URL is https', () => {
    expect(cookieIsSecure({ secureRequest: true })).toBe(true);
    expect(cookieIsSecure({ secureRequest: false, publicUrl: 'https://support.example.com' })).toBe(true);
    expect(cookieIsSecure({ secureRequest: false, publicUrl: 'http://localhost:3000' })).toBe(false);
    expect(cookieIsSecure({ secureRequest: false })).toBe(false);
  });
});

describe('sessionSetCookie', () => {
  it('is httpOnly, SameSite=Lax, for the whole site, and expires with the session', () => {
    const expires = new Date(now.getTime() + 7 * 24 * 3600 * 1000);
    const header = sessionSetCookie('value123', expires, { secureRequest: false, publicUrl: 'https://support.example.com' }, now);
    expect(header.startsWith(`${SESSION_COOKIE}=value123;`)).toBe(true);
    expect(attributesOf(header)).toEqual(
      expect.arrayContaining(['httponly', 'samesite=lax', 'path=/', 'secure', `max-age=${7 * 24 * 3600}`, `expires=${expires.toUTCString().toLowerCase()}`]),
    );
    expect(attributesOf(sessionSetCookie('v', expires, { secureRequest: false }, now))).not.toContain('secure');
  });

  it('clearing sets an empty, already expired cookie with the same scope', () => {
    const header = clearedSessionCookie({ secureRequest: true });
    expect(header.startsWith(`${SESSION_COOKIE}=;`)).toBe(true);
    expect(attributesOf(header)).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/', 'secure', 'max-age=0']));
  });
});
