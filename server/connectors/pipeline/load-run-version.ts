// The version a run executes. Live versions are kept in memory, per database
// client, so that a run reads one small row (id, updatedAt) instead of every
// column of the version with its JSON.
//
// Correct with several processes, because nothing cached is used unchecked:
// publishing rewrites the live row in place (update-connector.ts) and
// Prisma's @updatedAt stamps every write (raw SQL writing a version must set
// updatedAt itself), so the next run of any process sees
// a different updatedAt and reloads; a deleted connector has no row. (Only
// two publishes of one connector stamped in the same millisecond, by two
// admins at once, would look alike until its next publish.) Drafts and runs
// on the example response are not cached: they are the admin's test runs.
import type { Db } from '../../db/client.ts';
import type { DataConnectorVersion } from '../../db/generated/sqlite/client.ts';

type VersionDb = Pick<Db, 'dataConnectorVersion' | '$queryRaw'>;

export interface RunVersionRequest {
  workspaceId: number;
  connectorId: number;
  version: 'draft' | 'live';
  useExampleResponse?: boolean | undefined;
}

// Far more live connectors than a large install has; past it, the one run
// least recently is dropped.
const MAX_CACHED = 1000;

// Ids only mean something within one database, hence one cache per client.
const liveVersions = new WeakMap<VersionDb, Map<number, DataConnectorVersion>>();

// The version row, or null when the connector has none of that kind in this
// workspace. A live row is shared by the runs that follow: never modify it.
export async function loadRunVersion(db: VersionDb, request: RunVersionRequest): Promise<DataConnectorVersion | null> {
  if (request.version === 'draft' || request.useExampleResponse) {
    return db.dataConnectorVersion.findFirst({ where: { kind: request.version, dataConnector: { id: request.connectorId, workspaceId: request.workspaceId } } });
  }
  let cache = liveVersions.get(db);
  if (!cache) liveVersions.set(db, (cache = new Map()));

  // Raw SQL: Prisma's own work around a query costs more than this statement.
  const [current] = await db.$queryRaw<{ id: number; updatedAt: Date }[]>`
    SELECT v."id", v."updatedAt" FROM "DataConnectorVersion" v JOIN "DataConnector" c ON c."id" = v."dataConnectorId"
    WHERE v."dataConnectorId" = ${request.connectorId} AND v."kind" = 'live' AND c."workspaceId" = ${request.workspaceId}`;
  const cached = cache.get(request.connectorId);
  cache.delete(request.connectorId);
  if (!current) return null;
  if (cached && cached.id === current.id && cached.updatedAt.getTime() === current.updatedAt.getTime()) {
    cache.set(request.connectorId, cached);
    return cached;
  }
  // Possibly newer than `current` already; the next run's check compares with the row it holds.
  // Without the example and test responses (up to 1 MB each), which a run
  // that calls the API never reads: they would be most of the memory held.
  const row = await db.dataConnectorVersion.findUnique({ where: { id: current.id }, omit: { mockResponse: true, testResponse: true } });
  if (!row) return null;
  const loaded: DataConnectorVersion = { ...row, mockResponse: null, testResponse: null };
  cache.set(request.connectorId, loaded);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return loaded;
}
