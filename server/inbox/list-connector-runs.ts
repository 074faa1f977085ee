// What connectors did on a conversation, newest first: the sidebar's run log.
// Only runs of live versions: an admin's draft tests change nothing here.
import type { ExecutionErrorType } from '../connectors/execution-result-view.ts';
import { isoSeconds } from '../http/iso-seconds.ts';
import type { Principal } from '../identity/principal.ts';
import type { InboxDeps } from './inbox-deps.ts';
import { requireConversation } from './load-conversation.ts';

export const MAX_LISTED_RUNS = 50;

export interface ConnectorRunSummaryJson {
  type: 'data_connector.execution_result_summary';
  id: string;
  data_connector_id: string;
  data_connector_name: string;
  success: boolean;
  error_type: ExecutionErrorType | null;
  error_message: string | null;
  http_status: number | null;
  source_type: string | null;
  source_id: string | null;
  execution_time_ms: number | null;
  created_at: string;
}

export async function listConversationConnectorRuns(deps: Pick<InboxDeps, 'db'>, principal: Principal, conversationId: number): Promise<{ type: 'list'; data: ConnectorRunSummaryJson[] }> {
  const { db } = deps;
  await requireConversation(db, principal.workspaceId, conversationId);
  const runs = await db.executionResult.findMany({
    where: { workspaceId: principal.workspaceId, conversationId, version: 'live' },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: MAX_LISTED_RUNS,
    include: { dataConnector: { select: { versions: { select: { kind: true, name: true } } } } },
  });
  return {
    type: 'list',
    data: runs.map((run) => {
      const versions = run.dataConnector.versions;
      const name = (versions.find((v) => v.kind === 'live') ?? versions.find((v) => v.kind === 'draft'))?.name ?? `Connector ${run.dataConnectorId}`;
      return {
        type: 'data_connector.execution_result_summary',
        id: String(run.id),
        data_connector_id: String(run.dataConnectorId),
        data_connector_name: name,
        success: run.success,
        error_type: run.errorType as ExecutionErrorType | null,
        error_message: run.errorMessage,
        http_status: run.httpStatus,
        source_type: run.sourceType,
        source_id: run.sourceId,
        execution_time_ms: run.executionTimeMs,
        created_at: isoSeconds(run.createdAt),
      };
    }),
  };
}
