import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../http/app-error.ts';

// CSRF protection for cookie-authenticated writes: each admin session has its
// own random token, handed to the client by /auth/login and /auth/me (never in
// a cookie), which every state-changing request must echo in this header. A
// cross-site page can make the browser send the cookie but cannot read the
// token. Bearer-token requests need none: browsers never attach those on their own.
export const CSRF_HEADER = 'X-CSRF-Token';

export const generateCsrfToken = () => randomBytes(32).toString('base64url');

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const isSafeMethod = (method: string) => SAFE_METHODS.has(method.toUpperCase());

// Constant time whatever the input: both sides are hashed to the same length
// first, so neither the content nor the length of the expected token leaks.
export function csrfTokenMatches(expected: string, given: string | undefined | null): boolean {
  if (!given || !expected) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

export const csrfTokenInvalid = () =>
  new AppError(403, { code: 'csrf_token_invalid', message: `The ${CSRF_HEADER} header is missing or does not match this session; reload the page and try again` });
