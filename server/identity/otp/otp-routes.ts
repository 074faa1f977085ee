// POST /messenger/otp/request and /messenger/otp/verify (mounted by the
// messenger at /messenger/otp). Who is asking comes from the messenger
// session, through resolveMessengerContact; the body only names the
// conversation. Errors are an error.list with what the customer needs next:
// attempts_left, expires_at, retry_after_seconds (and a Retry-After header).
import { randomUUID } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import { AppError } from '../../http/app-error.ts';
import { parseOrThrow } from '../../http/validation.ts';
import { messengerSessionInvalid } from '../../messenger/messenger-sessions.ts';
import { createRateLimiter, takePoint, type RateLimit, type RateLimitStore } from '../rate-limit.ts';
import type { OtpDeps } from './otp-deps.ts';
import { OtpError } from './otp-error.ts';
import { requestOtp } from './request-otp.ts';
import { verifyOtp } from './verify-otp.ts';

export interface MessengerContact {
  workspaceId: number;
  contactId: number;
  // The messenger session (hashed id, server-side only): its auth tokens and client functions serve the resumed answer.
  session?: { id: string } | undefined;
}

export interface OtpRouteDeps extends OtpDeps {
  // The contact of the calling messenger session, or null (401).
  resolveMessengerContact: (req: Request, res: Response) => Promise<MessengerContact | null> | MessengerContact | null;
  // Per client address, on top of the per-contact limits kept in the database.
  rateLimit?: Partial<Record<'request' | 'verify', RateLimit>> | undefined;
  // See rate-limit.ts; by default the counts live in this process.
  rateLimitStore?: RateLimitStore | undefined;
  // Called after a code was verified (the AI agent answers the question that
  // waited for it). Not awaited by the response; its errors are logged.
  onVerified?: ((event: OtpVerifiedEvent) => void | Promise<void>) | undefined;
}

export interface OtpVerifiedEvent extends MessengerContact {
  // The conversation the code was for (the verification counts there only), or null.
  conversationId: number | null;
}

export const DEFAULT_OTP_ROUTE_LIMITS = {
  request: { points: 10, durationSeconds: 60 },
  verify: { points: 20, durationSeconds: 60 },
} as const satisfies Record<string, RateLimit>;

const conversationId = z
  .union([z.string().regex(/^[1-9]\d{0,9}$/, 'conversation_id must be a conversation id').transform(Number), z.number().int('conversation_id must be a conversation id').positive('conversation_id must be a conversation id')])
  .pipe(z.number().max(2_147_483_647, 'conversation_id is not a valid id'))
  .optional();
const requestSchema = z.strictObject({ conversation_id: conversationId });
const verifySchema = z.strictObject({
  code: z.string({ error: 'code is the 6 digits from the email, as a string' }).max(20, 'code is the 6 digits from the email'),
  conversation_id: conversationId,
});

export function otpRoutes(deps: OtpRouteDeps): Router {
  const router = Router();
  const limiters = {
    request: createRateLimiter(deps.rateLimitStore, 'otp_request', deps.rateLimit?.request ?? DEFAULT_OTP_ROUTE_LIMITS.request),
    verify: createRateLimiter(deps.rateLimitStore, 'otp_verify', deps.rateLimit?.verify ?? DEFAULT_OTP_ROUTE_LIMITS.verify),
  };

  router.use((_req, res, next) => {
    res.locals.requestId ??= randomUUID();
    next();
  });
  router.use(express.json({ limit: '16kb', strict: false }));

  const caller = async (req: Request, res: Response, limiter: RateLimiterAbstract): Promise<MessengerContact> => {
    const wait = await takePoint(limiter, req.ip ?? 'unknown');
    if (wait !== null) throw new OtpError(429, 'otp_rate_limited', `Too many requests; try again in ${wait} seconds.`, { retryAfterSeconds: wait });
    const contact = await deps.resolveMessengerContact(req, res);
    if (!contact) throw messengerSessionInvalid(res);
    return contact;
  };

  router.post('/request', async (req, res) => {
    const contact = await caller(req, res, limiters.request);
    const body = parseOrThrow(requestSchema, req.body ?? {});
    res.status(201).json(await requestOtp(deps, { workspaceId: contact.workspaceId, contactId: contact.contactId, conversationId: body.conversation_id ?? null }));
  });

  router.post('/verify', async (req, res) => {
    const contact = await caller(req, res, limiters.verify);
    const body = parseOrThrow(verifySchema, req.body ?? {});
    const conversationId = body.conversation_id ?? null;
    res.json(await verifyOtp(deps, { workspaceId: contact.workspaceId, contactId: contact.contactId, conversationId, code: body.code }));
    const hook = deps.onVerified;
    if (hook) {
      void Promise.resolve()
        .then(() => hook({ workspaceId: contact.workspaceId, contactId: contact.contactId, session: contact.session, conversationId }))
        .catch((error: unknown) => deps.logger?.error({ err: error, contactId: contact.contactId, conversationId }, 'after-verification hook failed'));
    }
  });

  router.use(otpErrorHandler(deps));
  return router;
}

function otpErrorHandler(deps: Pick<OtpDeps, 'logger'>): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const requestId = res.locals.requestId as string;
    // The JSON body parser's own errors (malformed, too large, wrong charset).
    const parser = error as { type?: unknown; status?: unknown };
    if (typeof parser.type === 'string' && typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
      const message = parser.type === 'entity.parse.failed' ? 'The request body is not valid JSON' : parser.type === 'entity.too.large' ? 'The request body is too large' : 'The request body cannot be read';
      res.status(parser.status).json({ type: 'error.list', request_id: requestId, errors: [{ code: 'client_error', message }] });
      return;
    }
    if (!(error instanceof AppError)) {
      deps.logger?.error({ err: error, requestId }, 'one-time code request failed');
      res.status(500).json({ type: 'error.list', request_id: requestId, errors: [{ code: 'server_error', message: 'Something went wrong; try again.' }] });
      return;
    }
    const details = error instanceof OtpError ? error.details : {};
    if (details.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(details.retryAfterSeconds));
    res.status(error.status).json({
      type: 'error.list',
      request_id: requestId,
      errors: error.errors.map((e) => ({ code: e.code, message: e.message, ...(e.field && { field: e.field }) })),
      ...(details.attemptsLeft !== undefined && { attempts_left: details.attemptsLeft }),
      ...(details.expiresAt && { expires_at: details.expiresAt.toISOString() }),
      ...(details.retryAfterSeconds !== undefined && { retry_after_seconds: details.retryAfterSeconds }),
      ...(details.verifiedUntil && { verified_until: details.verifiedUntil.toISOString() }),
    });
  };
}
