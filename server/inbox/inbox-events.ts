// The realtime events inbox writes publish, after their transaction commits:
// open inboxes update list rows, threads and sidebars without refetching.
import type { RealtimeBus } from '../realtime/realtime-events.ts';
import type { ConversationSummaryJson, PartJson } from './conversation-json.ts';

export function publishConversationUpdated(bus: RealtimeBus, workspaceId: number, summary: ConversationSummaryJson): void {
  bus.publish({ type: 'conversation.updated', workspace_id: String(workspaceId), conversation_id: summary.id, conversation: summary });
}

export function publishPartCreated(bus: RealtimeBus, workspaceId: number, conversationId: number, part: PartJson): void {
  bus.publish({ type: 'conversation.part.created', workspace_id: String(workspaceId), conversation_id: String(conversationId), part });
  // The customer's messenger gets comments only, without internal fields.
  if (part.part_type === 'comment' && (part.author.type === 'customer' || part.author.type === 'admin' || part.author.type === 'bot')) {
    bus.publish({
      type: 'messenger.part.created',
      workspace_id: String(workspaceId),
      conversation_id: String(conversationId),
      part: {
        type: 'messenger_part',
        id: part.id,
        conversation_id: String(conversationId),
        author: { type: part.author.type, name: part.author.type === 'admin' ? part.author.name : null },
        body: part.body,
        created_at: part.created_at,
      },
    });
  }
}

// Attributes a teammate set by hand; connector runs publish their own (run-connector.ts).
export function publishTeammateAttributeChanges(
  bus: RealtimeBus,
  input: { workspaceId: number; target: 'contact' | 'conversation'; id: number; conversationId: number | null; adminId: number | null; changes: Record<string, unknown> },
): void {
  if (Object.keys(input.changes).length === 0) return;
  bus.publish({
    type: 'attribute.updated',
    workspace_id: String(input.workspaceId),
    target: input.target,
    id: String(input.id),
    conversation_id: input.conversationId === null ? null : String(input.conversationId),
    changes: input.changes,
    source: { type: 'teammate', id: input.adminId === null ? null : String(input.adminId) },
  });
}
