// POST /data_connectors/{id}/code/test: runs Python against a response without
// calling the API, for the Data tab's "Test code" button.
import { z } from 'zod';
import { AppError } from '../http/app-error.ts';
import type { Actor } from './connector-deps.ts';
import { suggestCode } from './code-suggestions.ts';
import { loadConnector } from './load-connector.ts';
import type { PipelineDeps } from './pipeline/pipeline-deps.ts';

export const testCodeBlockSchema = z.strictObject({
  // Default: the draft's code block.
  code: z.string().max(65_536, 'must be at most 65536 characters').optional(),
  // Default: the draft's example response.
  data: z.unknown().optional(),
});

export async function testCodeBlock(deps: PipelineDeps, actor: Actor, connectorId: string, input: z.output<typeof testCodeBlockSchema>) {
  const { draft } = await loadConnector(deps.db, actor.workspaceId, connectorId);
  const code = input.code ?? draft.codeBlock;
  if (!code || code.trim() === '') throw new AppError(422, { code: 'parameter_invalid', field: 'code', message: 'code: no code given and the draft has no code block' });
  const data = input.data !== undefined ? input.data : (draft.testResponse ?? draft.mockResponse);
  if (data === null || data === undefined) {
    throw new AppError(422, { code: 'parameter_invalid', field: 'data', message: 'data: no response to run against; pass data, or add an example response to the connector' });
  }
  if (!deps.runCodeBlock) throw new AppError(503, { code: 'sandbox_unavailable', message: 'Python code blocks are turned off on this server (PATCHBAY_SANDBOX_POOL_SIZE=0)' });
  const started = performance.now();
  const outcome = await deps.runCodeBlock(code, { data });
  return {
    type: 'data_connector.code_test_result' as const,
    success: outcome.ok,
    result: outcome.ok ? outcome.result : null,
    error: outcome.ok ? null : outcome.error,
    debug_output: outcome.debugOutput,
    duration_ms: Math.round(performance.now() - started),
  };
}

// GET /data_connectors/{id}/code/suggestions: based on the draft's example response.
export async function codeSuggestions(deps: Pick<PipelineDeps, 'db'>, actor: Actor, connectorId: string) {
  const { draft } = await loadConnector(deps.db, actor.workspaceId, connectorId);
  const basedOn = draft.testResponse != null ? 'test_response' : draft.mockResponse != null ? 'example_response' : null;
  const data = draft.testResponse ?? draft.mockResponse;
  return { type: 'list' as const, based_on: basedOn, data: basedOn === null ? [] : suggestCode(data) };
}
