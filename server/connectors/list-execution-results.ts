import { afterCursor, decodeCursor, pageOf } from '../http/cursor.ts';
import { notFound } from '../http/app-error.ts';
import type { Actor, ConnectorDeps } from './connector-deps.ts';
import { executionResultView, type ExecutionErrorType } from './execution-result-view.ts';
import { loadConnector, parseId } from './load-connector.ts';
import type { SourceType } from './pipeline/run-connector.ts';

export interface ExecutionResultsQuery {
  perPage: number;
  startingAfter?: string | undefined;
  success?: boolean | undefined;
  errorType?: ExecutionErrorType | undefined;
  sourceType?: SourceType | undefined;
  conversationId?: number | undefined;
  start?: Date | undefined;
  end?: Date | undefined;
  includeBodies: boolean;
  includeRequestUrl: boolean;
}

const HOUR_MS = 60 * 60 * 1000;

// Newest first; the last hour unless a time range is given (as the reference).
export async function listExecutionResults({ db }: Pick<ConnectorDeps, 'db'>, actor: Actor, connectorId: string, query: ExecutionResultsQuery, now = new Date()) {
  const { connector } = await loadConnector(db, actor.workspaceId, connectorId);
  const cursor = query.startingAfter ? decodeCursor(query.startingAfter) : null;
  const end = query.end ?? now;
  const start = query.start ?? new Date(end.getTime() - HOUR_MS);
  const rows = await db.executionResult.findMany({
    where: {
      dataConnectorId: connector.id,
      createdAt: { gte: start, lte: end },
      ...(query.success !== undefined && { success: query.success }),
      ...(query.errorType && { errorType: query.errorType }),
      ...(query.sourceType && { sourceType: query.sourceType }),
      ...(query.conversationId !== undefined && { conversationId: query.conversationId }),
      ...afterCursor('createdAt', cursor),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.perPage + 1,
  });
  const { data, pages } = pageOf(rows, query.perPage, (row) => row.createdAt);
  return { type: 'list' as const, data: data.map((r) => executionResultView(r, query)), pages };
}

export async function getExecutionResult({ db }: Pick<ConnectorDeps, 'db'>, actor: Actor, connectorId: string, resultId: string) {
  const { connector } = await loadConnector(db, actor.workspaceId, connectorId);
  const id = parseId(resultId);
  const result = id === null ? null : await db.executionResult.findFirst({ where: { id, dataConnectorId: connector.id } });
  if (!result) throw notFound('execution_result_not_found', 'Execution result not found');
  return executionResultView(result, { includeBodies: true, includeRequestUrl: true });
}
