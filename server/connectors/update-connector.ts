import { Prisma } from '../db/client.ts';
import { conflict, invalidParameter } from '../http/app-error.ts';
import type { Actor, ConnectorDeps } from './connector-deps.ts';
import type { UpdateConnectorInput } from './connector-input.ts';
import { versionConfig } from './connector-version.ts';
import { describeUsages, findConnectorUsages } from './find-connector-usages.ts';
import { loadConnector, type LoadedConnector } from './load-connector.ts';
import { prepareDraft } from './save-draft.ts';
import {
  acknowledgementRecord,
  acknowledgementRequired,
  findingsFor,
  readAcknowledgement,
  resolveTarget,
  unacknowledgedHighFindings,
  type SecurityCheckDeps,
} from './security-check.ts';

// Edits always change the draft. `state: "live"` publishes the draft (after any
// edits in the same request) as the live version; `state: "draft"` takes the
// connector out of service unless macros or workflows still use it. Setting
// live runs the security check on the draft: high-severity findings that were
// not acknowledged before need `security_acknowledgement: true`, which is
// recorded (who, when, which findings). `revert_draft: true` discards the
// draft's edits by copying the live version over it.
export async function updateConnector(
  deps: ConnectorDeps & Partial<Pick<SecurityCheckDeps, 'hostLookup' | 'http' | 'now'>>,
  actor: Actor & { tokenId?: number | null },
  id: string,
  input: UpdateConnectorInput,
): Promise<LoadedConnector> {
  const { db, secrets } = deps;
  const { state, security_acknowledgement: acknowledged, revert_draft: revert, ...fields } = input;
  if (acknowledged !== undefined && state !== 'live') {
    throw invalidParameter('security_acknowledgement', 'security_acknowledgement only applies when setting the connector live (state: "live")');
  }
  if (revert && (state !== undefined || Object.keys(fields).length > 0)) {
    throw invalidParameter('revert_draft', 'revert_draft cannot be combined with other fields or a state change: it replaces the whole draft with the live version');
  }
  // DNS is resolved before the transaction, for the URL the draft will have.
  const target = state === 'live' ? await resolveTarget(fields.url !== undefined ? fields.url : (await loadConnector(db, actor.workspaceId, id)).draft.url, deps.hostLookup) : null;
  return db.$transaction(async (tx) => {
    const { connector, draft, live } = await loadConnector(tx, actor.workspaceId, id);
    const now = deps.now?.() ?? new Date();
    let securityAcknowledgement: Prisma.InputJsonValue | typeof Prisma.DbNull | undefined;

    let current = draft;
    if (revert) {
      if (!live) throw invalidParameter('revert_draft', 'revert_draft needs a live version to return to: this connector was never set live');
      current = await tx.dataConnectorVersion.update({
        where: { id: draft.id },
        data: { ...versionConfig(live), updatedByAdminId: actor.adminId } as Parameters<typeof tx.dataConnectorVersion.update>[0]['data'],
      });
    }
    if (Object.keys(fields).length > 0) {
      const data = await prepareDraft(tx, secrets, actor.workspaceId, fields, draft);
      current = await tx.dataConnectorVersion.update({ where: { id: draft.id }, data: { ...data, updatedByAdminId: actor.adminId } });
    }

    if (state === 'live') {
      if (current.executionType === 'server_side' && !current.url) throw invalidParameter('url', 'url is required before a connector can be set live');
      if (current.executionType === 'client_side' && !current.clientFunctionName) {
        throw invalidParameter('client_function_name', 'client_function_name is required before a client-side connector can be set live');
      }
      const findings = await findingsFor(tx, deps, actor.workspaceId, current, target);
      const previous = readAcknowledgement(connector);
      const pending = unacknowledgedHighFindings(findings, previous);
      if (pending.length > 0 && acknowledged !== true) throw acknowledgementRequired(pending);
      if (!findings.some((f) => f.severity === 'high')) securityAcknowledgement = Prisma.DbNull;
      else if (pending.length > 0) securityAcknowledgement = acknowledgementRecord(findings, actor, now) as unknown as Prisma.InputJsonValue;
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
      data: { updatedAt: now, ...(state && { state }), ...(state === 'live' && { publishedAt: now }), ...(securityAcknowledgement !== undefined && { securityAcknowledgement }) },
    });
    return loadConnector(tx, actor.workspaceId, id);
  });
}
