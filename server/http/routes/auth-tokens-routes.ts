import { Router } from 'express';
import { createAuthTokenSchema } from '../../connectors/auth-tokens/auth-token-input.ts';
import { createAuthToken, deleteAuthToken, listAuthTokens } from '../../connectors/auth-tokens/manage-auth-tokens.ts';
import { requireRole } from '../../identity/require-role.ts';
import { principalOf } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { parseOrThrow } from '../validation.ts';

// Patchbay extension: the auth tokens connectors attach through token_ids.
export function authTokensRoutes(deps: AppDeps): Router {
  const router = Router();
  // Credentials of outside systems: admins only, reading included.
  router.use(requireRole('admin'));
  router.get('/', async (_req, res) => {
    res.json(await listAuthTokens(deps, principalOf(res)));
  });
  router.post('/', async (req, res) => {
    res.status(201).json(await createAuthToken(deps, principalOf(res), parseOrThrow(createAuthTokenSchema, req.body ?? {})));
  });
  router.delete('/:id', async (req, res) => {
    res.json(await deleteAuthToken(deps, principalOf(res), req.params.id));
  });
  return router;
}
