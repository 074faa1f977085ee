import type { Actor, ConnectorDeps } from './connector-deps.ts';
import type { CreateConnectorInput } from './connector-input.ts';
import { loadConnector, type LoadedConnector } from './load-connector.ts';
import { prepareDraft } from './save-draft.ts';

// New connectors start as a draft; they run for callers only once set live.
export async function createConnector({ db, secrets }: ConnectorDeps, actor: Actor, input: CreateConnectorInput): Promise<LoadedConnector> {
  return db.$transaction(async (tx) => {
    const data = await prepareDraft(tx, secrets, actor.workspaceId, input, undefined);
    const connector = await tx.dataConnector.create({
      data: {
        workspaceId: actor.workspaceId,
        createdByAdminId: actor.adminId,
        versions: { create: { ...data, name: input.name, kind: 'draft', updatedByAdminId: actor.adminId } },
      },
    });
    return loadConnector(tx, actor.workspaceId, String(connector.id));
  });
}
