// GET /data_connectors/{id}/audience_check: whether a contact is in a
// connector's audience, as the gate decides it before every run (the editor's
// preview asks before showing what the AI agent would see).
import { z } from 'zod';
import { AppError } from '../../http/app-error.ts';
import type { Actor } from '../connector-deps.ts';
import { loadConnector, parseId } from '../load-connector.ts';
import type { PipelineDeps } from '../pipeline/pipeline-deps.ts';
import { audienceSubject } from './audience-subject.ts';
import { audienceRefusal, loadTargetedAudiences } from './connector-audience.ts';

export const audienceCheckQuery = z.object({
  contact_id: z
    .string({ error: 'contact_id is required: the contact to check' })
    .transform((v) => parseId(v))
    .refine((v) => v !== null, 'contact_id must be a positive numeric id'),
  state_version: z.enum(['draft', 'live'], { error: 'Invalid state_version. Must be one of: draft, live' }).default('draft'),
});

export async function checkContactAudience(deps: Pick<PipelineDeps, 'db' | 'now'>, actor: Actor, connectorId: string, query: z.output<typeof audienceCheckQuery>) {
  const loaded = await loadConnector(deps.db, actor.workspaceId, connectorId);
  const version = query.state_version === 'live' ? loaded.live : loaded.draft;
  if (!version) throw new AppError(409, { code: 'data_connector_not_live', field: 'state_version', message: 'state_version: the connector has no live version yet; check the draft' });
  const contact = await deps.db.contact.findFirst({ where: { id: query.contact_id!, workspaceId: actor.workspaceId } });
  if (!contact) throw new AppError(404, { code: 'contact_not_found', field: 'contact_id', message: `contact_id: no contact ${query.contact_id} in this workspace` });
  const now = deps.now?.() ?? new Date();
  const audiences = await loadTargetedAudiences(deps.db, actor.workspaceId, [version]);
  // A teammate's preview has no messenger session, so identity_verified rules see an unverified customer.
  const reason = audienceRefusal(version, audienceSubject(contact, undefined), audiences, now);
  return {
    type: 'data_connector.audience_check' as const,
    data_connector_id: String(loaded.connector.id),
    contact_id: String(contact.id),
    state_version: query.state_version,
    in_audience: reason === null,
    reason,
  };
}
