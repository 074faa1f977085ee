import { createHash, randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Db, Prisma } from '../db/client.ts';
import { AppError } from '../http/app-error.ts';
import { clockOf, type MessengerDeps } from './messenger-deps.ts';

// Messenger session tokens are random and stored hashed (like API tokens)
// rather than self-contained JWTs: they can be revoked by deleting the row,
// disappear with their contact, and need no signing key of their own.
export const MESSENGER_SESSION_TTL_MS = 60 * 60 * 1000;
const TOKEN_PREFIX = 'pbm_';

export const hashMessengerToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface MessengerSessionPrincipal {
  workspaceId: number;
  contactId: number;
  identityVerified: boolean;
  expiresAt: Date;
}

type SessionDb = Pick<Db, 'messengerSession'> | Pick<Prisma.TransactionClient, 'messengerSession'>;

/**
 * Opens a session for a contact. It lasts MESSENGER_SESSION_TTL_MS, never past
 * `notAfter` (the expiry of the identity JWT it was opened with).
 */
export async function createMessengerSession(
  db: SessionDb,
  input: { workspaceId: number; contactId: number; identityVerified: boolean; now: Date; notAfter?: Date | undefined },
): Promise<{ token: string; expiresAt: Date }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const ttlEnd = input.now.getTime() + MESSENGER_SESSION_TTL_MS;
  const expiresAt = new Date(input.notAfter ? Math.min(ttlEnd, input.notAfter.getTime()) : ttlEnd);
  // Expired sessions of the contact go when it opens a new one, so rows do not pile up.
  await db.messengerSession.deleteMany({ where: { contactId: input.contactId, expiresAt: { lte: input.now } } });
  await db.messengerSession.create({
    data: { id: hashMessengerToken(token), workspaceId: input.workspaceId, contactId: input.contactId, identityVerified: input.identityVerified, createdAt: input.now, expiresAt },
  });
  return { token, expiresAt };
}

/** The session a messenger token stands for, or null when it is unknown or expired. */
export async function authenticateMessengerSession(deps: Pick<MessengerDeps, 'db' | 'now'>, token: string): Promise<MessengerSessionPrincipal | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const session = await deps.db.messengerSession.findUnique({ where: { id: hashMessengerToken(token) } });
  if (!session || session.expiresAt.getTime() <= clockOf(deps).getTime()) return null;
  return { workspaceId: session.workspaceId, contactId: session.contactId, identityVerified: session.identityVerified, expiresAt: session.expiresAt };
}

export async function revokeMessengerSession(db: Pick<Db, 'messengerSession'>, token: string): Promise<void> {
  await db.messengerSession.deleteMany({ where: { id: hashMessengerToken(token) } });
}

/** Reads `Authorization: Bearer <messenger token>`; 401 messenger_session_invalid otherwise. */
export function requireMessengerSession(deps: Pick<MessengerDeps, 'db' | 'now'>): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('Authorization') ?? '');
    const session = match?.[1] ? await authenticateMessengerSession(deps, match[1]) : null;
    if (!session) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new AppError(401, { code: 'messenger_session_invalid', message: 'The messenger session is missing, unknown or expired; boot the messenger again' });
    }
    res.locals.messengerSession = session;
    next();
  };
}

export const messengerSessionOf = (res: { locals: Record<string, unknown> }) => res.locals.messengerSession as MessengerSessionPrincipal;
