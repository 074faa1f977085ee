// A teammate runs a live connector on a conversation (Cmd+K, the message
// menu, a macro step). The pipeline does the work and logs the run with
// source_type inbox; a successful run leaves an internal connector_result
// part in the thread, authored by the teammate. A failed run leaves nothing
// in the thread: the response says why, and the run is in the log.
import type { Prisma } from '../db/generated/sqlite/client.ts';
import { connectorNotFound } from '../connectors/load-connector.ts';
import type { InputError } from '../connectors/pipeline/coerce-inputs.ts';
import type { PipelineDeps } from '../connectors/pipeline/pipeline-deps.ts';
import { runConnector, type RunOutcome } from '../connectors/pipeline/run-connector.ts';
import { RunContextError } from '../connectors/pipeline/run-context.ts';
import type { ExecutionErrorType } from '../connectors/execution-result-view.ts';
import { AppError } from '../http/app-error.ts';
import type { Principal } from '../identity/principal.ts';
import type { ConnectorResultMetadata, PartJson } from './conversation-json.ts';
import { loadPartOf } from './conversation-connectors.ts';
import { nowOf } from './inbox-deps.ts';
import { publishConversationUpdated, publishPartCreated } from './inbox-events.ts';
import { loadPartJson, loadSummary, requireConversation } from './load-conversation.ts';

export interface RunConnectorOnConversationInput {
  connectorId: number;
  inputs: Record<string, unknown>;
  conversationPartId?: number | null | undefined;
  // What started the run besides the teammate, e.g. the macro's id.
  sourceId?: string | null | undefined;
}

export interface ConnectorRunJson {
  type: 'conversation.connector_run';
  success: boolean;
  error_type: ExecutionErrorType | null;
  error_message: string | null;
  input_errors: InputError[];
  execution_result_id: string | null;
  http_status: number | null;
  part: PartJson | null;
}

// Results bigger than this stay in the run's log only; the thread keeps the summary.
const MAX_KEPT_DATA_CHARS = 64 * 1024;

function describeRun(name: string, outcome: RunOutcome, dataKept: boolean): string {
  const changes = [...Object.entries(outcome.attributeChanges.contact), ...Object.entries(outcome.attributeChanges.conversation)];
  const shown = changes.slice(0, 5).map(([attribute, value]) => `${attribute} → ${value === null ? 'empty' : String(value)}`);
  if (changes.length > shown.length) shown.push(`${changes.length - shown.length} more`);
  const what = shown.length > 0 ? `: updated ${shown.join(', ')}` : outcome.httpStatus !== null ? ` (HTTP ${outcome.httpStatus})` : '';
  const body = `Ran "${name}"${what}`;
  const full = dataKept ? body : `${body} (the result is too large to keep here; see the connector's log)`;
  return full.length <= 1000 ? full : `${full.slice(0, 999)}…`;
}

export async function runConnectorOnConversation(deps: PipelineDeps, principal: Principal, conversationId: number, input: RunConnectorOnConversationInput): Promise<ConnectorRunJson> {
  const { db } = deps;
  const { workspaceId } = principal;
  await requireConversation(db, workspaceId, conversationId);
  const connector = await db.dataConnector.findFirst({ where: { id: input.connectorId, workspaceId }, include: { versions: { where: { kind: 'live' }, select: { name: true } } } });
  if (!connector) throw connectorNotFound();
  const live = connector.versions[0];
  if (connector.state !== 'live' || !live) throw new AppError(409, { code: 'data_connector_not_live', message: 'Data connector is not live; set it live before running it' });
  await loadPartOf(db, conversationId, input.conversationPartId);

  let outcome: RunOutcome;
  try {
    outcome = await runConnector(deps, {
      workspaceId,
      connectorId: connector.id,
      version: 'live',
      source: { type: 'inbox', id: input.sourceId ?? null },
      inputs: input.inputs,
      conversationId,
      conversationPartId: input.conversationPartId ?? null,
    });
  } catch (error) {
    // Deleted or unpublished between the checks above and the run.
    if (error instanceof RunContextError) throw new AppError(404, { code: 'not_found', message: error.message });
    throw error;
  }
  const result = {
    type: 'conversation.connector_run' as const,
    success: outcome.success,
    error_type: outcome.errorType,
    error_message: outcome.errorMessage,
    input_errors: outcome.inputErrors,
    execution_result_id: outcome.executionResultId,
    http_status: outcome.httpStatus,
  };
  if (!outcome.success) return { ...result, part: null };

  const now = nowOf(deps);
  const data = outcome.data ?? null;
  const dataKept = JSON.stringify(data).length <= MAX_KEPT_DATA_CHARS;
  const metadata: ConnectorResultMetadata = { dataConnectorId: connector.id, dataConnectorName: live.name, executionResultId: Number(outcome.executionResultId), data: dataKept ? data : null };
  const { part, summary } = await db.$transaction(async (tx) => {
    const created = await tx.conversationPart.create({
      data: { conversationId, authorType: 'admin', authorAdminId: principal.adminId, partType: 'connector_result', body: describeRun(live.name, outcome, dataKept), metadata: metadata as unknown as Prisma.InputJsonObject, createdAt: now },
    });
    // Bumps updatedAt only: an internal result is not activity with the customer.
    await tx.conversation.update({ where: { id: conversationId }, data: { updatedAt: now } });
    return { part: await loadPartJson(tx, workspaceId, created.id), summary: await loadSummary(tx, workspaceId, conversationId, now) };
  });
  publishPartCreated(deps.bus, workspaceId, conversationId, part);
  publishConversationUpdated(deps.bus, workspaceId, summary);
  return { ...result, part };
}
