import type { Db } from '../db/client.ts';
import { generateCsrfToken } from './csrf.ts';
import { hashToken, newOpaqueToken } from './opaque-token.ts';
import type { AdminRole } from './principal.ts';

// Browser sessions of admins and agents. The cookie holds 256 random bits; the
// database keeps only their SHA-256 (AdminSession.id), so a leaked database
// row cannot be replayed as a cookie.
//
// Expiry is sliding with a hard cap: a session ends after 12 hours without a
// request, and in any case 7 days after sign-in. A support shift with breaks
// stays signed in; a forgotten laptop does not stay signed in for ever.
export const SESSION_IDLE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
// Extending on every request would turn each read into a write; a minute of
// imprecision in a 12-hour timeout does not matter.
const LAST_SEEN_RESOLUTION_MS = 60_000;

// When a session created at createdAt and last used at lastSeenAt ends.
export function sessionExpiry(createdAt: Date, lastSeenAt: Date): Date {
  return new Date(Math.min(lastSeenAt.getTime() + SESSION_IDLE_TIMEOUT_MS, createdAt.getTime() + SESSION_ABSOLUTE_LIFETIME_MS));
}

export interface StartedSession {
  // The cookie value: shown to the browser once, never stored.
  cookieValue: string;
  csrfToken: string;
  expiresAt: Date;
  // When the cookie itself should expire (the absolute cap; idle expiry is enforced here).
  cookieExpiresAt: Date;
}

export async function startAdminSession(db: Db, adminId: number, now: Date): Promise<StartedSession> {
  const cookieValue = newOpaqueToken();
  const csrfToken = generateCsrfToken();
  const expiresAt = sessionExpiry(now, now);
  await db.$transaction([
    // Sign-in is a good moment to drop this admin's dead sessions.
    db.adminSession.deleteMany({ where: { adminId, expiresAt: { lte: now } } }),
    db.adminSession.create({ data: { id: hashToken(cookieValue), adminId, csrfToken, createdAt: now, lastSeenAt: now, expiresAt } }),
  ]);
  return { cookieValue, csrfToken, expiresAt, cookieExpiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_LIFETIME_MS) };
}

export interface AdminSessionInfo {
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
  admin: { id: number; email: string; name: string; role: AdminRole };
  workspace: { id: number; name: string };
}

// The live session the cookie value stands for, extended by this use; null
// when there is none or it has expired (an expired one is deleted).
export async function authenticateAdminSession(db: Db, cookieValue: string, now: Date): Promise<AdminSessionInfo | null> {
  const id = hashToken(cookieValue);
  const session = await db.adminSession.findUnique({
    where: { id },
    include: { admin: { select: { id: true, email: true, name: true, role: true, workspace: { select: { id: true, name: true } } } } },
  });
  if (!session) return null;
  const expiresAt = new Date(Math.min(session.expiresAt.getTime(), sessionExpiry(session.createdAt, session.lastSeenAt).getTime()));
  if (now.getTime() >= expiresAt.getTime()) {
    await db.adminSession.deleteMany({ where: { id } });
    return null;
  }
  let current = expiresAt;
  if (now.getTime() - session.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS) {
    current = sessionExpiry(session.createdAt, now);
    // updateMany: a sign-out racing with this request must not make it fail.
    await db.adminSession.updateMany({ where: { id }, data: { lastSeenAt: now, expiresAt: current } });
  }
  const { workspace, ...admin } = session.admin;
  return { sessionId: id, csrfToken: session.csrfToken, expiresAt: current, admin, workspace };
}

export async function endAdminSession(db: Db, cookieValue: string): Promise<boolean> {
  const { count } = await db.adminSession.deleteMany({ where: { id: hashToken(cookieValue) } });
  return count > 0;
}
