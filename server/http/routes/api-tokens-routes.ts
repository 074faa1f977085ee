import { Router } from 'express';
import { createApiTokenSchema, issueApiToken, listApiTokens, revokeApiToken } from '../../identity/manage-api-tokens.ts';
import { requireRole } from '../../identity/require-role.ts';
import { principalOf } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { parseOrThrow } from '../validation.ts';

// Patchbay extension: the workspace's API tokens, managed by admins.
export function apiTokensRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use(requireRole('admin'));
  router.get('/', async (_req, res) => {
    res.json(await listApiTokens(deps.db, principalOf(res)));
  });
  router.post('/', async (req, res) => {
    res.status(201).json(await issueApiToken(deps.db, principalOf(res), parseOrThrow(createApiTokenSchema, req.body ?? {})));
  });
  router.delete('/:id', async (req, res) => {
    res.json(await revokeApiToken(deps.db, principalOf(res), req.params.id, deps.now?.() ?? new Date()));
  });
  return router;
}
