import { Router } from 'express';
import { agentPreviewSchema, previewAgentTurn } from '../../agent/agent-preview.ts';
import { requireRole } from '../../identity/require-role.ts';
import { principalOf } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { parseOrThrow } from '../validation.ts';

// Patchbay extension: the AI agent's decision trace for a sample message
// (connector builder "Preview"). Admins only: a live run sends a real request.
export function agentRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post('/preview', requireRole('admin'), async (req, res) => {
    const input = parseOrThrow(agentPreviewSchema, req.body ?? {});
    res.json(await previewAgentTurn(deps, principalOf(res), input));
  });
  return router;
}
