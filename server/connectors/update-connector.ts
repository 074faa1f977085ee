import { conflict, invalidParameter } from '../http/app-error.ts';
import type { Actor, ConnectorDeps } from './connector-deps.ts';
import type { UpdateConnectorInput } from './connector-input.ts';
import { versionConfig } from './connector-version.ts';
import { describeUsages, findConnectorUsages } from './find-connector-usages.ts';
import { loadConnector, type LoadedConnector } from './load-connector.ts';
import { prepareDraft } from './save-draft.ts';

// Edits always change the draft. `state: "live"` publishes the draft (after any
// edits in the same request) as the live version; `state: "draft"` takes the
// connector out of service unless macros or workflows still use it.
export async function updateConnector({ db, secrets }: ConnectorDeps, actor: Actor, id: string, input: UpdateConnectorInput): Promise<LoadedConnector> {
  return db.$transaction(async (tx) => {
    const { connector, draft } = await loadConnector(tx, actor.workspaceId, id);
    const { state, ...fields } = input;
    const now = new Date();

    let current = draft;
    if (Object.keys(fields).length > 0) {
      const data = await prepareDraft(tx, secrets, actor.workspaceId, fields, draft);
      current = await tx.dataConnectorVersion.update({ where: { id: draft.id }, data: { ...data, updatedByAdminId: actor.adminId } });
    }

    if (state === 'live') {
      if (current.executionType === 'server_side' && !current.url) throw invalidParameter('url', 'url is required before a connector can be set live');
      if (current.executionType === 'client_side' && !current.clientFunctionName) {
        throw invalidParameter('client_function_name', 'client_function_name is required before a client-side connector can be set live');
      }
      const config = { ...versionConfig(current), updatedByAdminId: actor.adminId };
      await tx.dataConnectorVersion.upsert({
        where: { dataConnectorId_kind: { dataConnectorId: connector.id, kind: 'live' } },
        create: { ...config, dataConnectorId: connector.id, kind: 'live' },
        update: config,
      } as Parameters<typeof tx.dataConnectorVersion.upsert>[0]);
    }
    if (state === 'draft' && connector.state === 'live') {
      const usages = await findConnectorUsages(tx, actor.workspaceId, connector.id);
      if (usages.length > 0) {
        throw conflict('data_connector_in_use', `Data connector is in use by other resources and cannot be set to draft (${describeUsages(usages)})`);
      }
    }
    await tx.dataConnector.update({
      where: { id: connector.id },
      data: { updatedAt: now, ...(state && { state }), ...(state === 'live' && { publishedAt: now }) },
    });
    return loadConnector(tx, actor.workspaceId, id);
  });
}
