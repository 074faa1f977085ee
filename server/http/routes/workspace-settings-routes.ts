import { Router } from 'express';
import { requireRole } from '../../identity/require-role.ts';
import { getWorkspaceSettings, updateWorkspaceSettings, updateWorkspaceSettingsSchema } from '../../workspace/workspace-settings.ts';
import { principalOf } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { parseOrThrow } from '../validation.ts';

// Patchbay extension: log retention and the one-time code email. Agents may
// read them (the inbox shows how long runs are kept); only admins change them.
export function workspaceSettingsRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json(await getWorkspaceSettings(deps, principalOf(res)));
  });
  router.patch('/', requireRole('admin'), async (req, res) => {
    res.json(await updateWorkspaceSettings(deps, principalOf(res), parseOrThrow(updateWorkspaceSettingsSchema, req.body ?? {})));
  });
  return router;
}
