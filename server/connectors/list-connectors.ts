import type { Db } from '../db/client.ts';
import { afterCursor, decodeCursor, pageOf } from '../http/cursor.ts';
import { isoSeconds } from '../http/iso-seconds.ts';
import type { Actor, ConnectorDeps } from './connector-deps.ts';
import { connectorSummary } from './connector-version.ts';
import { hasUnpublishedChanges } from './load-connector.ts';

export interface ListConnectorsQuery {
  perPage: number;
  startingAfter?: string | undefined;
}

// The error rate covers a fixed time window rather than the last N runs: one
// grouped count per page on the (dataConnectorId, createdAt) index, where "last
// 100 runs per connector" would need a window function or a query per connector.
export const RUN_STATS_WINDOW_HOURS = 24;

// Most recently updated first, as the reference specifies.
export async function listConnectors({ db }: Pick<ConnectorDeps, 'db'>, actor: Actor, query: ListConnectorsQuery, now = new Date()) {
  const cursor = query.startingAfter ? decodeCursor(query.startingAfter) : null;
  const rows = await db.dataConnector.findMany({
    where: { workspaceId: actor.workspaceId, ...afterCursor('updatedAt', cursor) },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: query.perPage + 1,
    include: { versions: true },
  });
  const { data, pages } = pageOf(rows, query.perPage, (row) => row.updatedAt);
  const stats = await liveRunStats(db, data.map((row) => row.id), now);
  return {
    type: 'list' as const,
    data: data.map(({ versions, ...connector }) => {
      const draft = versions.find((v) => v.kind === 'draft')!;
      const live = versions.find((v) => v.kind === 'live');
      const version = live ?? draft;
      const runs = stats.get(connector.id);
      return {
        ...connectorSummary(connector, version),
        // Patchbay extensions: what the connector list shows without a request per row.
        url: version.url,
        has_unpublished_changes: hasUnpublishedChanges({ draft, live }),
        last_run: runs?.last ?? null,
        run_stats: {
          window_hours: RUN_STATS_WINDOW_HOURS,
          total: runs?.total ?? 0,
          failures: runs?.failures ?? 0,
          error_rate: runs && runs.total > 0 ? runs.failures / runs.total : null,
        },
      };
    }),
    pages,
  };
}

interface RunStats {
  total: number;
  failures: number;
  last: { execution_result_id: string; success: boolean; error_type: string | null; created_at: string } | null;
}

// Live runs only: an admin's test runs of a draft say nothing about how the
// connector behaves for callers. Three queries per page, whatever its size.
async function liveRunStats(db: Pick<Db, 'executionResult'>, connectorIds: number[], now: Date): Promise<Map<number, RunStats>> {
  const stats = new Map<number, RunStats>();
  if (connectorIds.length === 0) return stats;
  const since = new Date(now.getTime() - RUN_STATS_WINDOW_HOURS * 60 * 60 * 1000);
  const entry = (id: number) => {
    let value = stats.get(id);
    if (!value) stats.set(id, (value = { total: 0, failures: 0, last: null }));
    return value;
  };
  const [counts, latest] = await Promise.all([
    db.executionResult.groupBy({
      by: ['dataConnectorId', 'success'],
      where: { dataConnectorId: { in: connectorIds }, version: 'live', createdAt: { gte: since } },
      _count: { _all: true },
    }),
    // Ids grow with time, so the highest id is the latest run (also outside the window).
    db.executionResult.groupBy({
      by: ['dataConnectorId'],
      where: { dataConnectorId: { in: connectorIds }, version: 'live' },
      _max: { id: true },
    }),
  ]);
  for (const row of counts) {
    const value = entry(row.dataConnectorId);
    value.total += row._count._all;
    if (!row.success) value.failures += row._count._all;
  }
  const lastIds = latest.map((row) => row._max.id).filter((id): id is number => id !== null);
  if (lastIds.length > 0) {
    const lastRuns = await db.executionResult.findMany({
      where: { id: { in: lastIds } },
      select: { id: true, dataConnectorId: true, success: true, errorType: true, createdAt: true },
    });
    for (const run of lastRuns) {
      entry(run.dataConnectorId).last = { execution_result_id: String(run.id), success: run.success, error_type: run.errorType, created_at: isoSeconds(run.createdAt) };
    }
  }
  return stats;
}
