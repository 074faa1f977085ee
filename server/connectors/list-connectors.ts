import { afterCursor, decodeCursor, pageOf } from '../http/cursor.ts';
import type { Actor, ConnectorDeps } from './connector-deps.ts';
import { connectorSummary } from './connector-version.ts';

export interface ListConnectorsQuery {
  perPage: number;
  startingAfter?: string | undefined;
}

// Most recently updated first, as the reference specifies.
export async function listConnectors({ db }: Pick<ConnectorDeps, 'db'>, actor: Actor, query: ListConnectorsQuery) {
  const cursor = query.startingAfter ? decodeCursor(query.startingAfter) : null;
  const rows = await db.dataConnector.findMany({
    where: { workspaceId: actor.workspaceId, ...afterCursor('updatedAt', cursor) },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: query.perPage + 1,
    include: { versions: true },
  });
  const { data, pages } = pageOf(rows, query.perPage, (row) => row.updatedAt);
  return {
    type: 'list' as const,
    data: data.map(({ versions, ...connector }) => {
      const version = versions.find((v) => v.kind === 'live') ?? versions.find((v) => v.kind === 'draft')!;
      return connectorSummary(connector, version);
    }),
    pages,
  };
}
