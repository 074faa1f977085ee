import { parseCookie, stringifySetCookie } from 'cookie';
import { MAX_TOKEN_LENGTH } from './opaque-token.ts';

// The browser session of an admin: an opaque random value in an httpOnly
// cookie. SameSite=Lax keeps it off cross-site subrequests and form posts;
// writes additionally need the session's CSRF token (see csrf.ts).
export const SESSION_COOKIE = 'patchbay_session';

export function readSessionCookie(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  const value = parseCookie(cookieHeader)[SESSION_COOKIE];
  return value && value.length <= MAX_TOKEN_LENGTH ? value : null;
}

export interface CookieContext {
  // The request arrived over https (directly or through a trusted proxy).
  secureRequest: boolean;
  // PATCHBAY_PUBLIC_URL: when it is https, the cookie is Secure even if a
  // proxy in front of Patchbay does not say the request was https.
  publicUrl?: string | undefined;
}

export const cookieIsSecure = ({ secureRequest, publicUrl }: CookieContext) => secureRequest || (publicUrl?.startsWith('https:') ?? false);

export function sessionSetCookie(value: string, expiresAt: Date, context: CookieContext, now: Date): string {
  return stringifySetCookie(SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: cookieIsSecure(context),
    path: '/',
    // The server enforces the idle timeout; the cookie only needs to outlive it.
    maxAge: Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000)),
    expires: expiresAt,
  });
}

export function clearedSessionCookie(context: CookieContext): string {
  return stringifySetCookie(SESSION_COOKIE, '', {
    httpOnly: true,
    sameSite: 'lax',
    secure: cookieIsSecure(context),
    path: '/',
    maxAge: 0,
    expires: new Date(0),
  });
}
