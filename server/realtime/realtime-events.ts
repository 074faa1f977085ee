// What the server pushes to open inboxes. Events carry only what changed.
export type AttributeTarget = 'contact' | 'conversation';

export interface AttributeUpdatedEvent {
  type: 'attribute.updated';
  workspace_id: string;
  target: AttributeTarget;
  // The contact or conversation whose attributes changed.
  id: string;
  conversation_id: string | null;
  changes: Record<string, unknown>;
  source: { type: string; id: string | null; data_connector_id: string; execution_result_id: string };
}

export type RealtimeEvent = AttributeUpdatedEvent;

export const workspaceRoom = (workspaceId: number | string) => `workspace:${workspaceId}`;
export const conversationRoom = (conversationId: number | string) => `conversation:${conversationId}`;

// The pipeline publishes through this; socket.io implements it in production
// and tests attach a real socket.io client to see what went out.
export interface RealtimeBus {
  publish(event: RealtimeEvent): void;
}

export const silentBus: RealtimeBus = { publish() {} };
