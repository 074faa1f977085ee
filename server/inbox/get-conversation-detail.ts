import type { Principal } from '../identity/principal.ts';
import type { ConversationDetailJson } from './conversation-json.ts';
import { nowOf, type InboxDeps } from './inbox-deps.ts';
import { loadDetail } from './load-conversation.ts';

export async function getConversationDetail(deps: InboxDeps, principal: Principal, conversationId: number): Promise<ConversationDetailJson> {
  return loadDetail(deps.db, principal.workspaceId, conversationId, nowOf(deps));
}
