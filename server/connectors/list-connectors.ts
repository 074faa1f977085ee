import { afterCursor, decodeCursor, pagesObject } from '../http/cursor.ts';
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
  const page = rows.slice(0, query.perPage);
  const last = rows.length > query.perPage ? page[page.length - 1] : undefined;
  return {
    type: 'list' as const,
    data: page.map(({ versions, ...connector }) => {
      const version = versions.find((v) => v.kind === 'live') ?? versions.find((v) => v.kind === 'draft')!;
      return connectorSummary(connector, version);
    }),
    pages: pagesObject(query.perPage, last ? { at: last.updatedAt, id: last.id } : null),
  };
}
