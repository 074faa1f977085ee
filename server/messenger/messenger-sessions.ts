import type { Request, RequestHandler, Response } from 'express';
import type { Db, Prisma } from '../db/client.ts';
import { bearerToken } from '../http/api-middleware.ts';
import { AppError } from '../http/app-error.ts';
import { hashToken, MAX_TOKEN_LENGTH, newOpaqueToken } from '../identity/opaque-token.ts';
import { authTokenStoreOf, type MessengerAuthTokenStore } from './messenger-auth-tokens.ts';
import { clockOf, type MessengerDeps } from './messenger-deps.ts';

// Messenger session tokens are random and stored hashed (like API tokens)
// rather than self-contained JWTs: they can be revoked by deleting the row,
// disappear with their contact, and need no signing key of their own.
export const MESSENGER_SESSION_TTL_MS = 60 * 60 * 1000;
const TOKEN_PREFIX = 'pbm_';

export interface MessengerSessionPrincipal {
  // The session row's id (the hash of its token): what in-memory state of the
  // session (auth tokens, its sockets' room) is keyed by. Server-side only.
  sessionId: string;
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
): Promise<{ id: string; token: string; expiresAt: Date }> {
  const token = newOpaqueToken(TOKEN_PREFIX);
  const ttlEnd = input.now.getTime() + MESSENGER_SESSION_TTL_MS;
  const expiresAt = new Date(input.notAfter ? Math.min(ttlEnd, input.notAfter.getTime()) : ttlEnd);
  // Expired sessions of the contact go when it opens a new one, so rows do not pile up.
  await db.messengerSession.deleteMany({ where: { contactId: input.contactId, expiresAt: { lte: input.now } } });
  const id = hashToken(token);
  await db.messengerSession.create({
    data: { id, workspaceId: input.workspaceId, contactId: input.contactId, identityVerified: input.identityVerified, createdAt: input.now, expiresAt },
  });
  return { id, token, expiresAt };
}

/** The session a messenger token stands for, or null when it is unknown or expired. */
export async function authenticateMessengerSession(deps: Pick<MessengerDeps, 'db' | 'now'>, token: string): Promise<MessengerSessionPrincipal | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > MAX_TOKEN_LENGTH) return null;
  const session = await deps.db.messengerSession.findUnique({ where: { id: hashToken(token) } });
  if (!session || session.expiresAt.getTime() <= clockOf(deps).getTime()) return null;
  return { sessionId: session.id, workspaceId: session.workspaceId, contactId: session.contactId, identityVerified: session.identityVerified, expiresAt: session.expiresAt };
}

// The session's auth tokens go with it.
export async function revokeMessengerSession(deps: { db: Pick<Db, 'messengerSession'>; messengerAuthTokens?: MessengerAuthTokenStore | undefined }, token: string): Promise<void> {
  const id = hashToken(token);
  authTokenStoreOf(deps).delete(id);
  await deps.db.messengerSession.deleteMany({ where: { id } });
}

/** The session of the request's `Authorization: Bearer <messenger token>`, or null. */
export async function messengerSessionFromRequest(deps: Pick<MessengerDeps, 'db' | 'now'>, req: Request): Promise<MessengerSessionPrincipal | null> {
  const token = bearerToken(req);
  return token ? authenticateMessengerSession(deps, token) : null;
}

export function messengerSessionInvalid(res: Response): AppError {
  res.setHeader('WWW-Authenticate', 'Bearer');
  return new AppError(401, { code: 'messenger_session_invalid', message: 'The messenger session is missing, unknown or expired; boot the messenger again' });
}

/** Requires a messenger session (see messengerSessionFromRequest); 401 messenger_session_invalid otherwise. */
export function requireMessengerSession(deps: Pick<MessengerDeps, 'db' | 'now'>): RequestHandler {
  return async (req, res, next) => {
    const session = await messengerSessionFromRequest(deps, req);
    if (!session) throw messengerSessionInvalid(res);
    res.locals.messengerSession = session;
    next();
  };
}

export const messengerSessionOf = (res: { locals: Record<string, unknown> }) => res.locals.messengerSession as MessengerSessionPrincipal;
