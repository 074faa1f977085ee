import express, { Router, type RequestHandler } from 'express';
import { bootMessenger, messengerContactView } from '../../messenger/messenger-boot.ts';
import { createMailer } from '../../email/mailer.ts';
import { otpRoutes } from '../../identity/otp/otp-routes.ts';
import { messengerSessionFromRequest, messengerSessionOf, requireMessengerSession } from '../../messenger/messenger-sessions.ts';
import {
  getMessengerConversation,
  listMessengerConversations,
  messengerCaller,
  postMessengerMessage,
  startMessengerConversation,
} from '../../messenger/messenger-conversations.ts';
import { parseId } from '../../connectors/load-connector.ts';
import { assignRequestId, bearerToken } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../app-error.ts';
import { apiErrorHandler } from '../error-handler.ts';

// The messenger runs on the host company's pages, so these endpoints answer any
// origin. That is safe because they use no cookies: a caller proves who it is
// with a signed identity token or a messenger session token, never ambiently.
const allowAnyOrigin: RequestHandler = (req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Vary', 'Origin');
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
    return;
  }
  next();
};

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

// Endpoints of the messenger widget, outside /api (mounted at /messenger).
// Only the paths below are claimed; anything else under /messenger falls
// through, so a client page there is not shadowed.
export function messengerRoutes(deps: AppDeps): Router {
  const router = Router();
  // Identity tokens are capped at 8 KiB by the verifier, which must see (and
  // count) bigger ones; the body limit only keeps abuse bounded.
  const common = [assignRequestId, allowAnyOrigin, noStore, express.json({ limit: '64kb' })];

  router.post('/boot', ...common, async (req, res) => {
    res.json(await bootMessenger(deps, req.body));
  });
  router.options('/boot', allowAnyOrigin);

  // The session a messenger token stands for; the messenger calls it to check
  // its token is still good before using it.
  router.get('/session', ...common, requireMessengerSession(deps), async (_req, res) => {
    const session = messengerSessionOf(res);
    const contact = await deps.db.contact.findUnique({ where: { id: session.contactId } });
    if (!contact) throw new AppError(401, { code: 'messenger_session_invalid', message: 'The contact of this session no longer exists' });
    res.json({
      type: 'messenger_session',
      workspace_id: String(session.workspaceId),
      identity_verified: session.identityVerified,
      expires_at: session.expiresAt.toISOString(),
      contact: messengerContactView(contact, session.identityVerified),
    });
  });
  router.options('/session', allowAnyOrigin);

  // The customer's conversations (customer-visible parts only).
  const caller = (req: express.Request, res: express.Response) => messengerCaller(messengerSessionOf(res), bearerToken(req) ?? '');
  const session = requireMessengerSession(deps);
  router.get('/conversations', ...common, session, async (req, res) => {
    res.json(await listMessengerConversations(deps, caller(req, res)));
  });
  router.post('/conversations', ...common, session, async (req, res) => {
    res.status(201).json(await startMessengerConversation(deps, caller(req, res), req.body));
  });
  router.options('/conversations', allowAnyOrigin);
  router.get('/conversations/:id', ...common, session, async (req, res) => {
    res.json(await getMessengerConversation(deps, caller(req, res), parseId(String(req.params.id))));
  });
  router.options('/conversations/:id', allowAnyOrigin);
  router.post('/conversations/:id/messages', ...common, session, async (req, res) => {
    res.status(201).json(await postMessengerMessage(deps, caller(req, res), parseId(String(req.params.id)), req.body));
  });
  router.options('/conversations/:id/messages', allowAnyOrigin);

  // Email one-time codes: the step-up for connectors that need customer authentication.
  router.use(
    '/otp',
    allowAnyOrigin,
    noStore,
    otpRoutes({
      db: deps.db,
      secrets: deps.secrets,
      mailer: deps.mailer ?? createMailer({ db: deps.db }),
      now: deps.now,
      logger: deps.logger,
      revealCode: deps.revealOtpCode,
      onVerified: deps.onOtpVerified,
      resolveMessengerContact: async (req) => {
        const session = await messengerSessionFromRequest(deps, req);
        return session && { workspaceId: session.workspaceId, contactId: session.contactId, session: { id: session.sessionId } };
      },
    }),
  );

  router.use(apiErrorHandler(deps.logger));
  return router;
}
