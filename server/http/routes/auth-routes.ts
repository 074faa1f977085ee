import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { authenticateAdminSession, endAdminSession, type AdminSessionInfo } from '../../identity/admin-sessions.ts';
import { CSRF_HEADER, csrfTokenInvalid, csrfTokenMatches } from '../../identity/csrf.ts';
import { createLoginRateLimiter } from '../../identity/login-rate-limit.ts';
import { clearedSessionCookie, readSessionCookie, sessionSetCookie, type CookieContext } from '../../identity/session-cookie.ts';
import { prepareSignIn, signIn, signInSchema, TooManyAttemptsError } from '../../identity/sign-in.ts';
import { assignRequestId } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../app-error.ts';
import { apiErrorHandler, apiNotFound } from '../error-handler.ts';
import { parseOrThrow } from '../validation.ts';

// Browser sessions of admins and agents, outside /api (and outside the OpenAPI
// document): POST /auth/login, POST /auth/logout, GET /auth/me.
export function authRoutes(deps: AppDeps): Router {
  const limiter = deps.loginRateLimiter ?? createLoginRateLimiter();
  const now = () => deps.now?.() ?? new Date();
  const cookieContext = (req: Request): CookieContext => ({ secureRequest: req.secure, publicUrl: deps.publicUrl });
  prepareSignIn();

  const router = Router();
  router.use(assignRequestId);
  router.use((_req, res, next) => {
    // Answers carry the CSRF token and who is signed in: never cache them.
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(express.json({ limit: '16kb' }));

  router.post('/login', async (req, res) => {
    // JSON only: a cross-site HTML form cannot send it, so no other site can
    // sign a browser in to an account of its choosing.
    if (!req.is('application/json')) {
      throw new AppError(415, { code: 'client_error', message: 'Send the email and password as JSON (Content-Type: application/json)' });
    }
    const input = parseOrThrow(signInSchema, req.body ?? {});
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    let signedIn;
    try {
      signedIn = await signIn({ db: deps.db, limiter, now: deps.now }, input, { ip });
    } catch (error) {
      if (error instanceof AppError) deps.logger.info({ ip, code: error.code, requestId: res.locals.requestId }, 'sign-in refused');
      throw error;
    }
    // A new sign-in replaces whatever session this browser had.
    const previous = readSessionCookie(req.get('Cookie'));
    if (previous) await endAdminSession(deps.db, previous);
    const { session, admin, workspace } = signedIn;
    deps.logger.info({ adminId: admin.id, ip, requestId: res.locals.requestId }, 'admin signed in');
    res.append('Set-Cookie', sessionSetCookie(session.cookieValue, session.cookieExpiresAt, cookieContext(req), now()));
    res.json(meView({ csrfToken: session.csrfToken, expiresAt: session.expiresAt, admin, workspace }));
  });

  router.post('/logout', async (req, res) => {
    const cookieValue = readSessionCookie(req.get('Cookie'));
    const session = cookieValue ? await authenticateAdminSession(deps.db, cookieValue, now()) : null;
    // Signing out of a live session is a write like any other: it needs the
    // CSRF token, or any site could sign people out.
    if (session && !csrfTokenMatches(session.csrfToken, req.get(CSRF_HEADER))) throw csrfTokenInvalid();
    if (cookieValue) await endAdminSession(deps.db, cookieValue);
    res.append('Set-Cookie', clearedSessionCookie(cookieContext(req)));
    res.status(204).end();
  });

  router.get('/me', async (req, res) => {
    const session = await currentSession(req);
    if (!session) throw notSignedIn();
    res.json(meView(session));
  });

  async function currentSession(req: Request): Promise<AdminSessionInfo | null> {
    const cookieValue = readSessionCookie(req.get('Cookie'));
    return cookieValue ? authenticateAdminSession(deps.db, cookieValue, now()) : null;
  }

  router.use(apiNotFound);
  router.use(withRetryAfter(apiErrorHandler(deps.logger)));
  return router;
}

const notSignedIn = () => new AppError(401, { code: 'unauthorized', message: 'You are not signed in, or your session has ended; sign in again' });

function withRetryAfter(handler: ErrorRequestHandler): ErrorRequestHandler {
  return (error, req, res: Response, next) => {
    if (error instanceof TooManyAttemptsError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    handler(error, req, res, next);
  };
}

// Who is signed in, and the token their writes must carry in X-CSRF-Token.
export function meView(session: Pick<AdminSessionInfo, 'csrfToken' | 'expiresAt' | 'admin' | 'workspace'>) {
  return {
    type: 'admin' as const,
    id: String(session.admin.id),
    email: session.admin.email,
    name: session.admin.name,
    role: session.admin.role,
    workspace: { id: String(session.workspace.id), name: session.workspace.name },
    csrf_token: session.csrfToken,
    session_expires_at: session.expiresAt.toISOString(),
  };
}
