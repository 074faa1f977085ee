// What the server pushes to open inboxes. Events carry only what changed, and
// always say their workspace_id and conversation_id (null for a contact's
// attributes changed outside a conversation).
import type { ConversationSummaryJson, PartJson } from '../inbox/conversation-json.ts';
import type { MessengerPartJson } from '../messenger/messenger-conversations.ts';

// conversation_temporary: the AI agent's "Connector > field" temporary attributes of a conversation.
export type AttributeTarget = 'contact' | 'conversation' | 'conversation_temporary';

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

// The AI agent is working on a reply (typing: true) or is done. Messenger room only.
export interface MessengerTypingEvent {
  type: 'messenger.typing';
  workspace_id: string;
  conversation_id: string;
  typing: boolean;
}

// The AI agent handed the conversation to the team. Messenger room only: the
// widget passes { conversation_id, summary, email } to the host page's handoff
// function. summary is customer-safe (no connector internals); email only when verified.
export interface MessengerHandoffEvent {
  type: 'messenger.handoff';
  workspace_id: string;
  conversation_id: string;
  summary: string;
  email: string | null;
}

export type RealtimeEvent =
  | AttributeUpdatedEvent
  | ConversationUpdatedEvent
  | ConversationPartCreatedEvent
  | ConnectorRunLoggedEvent
  | MessengerPartCreatedEvent
  | MessengerTypingEvent
  | MessengerHandoffEvent;

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
    case 'messenger.typing':
    case 'messenger.handoff':
      return [messengerRoom(event.conversation_id)];
    case 'attribute.updated':
      return event.conversation_id ? [workspaceRoom(event.workspace_id), conversationRoom(event.conversation_id)] : [workspaceRoom(event.workspace_id)];
  }
}

// The pipeline publishes through this; socket.io implements it in production
// and tests attach a real socket.io client to see what went out.
export interface RealtimeBus {
  publish(event: RealtimeEvent): void;
  // Puts the sockets of a messenger session in a conversation's messenger room
  // (every process, through the adapter): a conversation the customer just
  // started gets the agent's typing and hand-off events before the widget has
  // joined it.
  joinMessengerSession?(sessionId: string, conversationId: number): Promise<void>;
}

export const silentBus: RealtimeBus = { publish() {} };

export function publishMessengerTyping(bus: RealtimeBus, workspaceId: number, conversationId: number, typing: boolean): void {
  bus.publish({ type: 'messenger.typing', workspace_id: String(workspaceId), conversation_id: String(conversationId), typing });
}

export function publishMessengerHandoff(bus: RealtimeBus, workspaceId: number, conversationId: number, handoff: { summary: string; email: string | null }): void {
  bus.publish({ type: 'messenger.handoff', workspace_id: String(workspaceId), conversation_id: String(conversationId), summary: handoff.summary, email: handoff.email });
}
