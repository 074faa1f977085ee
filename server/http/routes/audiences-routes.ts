import { Router } from 'express';
import { createAudienceSchema, updateAudienceSchema } from '../../connectors/audiences/audience-input.ts';
import { createAudience, deleteAudience, getAudience, listAudiences, updateAudience } from '../../connectors/audiences/manage-audiences.ts';
import { requireRole } from '../../identity/require-role.ts';
import { principalOf } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { parseOrThrow } from '../validation.ts';

// Patchbay extension: reusable audiences connectors target (audience_ids).
// Everyone reads them; only admins write them.
export function audiencesRoutes(deps: AppDeps): Router {
  const router = Router();
  const adminOnly = requireRole('admin');
  router.get('/', async (_req, res) => {
    res.json(await listAudiences(deps, principalOf(res)));
  });
  router.post('/', adminOnly, async (req, res) => {
    res.status(201).json(await createAudience(deps, principalOf(res), parseOrThrow(createAudienceSchema, req.body ?? {})));
  });
  router.get('/:id', async (req, res) => {
    res.json(await getAudience(deps, principalOf(res), req.params.id));
  });
  router.patch('/:id', adminOnly, async (req, res) => {
    res.json(await updateAudience(deps, principalOf(res), req.params.id, parseOrThrow(updateAudienceSchema, req.body ?? {})));
  });
  router.delete('/:id', adminOnly, async (req, res) => {
    res.json(await deleteAudience(deps, principalOf(res), req.params.id));
  });
  return router;
}
