import { Router } from 'express';
import { z } from 'zod';
import { audienceCheckQuery, checkContactAudience } from '../../connectors/audiences/check-contact-audience.ts';
import { createConnectorSchema, updateConnectorSchema } from '../../connectors/connector-input.ts';
import { connectorDetail } from '../../connectors/connector-version.ts';
import { createConnector } from '../../connectors/create-connector.ts';
import { deleteConnector } from '../../connectors/delete-connector.ts';
import { EXECUTION_ERROR_TYPES } from '../../connectors/execution-result-view.ts';
import { listConnectors } from '../../connectors/list-connectors.ts';
import { getExecutionResult, listExecutionResults } from '../../connectors/list-execution-results.ts';
import { defaultVersion, hasUnpublishedChanges, loadConnector, parseId, type LoadedConnector } from '../../connectors/load-connector.ts';
import { SOURCE_TYPES } from '../../connectors/pipeline/run-connector.ts';
import { executeConnector, executeConnectorSchema, testConnector, testConnectorSchema } from '../../connectors/run-connector-endpoints.ts';
import { runSecurityCheck } from '../../connectors/security-check.ts';
import { codeSuggestions, testCodeBlock, testCodeBlockSchema } from '../../connectors/test-code-block.ts';
import { updateConnector } from '../../connectors/update-connector.ts';
import { requireRole } from '../../identity/require-role.ts';
import { principalOf } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { perPageQuery } from '../cursor.ts';
import { parseOrThrow } from '../validation.ts';

const flag = (name: string) => z.enum(['true', 'false'], { error: `${name} must be true or false` }).transform((v) => v === 'true');
const unixTime = (name: string) =>
  z
    .string()
    .regex(/^\d{1,12}$/, `${name} must be a Unix timestamp (integer)`)
    .transform((v) => new Date(Number(v) * 1000));

const listQuery = z.object({ per_page: perPageQuery(50, 20), starting_after: z.string().max(500).optional() });
const getQuery = z.object({ state_version: z.enum(['draft', 'live'], { error: 'Invalid state_version. Must be one of: live, draft' }).default('live') });
const resultsQuery = z.object({
  per_page: perPageQuery(30, 10),
  starting_after: z.string().max(500).optional(),
  success: flag('success').optional(),
  error_type: z.enum(EXECUTION_ERROR_TYPES, { error: `Invalid error_type. Must be one of: ${EXECUTION_ERROR_TYPES.join(', ')}` }).optional(),
  start_ts: unixTime('start_ts').optional(),
  end_ts: unixTime('end_ts').optional(),
  // Patchbay extensions: the Logs view's source and conversation filters.
  source_type: z.enum(SOURCE_TYPES, { error: `Invalid source_type. Must be one of: ${SOURCE_TYPES.join(', ')}` }).optional(),
  conversation_id: z
    .string()
    .transform((v) => parseId(v))
    .refine((v) => v !== null, 'conversation_id must be a positive numeric id')
    .optional(),
  include_bodies: flag('include_bodies').default(false),
  include_request_url: flag('include_request_url').default(false),
});

const detailOf = (loaded: LoadedConnector, version = loaded.draft) => connectorDetail(loaded.connector, version, hasUnpublishedChanges(loaded), loaded.live !== undefined);

// Agents list, read and run connectors and read their logs; only admins
// create, edit, delete, publish (PATCH state) and test them.
export function dataConnectorsRoutes(deps: AppDeps): Router {
  const router = Router();
  const adminOnly = requireRole('admin');

  router.get('/', async (req, res) => {
    const q = parseOrThrow(listQuery, req.query, 400);
    res.json(await listConnectors(deps, principalOf(res), { perPage: q.per_page, startingAfter: q.starting_after }));
  });

  router.post('/', adminOnly, async (req, res) => {
    const input = parseOrThrow(createConnectorSchema, req.body ?? {});
    res.status(201).json(detailOf(await createConnector(deps, principalOf(res), input)));
  });

  router.get('/:id', async (req, res) => {
    const { state_version } = parseOrThrow(getQuery, req.query, 400);
    const loaded = await loadConnector(deps.db, principalOf(res).workspaceId, req.params.id);
    res.json(detailOf(loaded, state_version === 'draft' ? loaded.draft : defaultVersion(loaded)));
  });

  router.patch('/:id', adminOnly, async (req, res) => {
    const input = parseOrThrow(updateConnectorSchema, req.body ?? {});
    res.json(detailOf(await updateConnector(deps, principalOf(res), req.params.id, input)));
  });

  router.delete('/:id', adminOnly, async (req, res) => {
    res.json(await deleteConnector(deps, principalOf(res), req.params.id));
  });

  router.post('/:id/test', adminOnly, async (req, res) => {
    const input = parseOrThrow(testConnectorSchema, req.body ?? {});
    res.json(await testConnector(deps, principalOf(res), req.params.id, input));
  });

  router.post('/:id/code/test', adminOnly, async (req, res) => {
    const input = parseOrThrow(testCodeBlockSchema, req.body ?? {});
    res.json(await testCodeBlock(deps, principalOf(res), req.params.id, input));
  });

  router.get('/:id/code/suggestions', adminOnly, async (req, res) => {
    res.json(await codeSuggestions(deps, principalOf(res), req.params.id));
  });

  router.get('/:id/audience_check', adminOnly, async (req, res) => {
    const q = parseOrThrow(audienceCheckQuery, req.query, 400);
    res.json(await checkContactAudience(deps, principalOf(res), req.params.id, q));
  });

  router.post('/:id/security_check', adminOnly, async (req, res) => {
    res.json(await runSecurityCheck(deps, principalOf(res), req.params.id));
  });

  router.post('/:id/execute', async (req, res) => {
    const input = parseOrThrow(executeConnectorSchema, req.body ?? {});
    res.json(await executeConnector(deps, principalOf(res), req.params.id, input));
  });

  router.get('/:id/execution_results', async (req, res) => {
    const q = parseOrThrow(resultsQuery, req.query, 400);
    res.json(
      await listExecutionResults(deps, principalOf(res), req.params.id, {
        perPage: q.per_page,
        startingAfter: q.starting_after,
        success: q.success,
        errorType: q.error_type,
        sourceType: q.source_type,
        conversationId: q.conversation_id ?? undefined,
        start: q.start_ts,
        end: q.end_ts,
        includeBodies: q.include_bodies,
        includeRequestUrl: q.include_request_url,
      }),
    );
  });

  router.get('/:id/execution_results/:resultId', async (req, res) => {
    res.json(await getExecutionResult(deps, principalOf(res), req.params.id, req.params.resultId));
  });

  return router;
}
