import { Router } from 'express';
import { createAttributeDefinitionSchema, listAttributeDefinitionsQuery, updateAttributeDefinitionSchema } from '../../attributes/attribute-definition-input.ts';
import {
  createAttributeDefinition,
  deleteAttributeDefinition,
  getAttributeDefinition,
  listAttributeDefinitions,
  updateAttributeDefinition,
} from '../../attributes/manage-attribute-definitions.ts';
import { requireRole } from '../../identity/require-role.ts';
import { principalOf } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { parseOrThrow } from '../validation.ts';

// Patchbay extension: the custom attributes contacts, conversations and
// companies may carry. Everyone reads them (the inbox shows them); only admins
// change them.
export function customAttributeDefinitionsRoutes(deps: AppDeps): Router {
  const router = Router();
  const adminOnly = requireRole('admin');
  router.get('/', async (req, res) => {
    const query = parseOrThrow(listAttributeDefinitionsQuery, req.query, 400);
    res.json(await listAttributeDefinitions(deps, principalOf(res), query.target));
  });
  router.post('/', adminOnly, async (req, res) => {
    res.status(201).json(await createAttributeDefinition(deps, principalOf(res), parseOrThrow(createAttributeDefinitionSchema, req.body ?? {})));
  });
  router.get('/:id', async (req, res) => {
    res.json(await getAttributeDefinition(deps, principalOf(res), req.params.id));
  });
  router.patch('/:id', adminOnly, async (req, res) => {
    res.json(await updateAttributeDefinition(deps, principalOf(res), req.params.id, parseOrThrow(updateAttributeDefinitionSchema, req.body ?? {})));
  });
  router.delete('/:id', adminOnly, async (req, res) => {
    res.json(await deleteAttributeDefinition(deps, principalOf(res), req.params.id));
  });
  return router;
}
