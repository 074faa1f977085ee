import type { Db } from '../db/client.ts';
import type { DataConnector, DataConnectorVersion } from '../db/generated/sqlite/client.ts';
import { notFound } from '../http/app-error.ts';
import { versionConfig } from './connector-version.ts';

export interface LoadedConnector {
  connector: DataConnector;
  draft: DataConnectorVersion;
  live: DataConnectorVersion | undefined;
}

export const connectorNotFound = () => notFound('data_connector_not_found', 'Data connector not found');

// Ids are 32-bit integer columns (PostgreSQL's INTEGER), exchanged as strings.
export const MAX_ID = 2_147_483_647;

// Anything that is not a positive integer in range cannot exist.
export function parseId(id: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(id)) return null;
  const value = Number(id);
  return value <= MAX_ID ? value : null;
}

export async function loadConnector(db: Pick<Db, 'dataConnector'>, workspaceId: number, id: string): Promise<LoadedConnector> {
  const numericId = parseId(id);
  const connector = numericId === null ? null : await db.dataConnector.findFirst({ where: { id: numericId, workspaceId }, include: { versions: true } });
  const draft = connector?.versions.find((v) => v.kind === 'draft');
  if (!connector || !draft) throw connectorNotFound();
  const { versions, ...rest } = connector;
  return { connector: rest, draft, live: versions.find((v) => v.kind === 'live') };
}

export function hasUnpublishedChanges({ draft, live }: Pick<LoadedConnector, 'draft' | 'live'>): boolean {
  return !live || JSON.stringify(versionConfig(draft)) !== JSON.stringify(versionConfig(live));
}

// The version the API shows by default: the live one once published.
export function defaultVersion({ draft, live }: Pick<LoadedConnector, 'draft' | 'live'>): DataConnectorVersion {
  return live ?? draft;
}
