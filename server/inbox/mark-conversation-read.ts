// A teammate opened the conversation: what the customer wrote until now is read.
// Read state is the conversation's, not each teammate's: the team shares one inbox.
import type { Principal } from '../identity/principal.ts';
import type { ConversationSummaryJson } from './conversation-json.ts';
import { nowOf, type InboxDeps } from './inbox-deps.ts';
import { publishConversationUpdated } from './inbox-events.ts';
import { loadSummary, requireConversation } from './load-conversation.ts';

export async function markConversationRead(deps: InboxDeps, principal: Principal, conversationId: number): Promise<ConversationSummaryJson> {
  const now = nowOf(deps);
  const summary = await deps.db.$transaction(async (tx) => {
    await requireConversation(tx, principal.workspaceId, conversationId);
    await tx.conversation.update({ where: { id: conversationId }, data: { adminReadAt: now } });
    return loadSummary(tx, principal.workspaceId, conversationId, now);
  });
  publishConversationUpdated(deps.bus, principal.workspaceId, summary);
  return summary;
}
