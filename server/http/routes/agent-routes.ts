import { Router } from 'express';
import { agentPreviewSchema, previewAgentTurn } from '../../agent/agent-preview.ts';
import { previewWithModel } from '../../agent/llm/preview-with-model.ts';
import { requireRole } from '../../identity/require-role.ts';
import { principalOf } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { parseOrThrow } from '../validation.ts';

// Patchbay extension: the AI agent's decision trace for a sample message
// (connector builder "Preview"). Admins only: a live run sends a real request.
// With a language model configured, the trace is that model's (its tool calls).
export function agentRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post('/preview', requireRole('admin'), async (req, res) => {
    const input = parseOrThrow(agentPreviewSchema, req.body ?? {});
    const { chatModel } = deps;
    res.json(chatModel ? await previewWithModel({ ...deps, chatModel }, principalOf(res), input) : await previewAgentTurn(deps, principalOf(res), input));
  });
  return router;
}
