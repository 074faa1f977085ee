// What the server pushes to open inboxes. Events carry only what changed, and
// always say their workspace_id and conversation_id (null for a contact's
// attributes changed outside a conversation).
import type { ConversationSummaryJson, PartJson } from '../inbox/conversation-json.ts';
import type { MessengerPartJson } from '../messenger/messenger-conversations.ts';

export type AttributeTarget = 'contact' | 'conversation';

export interface AttributeUpdatedEvent {
  type: 'attribute.updated';
  workspace_id: string;
  target: AttributeTarget;
  // The contact or conversation whose attributes changed.
  id: string;
  conversation_id: string | null;
  changes: Record<string, unknown>;
  // A connector run (its source_type and source_id, the connector and the
  // logged run), or a teammate editing attributes in the inbox (id: the admin).
  source: { type: string; id: string | null; data_connector_id: string; execution_result_id: string } | { type: 'teammate'; id: string | null };
}

// A list row changed: state, assignee, tags, a new part, read. Goes to the workspace room.
export interface ConversationUpdatedEvent {
  type: 'conversation.updated';
  workspace_id: string;
  conversation_id: string;
  conversation: ConversationSummaryJson;
}

// A new part in a conversation. Goes to the conversation's room only.
export interface ConversationPartCreatedEvent {
  type: 'conversation.part.created';
  workspace_id: string;
  conversation_id: string;
  part: PartJson;
}

// A live connector run was logged on a conversation, by any caller and whether
// it succeeded or not: open inboxes refresh the conversation's run log.
export interface ConnectorRunLoggedEvent {
  type: 'connector_run.logged';
  workspace_id: string;
  conversation_id: string;
  data_connector_id: string;
  execution_result_id: string;
  success: boolean;
  source_type: string | null;
}

// A comment the customer may see, for the customer's messenger: goes to the
// conversation's messenger room only, never to teammates' rooms.
export interface MessengerPartCreatedEvent {
  type: 'messenger.part.created';
  workspace_id: string;
  conversation_id: string;
  part: MessengerPartJson;
}

export type RealtimeEvent = AttributeUpdatedEvent | ConversationUpdatedEvent | ConversationPartCreatedEvent | ConnectorRunLoggedEvent | MessengerPartCreatedEvent;

export const workspaceRoom = (workspaceId: number | string) => `workspace:${workspaceId}`;
export const conversationRoom = (conversationId: number | string) => `conversation:${conversationId}`;
export const messengerRoom = (conversationId: number | string) => `messenger:${conversationId}`;

// Who receives an event: list rows live in the workspace room, an open
// conversation's thread in its own room; attribute changes show in both.
export function roomsOf(event: RealtimeEvent): string[] {
  switch (event.type) {
    case 'conversation.updated':
      return [workspaceRoom(event.workspace_id)];
    case 'conversation.part.created':
    case 'connector_run.logged':
      return [conversationRoom(event.conversation_id)];
    case 'messenger.part.created':
      return [messengerRoom(event.conversation_id)];
    case 'attribute.updated':
      return event.conversation_id ? [workspaceRoom(event.workspace_id), conversationRoom(event.conversation_id)] : [workspaceRoom(event.workspace_id)];
  }
}

// The pipeline publishes through this; socket.io implements it in production
// and tests attach a real socket.io client to see what went out.
export interface RealtimeBus {
  publish(event: RealtimeEvent): void;
}

export const silentBus: RealtimeBus = { publish() {} };
