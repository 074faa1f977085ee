import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../../identity/require-role.ts';
import { applyMacro } from '../../macros/apply-macro.ts';
import { applyMacroSchema, createMacroSchema, updateMacroSchema } from '../../macros/macro-input.ts';
import { createMacro, deleteMacro, getMacro, listMacros, updateMacro } from '../../macros/manage-macros.ts';
import { principalOf } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { perPageQuery } from '../cursor.ts';
import { parseOrThrow } from '../validation.ts';

const listQuery = z.object({
  per_page: perPageQuery(150, 50),
  starting_after: z.string().max(500).optional(),
  updated_since: z
    .string()
    .regex(/^\d{1,12}$/, 'Invalid updated_since timestamp; use a Unix timestamp in seconds')
    .transform((v) => new Date(Number(v) * 1000))
    .optional(),
});

// Everyone reads the macros visible to them (listMacros / getMacro of the
// reference); only admins write them (Patchbay extensions).
export function macrosRoutes(deps: AppDeps): Router {
  const router = Router();
  const adminOnly = requireRole('admin');
  router.get('/', async (req, res) => {
    const q = parseOrThrow(listQuery, req.query, 400);
    res.json(await listMacros(deps, principalOf(res), { perPage: q.per_page, startingAfter: q.starting_after, updatedSince: q.updated_since }));
  });
  router.post('/', adminOnly, async (req, res) => {
    res.status(201).json(await createMacro(deps, principalOf(res), parseOrThrow(createMacroSchema, req.body ?? {})));
  });
  router.get('/:id', async (req, res) => {
    res.json(await getMacro(deps, principalOf(res), req.params.id));
  });
  router.patch('/:id', adminOnly, async (req, res) => {
    res.json(await updateMacro(deps, principalOf(res), req.params.id, parseOrThrow(updateMacroSchema, req.body ?? {})));
  });
  router.delete('/:id', adminOnly, async (req, res) => {
    res.json(await deleteMacro(deps, principalOf(res), req.params.id));
  });
  return router;
}

// POST /conversations/{id}/apply_macro, mounted on its own so the
// conversations router stays the inbox's. Agents apply macros too.
export function applyMacroRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post('/conversations/:id/apply_macro', async (req, res) => {
    const { macro_id } = parseOrThrow(applyMacroSchema, req.body ?? {});
    res.json(await applyMacro(deps, principalOf(res), req.params.id, macro_id));
  });
  return router;
}
