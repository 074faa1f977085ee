import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Db } from '../db/client.ts';
import { authenticateAdminSession } from '../identity/admin-sessions.ts';
import { authenticateApiToken } from '../identity/api-tokens.ts';
import { CSRF_HEADER, csrfTokenInvalid, csrfTokenMatches, isSafeMethod } from '../identity/csrf.ts';
import type { Principal } from '../identity/principal.ts';
import { readSessionCookie } from '../identity/session-cookie.ts';
import { AppError } from './app-error.ts';

export const assignRequestId: RequestHandler = (_req, res, next) => {
  res.locals.requestId = randomUUID();
  res.setHeader('X-Request-Id', res.locals.requestId);
  next();
};

const INTERCOM_VERSIONS = new Set(['1.0', '1.1', '1.2', '1.3', '1.4', ...Array.from({ length: 17 }, (_, i) => `2.${i}`), 'Preview', 'Unstable']);

// Intercom clients send a version header; every version gets the same answers.
export const acceptIntercomVersion: RequestHandler = (req, _res, next) => {
  const version = req.get('Intercom-Version');
  if (version !== undefined && !INTERCOM_VERSIONS.has(version)) {
    throw new AppError(400, { code: 'intercom_version_invalid', message: `Intercom-Version "${version}" is not a known version; use Unstable, Preview or 1.0-2.16`, field: 'Intercom-Version' });
  }
  next();
};

export interface ApiAuthDeps {
  db: Db;
  now?: (() => Date) | undefined;
}

const unauthorized = (res: Response, message = 'Access Token Invalid') => {
  res.setHeader('WWW-Authenticate', 'Bearer');
  return new AppError(401, { code: 'unauthorized', message });
};

// The token of `Authorization: Bearer <token>`, if the request has one.
export const bearerToken = (req: Pick<Request, 'get'>): string | undefined => /^Bearer\s+(\S+)\s*$/i.exec(req.get('Authorization') ?? '')?.[1];

async function principalFromBearer(deps: ApiAuthDeps, req: Request, res: Response): Promise<Principal> {
  const raw = bearerToken(req);
  const token = raw ? await authenticateApiToken(deps.db, raw, deps.now?.() ?? new Date()) : null;
  if (!token) throw unauthorized(res);
  return { workspaceId: token.workspaceId, adminId: token.adminId, role: token.role, via: 'token', tokenId: token.tokenId, sessionId: null };
}

// /api accepts an API token (`Authorization: Bearer`) or the session cookie of
// a signed-in admin. An Authorization header always wins, so a script's token
// is never mixed up with a browser session. Cookie-authenticated writes must
// carry the session's CSRF token.
export function requireApiPrincipal(deps: ApiAuthDeps): RequestHandler {
  return async (req, res, next) => {
    const cookieValue = req.get('Authorization') === undefined ? readSessionCookie(req.get('Cookie')) : null;
    if (!cookieValue) {
      res.locals.principal = await principalFromBearer(deps, req, res);
      return next();
    }
    const session = await authenticateAdminSession(deps.db, cookieValue, deps.now?.() ?? new Date());
    if (!session) throw unauthorized(res, 'Your session has ended; sign in again');
    if (!isSafeMethod(req.method) && !csrfTokenMatches(session.csrfToken, req.get(CSRF_HEADER))) {
      throw csrfTokenInvalid();
    }
    const principal: Principal = {
      workspaceId: session.workspace.id,
      adminId: session.admin.id,
      role: session.admin.role,
      via: 'session',
      tokenId: null,
      sessionId: session.sessionId,
    };
    res.locals.principal = principal;
    next();
  };
}

export const principalOf = (res: { locals: Record<string, unknown> }) => res.locals.principal as Principal;
