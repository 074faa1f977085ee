// An execution result for a tool call the agent refused before the pipeline
// could run anything (a connector outside the customer's audience, required
// inputs the model left out, arguments that are not JSON): the run log shows
// every refusal, and nothing is ever sent to the connector's API.
import type { Contact, DataConnectorVersion } from '../../db/generated/sqlite/client.ts';
import { checkConnectorGate, type GateRefusal } from '../../connectors/pipeline/connector-gate.ts';
import { nowOf } from '../../inbox/inbox-deps.ts';
import type { ExecutionErrorType } from '../../connectors/execution-result-view.ts';
import type { PipelineDeps } from '../../connectors/pipeline/pipeline-deps.ts';
import { writeExecutionResult } from '../../connectors/pipeline/write-execution-result.ts';

export interface RefusedCall {
  workspaceId: number;
  version: Pick<DataConnectorVersion, 'dataConnectorId' | 'httpMethod'>;
  conversationId: number;
  contactId: number | null;
  errorType: ExecutionErrorType;
  errorMessage: string;
}

export async function logRefusedCall(deps: Pick<PipelineDeps, 'db' | 'bus'>, call: RefusedCall): Promise<string> {
  const written = await writeExecutionResult(
    deps.db,
    {
      workspaceId: call.workspaceId,
      dataConnectorId: call.version.dataConnectorId,
      version: 'live',
      success: false,
      httpStatus: null,
      httpMethod: call.version.httpMethod,
      errorType: call.errorType,
      errorMessage: call.errorMessage,
      executionTimeMs: 0,
      sourceType: 'fin',
      sourceId: null,
      conversationId: call.conversationId,
      contactId: call.contactId,
      requestUrl: null,
      requestBody: null,
      responseBody: null,
      rawResponseBody: null,
      debugOutput: null,
    },
    undefined,
    { contact: null, conversation: null },
  );
  const id = String(written.executionResultId);
  deps.bus.publish({
    type: 'connector_run.logged',
    workspace_id: String(call.workspaceId),
    conversation_id: String(call.conversationId),
    data_connector_id: String(call.version.dataConnectorId),
    execution_result_id: id,
    success: false,
    source_type: 'fin',
  });
  return id;
}

/** The gate a connector run by the AI agent (`fin`) meets for this customer: its refusal, or null. */
export function checkAgentGate(
  deps: Pick<PipelineDeps, 'db' | 'now'>,
  request: { workspaceId: number; version: DataConnectorVersion; contact: Contact | null; conversationId: number; customer: { identityVerified: boolean } },
): Promise<GateRefusal | null> {
  return checkConnectorGate(deps.db, { ...request, sourceType: 'fin', now: nowOf(deps) });
}
