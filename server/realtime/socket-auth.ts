// Who opens a socket: a signed-in browser (the session cookie, sent by the
// browser with the handshake) or a script (`auth: { token }`, an API token).
// An explicit token wins over a cookie, as the Authorization header does on /api.
import type { IncomingHttpHeaders } from 'node:http';
import type { Db } from '../db/client.ts';
import { authenticateAdminSession } from '../identity/admin-sessions.ts';
import { authenticateApiToken } from '../identity/api-tokens.ts';
import type { Principal } from '../identity/principal.ts';
import { readSessionCookie } from '../identity/session-cookie.ts';
import { messengerCaller, type MessengerCaller } from '../messenger/messenger-conversations.ts';
import { authenticateMessengerSession } from '../messenger/messenger-sessions.ts';

export interface SocketHandshake {
  auth: unknown;
  headers: IncomingHttpHeaders;
}

export interface SocketAuthDeps {
  db: Db;
  now?: (() => Date) | undefined;
  // PATCHBAY_PUBLIC_URL: pages served from it may open sockets with the cookie
  // even when a proxy rewrote the Host header.
  publicUrl?: string | undefined;
}

// A messenger socket (the customer's widget) has no principal: it may only
// join the messenger rooms of its own contact's conversations.
export type SocketAuthResult = { ok: true; principal: Principal; messenger?: undefined } | { ok: true; messenger: MessengerCaller; principal?: undefined } | { ok: false; message: string };

const header = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const hostOf = (url: string) => {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
};

// The session cookie is SameSite=Lax, which still lets a sibling subdomain's
// page open a socket with it; its Origin gives it away. Non-browser clients
// send no Origin and are judged by the cookie alone.
function originAllowed(headers: IncomingHttpHeaders, publicUrl: string | undefined): boolean {
  const origin = header(headers, 'origin');
  if (origin === undefined) return true;
  const originHost = hostOf(origin);
  if (originHost === null) return false;
  const allowed = [header(headers, 'host'), header(headers, 'x-forwarded-host')?.split(',')[0]?.trim(), publicUrl ? (hostOf(publicUrl) ?? undefined) : undefined];
  return allowed.some((host) => host !== undefined && host.toLowerCase() === originHost);
}

export async function authenticateSocket(deps: SocketAuthDeps, handshake: SocketHandshake): Promise<SocketAuthResult> {
  const now = deps.now?.() ?? new Date();
  const auth = typeof handshake.auth === 'object' && handshake.auth !== null ? (handshake.auth as { token?: unknown; messenger_token?: unknown }) : {};
  if (typeof auth.messenger_token === 'string' && auth.messenger_token !== '') {
    const session = await authenticateMessengerSession({ db: deps.db, now: () => now }, auth.messenger_token).catch(() => null);
    if (!session) return { ok: false, message: 'unauthorized: the messenger session is missing, unknown or expired; boot the messenger again' };
    return { ok: true, messenger: messengerCaller(session, auth.messenger_token) };
  }
  if (typeof auth.token === 'string' && auth.token !== '') {
    const token = await authenticateApiToken(deps.db, auth.token, now).catch(() => null);
    if (!token) return { ok: false, message: 'unauthorized: the API token is not valid' };
    return { ok: true, principal: { workspaceId: token.workspaceId, adminId: token.adminId, role: token.role, via: 'token', tokenId: token.tokenId, sessionId: null } };
  }
  const cookieValue = readSessionCookie(header(handshake.headers, 'cookie'));
  if (!cookieValue) return { ok: false, message: 'unauthorized: sign in, or pass an API token as auth.token' };
  if (!originAllowed(handshake.headers, deps.publicUrl)) return { ok: false, message: 'unauthorized: this origin may not use the session cookie' };
  const session = await authenticateAdminSession(deps.db, cookieValue, now).catch(() => null);
  if (!session) return { ok: false, message: 'unauthorized: your session has ended; sign in again' };
  return {
    ok: true,
    principal: { workspaceId: session.workspace.id, adminId: session.admin.id, role: session.admin.role, via: 'session', tokenId: null, sessionId: session.sessionId },
  };
}
