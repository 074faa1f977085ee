// A teammate writes in a conversation: a comment the customer sees, or an
// internal note only teammates see. Only comments count as activity (the list
// is ordered by what the customer and the team said to each other); writing
// either means the teammate has read the conversation.
import { AppError } from '../http/app-error.ts';
import type { Principal } from '../identity/principal.ts';
import type { PartJson } from './conversation-json.ts';
import { nowOf, type InboxDeps } from './inbox-deps.ts';
import { publishConversationUpdated, publishPartCreated } from './inbox-events.ts';
import { loadPartJson, loadSummary, requireConversation } from './load-conversation.ts';

export const MAX_PART_BODY_LENGTH = 20_000;
export const REPLY_TYPES = ['comment', 'note'] as const;

export interface ReplyInput {
  messageType: (typeof REPLY_TYPES)[number];
  body: string;
}

export function checkPartBody(body: unknown, field = 'body'): string {
  if (typeof body !== 'string' || body.trim() === '') throw new AppError(422, { code: 'parameter_invalid', field, message: `${field}: must not be empty` });
  if (body.length > MAX_PART_BODY_LENGTH) throw new AppError(422, { code: 'parameter_invalid', field, message: `${field}: must be at most ${MAX_PART_BODY_LENGTH} characters` });
  return body.trim();
}

export async function replyToConversation(deps: InboxDeps, principal: Principal, conversationId: number, input: ReplyInput): Promise<PartJson> {
  if (!REPLY_TYPES.includes(input.messageType)) {
    throw new AppError(422, { code: 'parameter_invalid', field: 'message_type', message: `message_type: must be one of: ${REPLY_TYPES.join(', ')}` });
  }
  const body = checkPartBody(input.body);
  const now = nowOf(deps);
  const { part, summary } = await deps.db.$transaction(async (tx) => {
    await requireConversation(tx, principal.workspaceId, conversationId);
    const created = await tx.conversationPart.create({
      data: { conversationId, authorType: 'admin', authorAdminId: principal.adminId, partType: input.messageType, body, createdAt: now },
    });
    await tx.conversation.update({
      where: { id: conversationId },
      data: { adminReadAt: now, ...(input.messageType === 'comment' && { lastActivityAt: now }) },
    });
    return { part: await loadPartJson(tx, principal.workspaceId, created.id), summary: await loadSummary(tx, principal.workspaceId, conversationId, now) };
  });
  publishPartCreated(deps.bus, principal.workspaceId, conversationId, part);
  publishConversationUpdated(deps.bus, principal.workspaceId, summary);
  return part;
}
