import { Router } from 'express';
import { listAdmins } from '../../inbox/list-admins.ts';
import { principalOf } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';

// Patchbay extension: the workspace's teammates (the inbox's assign picker).
export function adminsRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json(await listAdmins(deps, principalOf(res)));
  });
  return router;
}
