import { conflict } from '../http/app-error.ts';
import type { Actor, ConnectorDeps } from './connector-deps.ts';
import { describeUsages, findConnectorUsages } from './find-connector-usages.ts';
import { loadConnector } from './load-connector.ts';

// As the reference says: only a draft connector that nothing uses can be deleted.
export async function deleteConnector({ db }: Pick<ConnectorDeps, 'db'>, actor: Actor, id: string) {
  return db.$transaction(async (tx) => {
    const { connector } = await loadConnector(tx, actor.workspaceId, id);
    const usages = await findConnectorUsages(tx, actor.workspaceId, connector.id);
    if (usages.length > 0) {
      throw conflict('data_connector_in_use', `Data connector is in use by other resources and cannot be deleted (${describeUsages(usages)})`);
    }
    if (connector.state === 'live') throw conflict('conflict', 'Data connector must be in draft state to be deleted');
    await tx.dataConnector.delete({ where: { id: connector.id } });
    return { id: String(connector.id), object: 'data_connector' as const, deleted: true as const };
  });
}
