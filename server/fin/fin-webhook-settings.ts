// Where the Fin Agent API's events go (fin_replied, fin_status_updated) and the
// secret they are signed with. Patchbay generates the secret; it is shown in
// the one response that created it and is otherwise only stored encrypted.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { z } from 'zod';
import type { Actor } from '../connectors/connector-deps.ts';
import { SendError } from '../connectors/http/send-error.ts';
import { checkConnectAddresses, checkRequestUrl, parseRequestUrl, portOf } from '../connectors/http/target-policy.ts';
import type { TargetAllowList } from '../connectors/http/target-allow-list.ts';
import type { Db } from '../db/client.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Logger } from '../logger.ts';
import { AppError, notFound } from '../http/app-error.ts';

export interface FinWebhookSettingsDeps {
  db: Db;
  secrets: SecretBox;
  logger: Logger;
  allowList: TargetAllowList;
}

export const updateFinAgentSettingsSchema = z.strictObject({
  // null (or "") turns the webhook off; the secret is kept for when it comes back.
  webhook_url: z
    .string()
    .trim()
    .max(2048, 'must be at most 2048 characters')
    .nullable()
    .transform((value) => (value === '' ? null : value)),
});
export type UpdateFinAgentSettingsInput = z.output<typeof updateFinAgentSettingsSchema>;

export interface FinAgentSettingsView {
  type: 'fin_agent_settings';
  webhook_url: string | null;
  webhook_secret_set: boolean;
  // Only in the response that generated it (first webhook URL, or a rotation).
  webhook_secret: string | null;
  signature_header: typeof FIN_SIGNATURE_HEADER;
}

export const FIN_SIGNATURE_HEADER = 'X-Fin-Agent-API-Webhook-Signature';

interface WorkspaceRow {
  finWebhookUrl: string | null;
  finWebhookSecretEncrypted: string | null;
}

const view = (workspace: WorkspaceRow, secret: string | null = null): FinAgentSettingsView => ({
  type: 'fin_agent_settings',
  webhook_url: workspace.finWebhookUrl,
  webhook_secret_set: workspace.finWebhookSecretEncrypted !== null,
  webhook_secret: secret,
  signature_header: FIN_SIGNATURE_HEADER,
});

const missingWorkspace = () => notFound('workspace_not_found', 'Workspace not found');
// 256 bits; receivers use the hex string's UTF-8 bytes as the HMAC key.
const newSecret = () => randomBytes(32).toString('hex');

/**
 * The same target rules as a connector's URL: http(s) only, no credentials,
 * https unless the operator allow-listed the target, and no private or
 * loopback address unless allow-listed. Names are resolved again, and judged
 * on the very addresses, at every delivery (the guarded agent).
 */
function checkWebhookUrl(text: string, allowList: TargetAllowList): void {
  const invalid = (message: string) => new AppError(422, { code: 'parameter_invalid', message: `webhook_url: ${message}`, field: 'webhook_url' });
  let url: URL;
  try {
    url = parseRequestUrl(text);
    checkRequestUrl(url, allowList);
  } catch (error) {
    if (error instanceof SendError) throw invalid(error.message);
    throw error;
  }
  if (url.hash) throw invalid('must not have a fragment');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopbackName = host === 'localhost' || host.endsWith('.localhost');
  if (net.isIP(host) !== 0 || loopbackName) {
    const verdict = checkConnectAddresses(url.hostname, portOf(url), [loopbackName ? '127.0.0.1' : host], allowList);
    if (!verdict.allowed) throw invalid(verdict.reason);
  }
}

export async function getFinAgentSettings(deps: Pick<FinWebhookSettingsDeps, 'db'>, actor: Actor): Promise<FinAgentSettingsView> {
  const workspace = await deps.db.workspace.findUnique({ where: { id: actor.workspaceId } });
  if (!workspace) throw missingWorkspace();
  return view(workspace);
}

export async function updateFinAgentSettings(deps: FinWebhookSettingsDeps, actor: Actor, input: UpdateFinAgentSettingsInput): Promise<FinAgentSettingsView> {
  if (input.webhook_url !== null) checkWebhookUrl(input.webhook_url, deps.allowList);
  const { workspace, secret } = await deps.db.$transaction(async (tx) => {
    const existing = await tx.workspace.findUnique({ where: { id: actor.workspaceId } });
    if (!existing) throw missingWorkspace();
    const secret = input.webhook_url !== null && existing.finWebhookSecretEncrypted === null ? newSecret() : null;
    const workspace = await tx.workspace.update({
      where: { id: actor.workspaceId },
      data: { finWebhookUrl: input.webhook_url, ...(secret !== null && { finWebhookSecretEncrypted: deps.secrets.encrypt(secret) }) },
    });
    return { workspace, secret };
  });
  deps.logger.info({ workspaceId: actor.workspaceId, adminId: actor.adminId, webhookSet: input.webhook_url !== null, secretCreated: secret !== null }, 'fin agent webhook settings changed');
  return view(workspace, secret);
}

/** A new signing secret; the old one stops working at once. */
export async function rotateFinWebhookSecret(deps: FinWebhookSettingsDeps, actor: Actor): Promise<FinAgentSettingsView> {
  const secret = newSecret();
  const workspace = await deps.db.$transaction(async (tx) => {
    const existing = await tx.workspace.findUnique({ where: { id: actor.workspaceId }, select: { id: true } });
    if (!existing) throw missingWorkspace();
    return tx.workspace.update({ where: { id: actor.workspaceId }, data: { finWebhookSecretEncrypted: deps.secrets.encrypt(secret) } });
  });
  deps.logger.info({ workspaceId: actor.workspaceId, adminId: actor.adminId }, 'fin agent webhook secret rotated');
  return view(workspace, secret);
}
