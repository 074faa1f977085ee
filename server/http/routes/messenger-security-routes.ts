import { Router } from 'express';
import {
  finishMessengerSecretRotation,
  getMessengerSecurity,
  rotateMessengerSecret,
  updateMessengerSecurity,
  updateMessengerSecuritySchema,
} from '../../messenger/messenger-security-settings.ts';
import { principalOf } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { parseOrThrow } from '../validation.ts';

// Patchbay extension: the workspace's messenger identity verification settings.
// Admins only: every route here changes who the messenger believes a customer is.
export function messengerSecurityRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json(await getMessengerSecurity(deps, principalOf(res)));
  });
  router.patch('/', async (req, res) => {
    res.json(await updateMessengerSecurity(deps, principalOf(res), parseOrThrow(updateMessengerSecuritySchema, req.body ?? {})));
  });
  router.post('/rotate_secret', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await rotateMessengerSecret(deps, principalOf(res)));
  });
  router.post('/finish_rotation', async (_req, res) => {
    res.json(await finishMessengerSecretRotation(deps, principalOf(res)));
  });
  return router;
}
