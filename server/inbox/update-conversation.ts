// State (open, snoozed until a time, closed), assignee and custom attributes
// of a conversation. Everything is checked before anything is written.
import type { ConversationState, Prisma } from '../db/generated/sqlite/client.ts';
import { changedAttributes, type AttributeValue } from '../connectors/pipeline/map-attributes.ts';
import { AppError, type ErrorItem } from '../http/app-error.ts';
import type { Principal } from '../identity/principal.ts';
import { effectiveState, readAttributes, type ConversationDetailJson } from './conversation-json.ts';
import { validateAttributeValues } from './custom-attribute-values.ts';
import { nowOf, type InboxDeps } from './inbox-deps.ts';
import { publishConversationUpdated, publishTeammateAttributeChanges } from './inbox-events.ts';
import { loadDetail, requireConversation, summaryOfDetail } from './load-conversation.ts';

export const CONVERSATION_STATES = ['open', 'snoozed', 'closed'] as const satisfies readonly ConversationState[];

export interface UpdateConversationInput {
  state?: ConversationState | undefined;
  snoozedUntil?: Date | undefined;
  assigneeId?: number | null | undefined;
  customAttributes?: Record<string, unknown> | undefined;
}

const problem = (field: string, message: string): ErrorItem => ({ code: 'parameter_invalid', field, message: `${field}: ${message}` });

export async function updateConversation(deps: InboxDeps, principal: Principal, conversationId: number, input: UpdateConversationInput): Promise<ConversationDetailJson> {
  const { db } = deps;
  const now = nowOf(deps);
  const { workspaceId } = principal;
  const current = await requireConversation(db, workspaceId, conversationId);

  const errors: ErrorItem[] = [];
  const data: Prisma.ConversationUncheckedUpdateInput = {};
  if (input.state !== undefined && !CONVERSATION_STATES.includes(input.state)) errors.push(problem('state', `must be one of: ${CONVERSATION_STATES.join(', ')}`));
  const nextState = input.state ?? effectiveState(current, now).state;
  if (input.snoozedUntil !== undefined) {
    if (nextState !== 'snoozed') errors.push(problem('snoozed_until', 'only applies with state "snoozed"'));
    else if (Number.isNaN(input.snoozedUntil.getTime()) || input.snoozedUntil <= now) errors.push(problem('snoozed_until', 'must be in the future'));
  } else if (input.state === 'snoozed') {
    errors.push({ code: 'parameter_not_found', field: 'snoozed_until', message: 'snoozed_until is required with state "snoozed"' });
  }
  if (input.state !== undefined) {
    data.state = input.state;
    data.snoozedUntil = input.state === 'snoozed' ? (input.snoozedUntil ?? null) : null;
  } else if (input.snoozedUntil !== undefined) {
    // Rescheduling a snooze that is still running.
    data.state = 'snoozed';
    data.snoozedUntil = input.snoozedUntil;
  }
  if (input.assigneeId !== undefined) {
    const assignee = input.assigneeId === null ? null : await db.admin.findFirst({ where: { id: input.assigneeId, workspaceId }, select: { id: true } });
    if (input.assigneeId !== null && !assignee) errors.push(problem('assignee_id', `no teammate with id ${input.assigneeId} in this workspace`));
    data.assigneeAdminId = input.assigneeId;
  }
  let attributes: Record<string, AttributeValue> = {};
  if (input.customAttributes !== undefined) {
    try {
      attributes = await validateAttributeValues(db, workspaceId, 'conversation', input.customAttributes);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      errors.push(...error.errors);
    }
  }
  if (errors.length > 0) throw new AppError(422, errors);
  if (Object.keys(data).length === 0 && Object.keys(attributes).length === 0) return loadDetail(db, workspaceId, conversationId, now);

  const { detail, changes } = await db.$transaction(async (tx) => {
    // Re-read inside the transaction so a concurrent connector run's attributes are merged, not overwritten.
    const fresh = await requireConversation(tx, workspaceId, conversationId);
    const changed = changedAttributes(fresh.customAttributes, attributes);
    if (Object.keys(changed).length > 0) data.customAttributes = { ...readAttributes(fresh), ...changed } as Prisma.InputJsonObject;
    await tx.conversation.update({ where: { id: conversationId }, data });
    return { detail: await loadDetail(tx, workspaceId, conversationId, now), changes: changed };
  });
  publishConversationUpdated(deps.bus, workspaceId, summaryOfDetail(detail));
  publishTeammateAttributeChanges(deps.bus, { workspaceId, target: 'conversation', id: conversationId, conversationId, adminId: principal.adminId, changes });
  return detail;
}
