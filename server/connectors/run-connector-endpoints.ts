// POST /data_connectors/{id}/test and /execute: both go through runConnector,
// the test on the draft (the admin's test button), execute on the live version.
import { z } from 'zod';
import { deriveResponseFields } from './derive-response-fields.ts';
import { Prisma } from '../db/generated/sqlite/client.ts';
import { AppError } from '../http/app-error.ts';
import type { Actor } from './connector-deps.ts';
import { connectorNotFound, parseId } from './load-connector.ts';
import type { PipelineDeps } from './pipeline/pipeline-deps.ts';
import { runConnector, SOURCE_TYPES, type RunOutcome } from './pipeline/run-connector.ts';
import { RunContextError } from './pipeline/run-context.ts';

// Ids as strings or numbers, checked like path ids (parseId).
const id = (field: string) =>
  z.union([z.string(), z.number()], { error: `${field} must be a numeric id` }).transform((value, ctx) => {
    const parsed = parseId(String(value));
    if (parsed === null) ctx.addIssue({ code: 'custom', message: `${field} must be a positive numeric id` });
    return parsed ?? z.NEVER;
  });

const inputs = z.record(z.string(), z.unknown(), { error: 'inputs must be an object of data input values' }).default({});

export const testConnectorSchema = z.strictObject({
  inputs,
  mode: z.enum(['live', 'example'], { error: 'mode must be one of: live, example' }).default('live'),
  conversation_id: id('conversation_id').optional(),
  contact_id: id('contact_id').optional(),
  conversation_part_id: id('conversation_part_id').optional(),
});

export const executeConnectorSchema = z.strictObject({
  inputs,
  conversation_id: id('conversation_id').optional(),
  contact_id: id('contact_id').optional(),
  conversation_part_id: id('conversation_part_id').optional(),
  source_type: z.enum(SOURCE_TYPES, { error: `source_type must be one of: ${SOURCE_TYPES.join(', ')}` }).optional(),
  source_id: z.string().min(1).max(100).optional(),
});

// Only what the endpoint decides on; runConnector loads the version it runs.
async function findConnector(deps: PipelineDeps, actor: Actor, connectorId: string) {
  const id = parseId(connectorId);
  const connector = id === null ? null : await deps.db.dataConnector.findFirst({ where: { id, workspaceId: actor.workspaceId }, select: { id: true, state: true } });
  if (!connector) throw connectorNotFound();
  return connector;
}

async function run(deps: PipelineDeps, request: Parameters<typeof runConnector>[1]): Promise<RunOutcome> {
  try {
    return await runConnector(deps, request);
  } catch (error) {
    if (error instanceof RunContextError) throw new AppError(404, { code: 'not_found', message: error.message });
    throw error;
  }
}

const outcomeFields = (outcome: RunOutcome) => ({
  success: outcome.success,
  execution_result_id: outcome.executionResultId,
  http_status: outcome.httpStatus,
  error_type: outcome.errorType,
  error_message: outcome.errorMessage,
  input_errors: outcome.inputErrors,
  execution_time_ms: outcome.durationMs,
});

export async function testConnector(deps: PipelineDeps, actor: Actor, connectorId: string, input: z.output<typeof testConnectorSchema>) {
  const connector = await findConnector(deps, actor, connectorId);
  const outcome = await run(deps, {
    workspaceId: actor.workspaceId,
    connectorId: connector.id,
    version: 'draft',
    source: { type: null, id: null },
    inputs: input.inputs,
    conversationId: input.conversation_id ?? null,
    contactId: input.contact_id ?? null,
    conversationPartId: input.conversation_part_id ?? null,
    useExampleResponse: input.mode === 'example',
    // A test shows what the mappings would write; it never changes customer data.
    writeAttributes: false,
  });
  if (input.mode === 'live' && outcome.success && outcome.calledApi && outcome.rawData !== null && typeof outcome.rawData === 'object') {
    await keepTestResponse(deps, connector.id, outcome.rawData);
  }
  return {
    type: 'data_connector.test_result' as const,
    mode: input.mode,
    called_api: outcome.calledApi,
    notice: outcome.calledApi
      ? 'This test sent a real request to the API: anything it changes there is changed.'
      : input.mode === 'example' ? 'This test used the example response; no request was sent.' : 'No request was sent.',
    ...outcomeFields(outcome),
    request_url: outcome.requestUrl,
    raw_response: outcome.rawData ?? null,
    shaped_response: outcome.data ?? null,
    attribute_changes: outcome.attributeChanges,
    response_fields: outcome.rawData === null || outcome.rawData === undefined ? [] : deriveResponseFields(outcome.rawData),
    debug_output: outcome.debugOutput,
    warnings: outcome.warnings,
  };
}

// The draft keeps the last successful live response for code tests and
// suggestions. It is not configuration: never published, not an unpublished
// change. The fields derived from it are returned; the admin saves them.
async function keepTestResponse(deps: PipelineDeps, connectorId: number, response: object) {
  await deps.db.dataConnectorVersion.update({
    where: { dataConnectorId_kind: { dataConnectorId: connectorId, kind: 'draft' } },
    data: { testResponse: response as Prisma.InputJsonValue },
  });
}

export async function executeConnector(deps: PipelineDeps, actor: Actor, connectorId: string, input: z.output<typeof executeConnectorSchema>) {
  const connector = await findConnector(deps, actor, connectorId);
  // Publishing creates the live version, so a live connector always has one.
  if (connector.state !== 'live') throw new AppError(409, { code: 'data_connector_not_live', message: 'Data connector is not live; set it live before executing it' });
  const outcome = await run(deps, {
    workspaceId: actor.workspaceId,
    connectorId: connector.id,
    version: 'live',
    source: { type: input.source_type ?? null, id: input.source_id ?? null },
    inputs: input.inputs,
    conversationId: input.conversation_id ?? null,
    contactId: input.contact_id ?? null,
    conversationPartId: input.conversation_part_id ?? null,
  });
  return {
    type: 'data_connector.execution_outcome' as const,
    ...outcomeFields(outcome),
    data: outcome.data ?? null,
    attribute_changes: { contact: outcome.attributeChanges.contact, conversation: outcome.attributeChanges.conversation },
  };
}
