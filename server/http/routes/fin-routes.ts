import { Router } from 'express';
import { replyToFin, startFinConversation } from '../../fin/fin-conversations.ts';
import { finReplySchema, finStartSchema, parseFinRequest } from '../../fin/fin-input.ts';
import { createFinTurnRunner, type FinTurnRunner } from '../../fin/fin-turns.ts';
import { getFinAgentSettings, rotateFinWebhookSecret, updateFinAgentSettings, updateFinAgentSettingsSchema } from '../../fin/fin-webhook-settings.ts';
import { principalOf } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { parseOrThrow } from '../validation.ts';

// The Fin Agent API of the reference (startFinConversation, replyToFin). The
// response says `thinking`; the agent runs after it is sent and its reply
// arrives through the workspace's webhook.
export function finRoutes(deps: AppDeps, runner: FinTurnRunner = createFinTurnRunner(deps)): Router {
  const router = Router();
  router.post('/start', async (req, res) => {
    const { response, job } = await startFinConversation(deps, principalOf(res), parseFinRequest(finStartSchema, req.body));
    res.json(response);
    if (job) runner.enqueue(job);
  });
  router.post('/reply', async (req, res) => {
    const { response, job } = await replyToFin(deps, principalOf(res), parseFinRequest(finReplySchema, req.body));
    res.json(response);
    if (job) runner.enqueue(job);
  });
  return router;
}

// Patchbay extension: where the Fin Agent API's webhooks go and their signing
// secret. Admins only (mounted behind requireRole('admin')).
export function finAgentSettingsRoutes(deps: AppDeps): Router {
  const router = Router();
  const settingsDeps = () => ({ db: deps.db, secrets: deps.secrets, logger: deps.logger, allowList: deps.http.agent.allowList });
  router.get('/', async (_req, res) => {
    res.json(await getFinAgentSettings(deps, principalOf(res)));
  });
  router.patch('/', async (req, res) => {
    const input = parseOrThrow(updateFinAgentSettingsSchema, req.body ?? {});
    res.setHeader('Cache-Control', 'no-store');
    res.json(await updateFinAgentSettings(settingsDeps(), principalOf(res), input));
  });
  router.post('/rotate_webhook_secret', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await rotateFinWebhookSecret(settingsDeps(), principalOf(res)));
  });
  return router;
}
