// The browser side of the inbox endpoints. Types mirror the server's
// serializers (server/inbox/conversation-json.ts); ids are strings and
// timestamps ISO 8601 strings on the wire.
import { apiRequest } from '../api.ts';

export type ConversationState = 'open' | 'snoozed' | 'closed';
export type StateFilter = ConversationState | 'all';
export type AssigneeFilter = 'me' | 'unassigned' | 'all';
export type AuthorType = 'customer' | 'admin' | 'bot' | 'system';
export type PartType = 'comment' | 'note' | 'connector_result';

export interface ConversationPreview {
  author_type: AuthorType;
  part_type: PartType;
  // Plain text, at most 140 characters.
  body: string;
}

export interface ConversationSummary {
  type: 'conversation';
  id: string;
  title: string | null;
  state: ConversationState;
  snoozed_until: string | null;
  assignee: { id: string; name: string } | null;
  contact: { id: string; name: string | null; email: string | null };
  tags: string[];
  unread: boolean;
  last_activity_at: string;
  created_at: string;
  preview: ConversationPreview | null;
}

export interface ConnectorResultInfo {
  data_connector_id: string;
  data_connector_name: string;
  execution_result_id: string;
  data: unknown;
}

export interface ConversationPart {
  type: 'conversation_part';
  id: string;
  part_type: PartType;
  author: { type: AuthorType; id: string | null; name: string | null };
  body: string;
  created_at: string;
  connector_result: ConnectorResultInfo | null;
}

export interface ConversationDetail extends ConversationSummary {
  custom_attributes: Record<string, unknown>;
  // Chronological.
  parts: ConversationPart[];
}

export interface Contact {
  type: 'contact';
  id: string;
  role: string;
  external_id: string | null;
  email: string | null;
  name: string | null;
  email_verified: boolean;
  custom_attributes: Record<string, unknown>;
  company: { id: string; name: string; custom_attributes: Record<string, unknown> } | null;
  // At most 5, newest first, includes the current conversation.
  recent_conversations: { id: string; title: string | null; state: ConversationState; last_activity_at: string }[];
}

export interface ConversationList {
  type: 'conversation.list';
  data: ConversationSummary[];
  total_count: number;
  pages: { type: 'pages'; per_page: number; next?: { starting_after: string } | null };
}

export interface Admin {
  type: 'admin';
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'agent';
}

export type AdminSummary = Admin;

export interface ConnectorRunSummary {
  type: 'data_connector.execution_result_summary';
  id: string;
  data_connector_id: string;
  data_connector_name: string;
  success: boolean;
  error_type: string | null;
  error_message: string | null;
  http_status: number | null;
  source_type: string;
  source_id: string | null;
  execution_time_ms: number | null;
  created_at: string;
}

export interface ConnectorDataInput {
  name: string;
  type: string;
  description: string | null;
  required: boolean;
  // Pre-filled from the contact, conversation, company or the message.
  value: unknown;
}

export interface ConversationConnector {
  id: string;
  name: string;
  description: string | null;
  data_inputs: ConnectorDataInput[];
}

export interface ConnectorRunResult {
  type: 'conversation.connector_run';
  success: boolean;
  error_type: string | null;
  error_message: string | null;
  // Field-named input problems; the exact shape is the server's, so keep it loose.
  input_errors: unknown;
  execution_result_id: string | null;
  http_status: number | null;
  part: ConversationPart | null;
}

export interface ListOf<T> {
  type: 'list';
  data: T[];
}

export interface ConversationQuery {
  state?: StateFilter;
  assignee?: AssigneeFilter;
  q?: string;
  perPage?: number;
  startingAfter?: string;
  signal?: AbortSignal;
}

const path = (id: string) => `/conversations/${encodeURIComponent(id)}`;

export function listConversations(query: ConversationQuery = {}) {
  return apiRequest<ConversationList>('/conversations', {
    query: {
      state: query.state,
      assignee: query.assignee,
      q: query.q ? query.q : undefined,
      per_page: query.perPage,
      starting_after: query.startingAfter,
    },
    signal: query.signal,
  });
}

export function getConversation(id: string, signal?: AbortSignal) {
  return apiRequest<ConversationDetail>(path(id), { signal });
}

export function markConversationRead(id: string, signal?: AbortSignal) {
  return apiRequest<ConversationSummary>(`${path(id)}/read`, { method: 'POST', signal });
}

export function replyToConversation(id: string, input: { message_type: 'comment' | 'note'; body: string }, signal?: AbortSignal) {
  return apiRequest<ConversationPart>(`${path(id)}/reply`, { method: 'POST', body: input, signal });
}

export interface ConversationUpdate {
  state?: ConversationState;
  // Required, and in the future, when state is 'snoozed'.
  snoozed_until?: string;
  assignee_id?: string | null;
  custom_attributes?: Record<string, unknown>;
}

export function updateConversation(id: string, input: ConversationUpdate, signal?: AbortSignal) {
  return apiRequest<ConversationDetail>(path(id), { method: 'PATCH', body: input, signal });
}

export function addConversationTag(id: string, name: string, signal?: AbortSignal) {
  return apiRequest<ConversationDetail>(`${path(id)}/tags`, { method: 'POST', body: { name }, signal });
}

export function removeConversationTag(id: string, name: string, signal?: AbortSignal) {
  return apiRequest<ConversationDetail>(`${path(id)}/tags/${encodeURIComponent(name)}`, { method: 'DELETE', signal });
}

export function getContact(id: string, signal?: AbortSignal) {
  return apiRequest<Contact>(`/contacts/${encodeURIComponent(id)}`, { signal });
}

export function updateContactAttributes(id: string, customAttributes: Record<string, unknown>, signal?: AbortSignal) {
  return apiRequest<Contact>(`/contacts/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body: { custom_attributes: customAttributes },
    signal,
  });
}

export function listAdmins(signal?: AbortSignal) {
  return apiRequest<{ type: 'admin.list'; data: AdminSummary[] }>('/admins', { signal });
}

export function listConnectorRuns(conversationId: string, signal?: AbortSignal) {
  return apiRequest<ListOf<ConnectorRunSummary>>(`${path(conversationId)}/connector_runs`, { signal });
}

export function listConversationConnectors(conversationId: string, options: { conversationPartId?: string; signal?: AbortSignal } = {}) {
  return apiRequest<ListOf<ConversationConnector>>(`${path(conversationId)}/connectors`, {
    query: { conversation_part_id: options.conversationPartId },
    signal: options.signal,
  });
}

export function runConnectorOnConversation(
  conversationId: string,
  input: { data_connector_id: string; inputs: Record<string, unknown>; conversation_part_id?: string },
  signal?: AbortSignal,
) {
  return apiRequest<ConnectorRunResult>(`${path(conversationId)}/run_connector`, { method: 'POST', body: input, signal });
}

// Realtime payloads (server/realtime/realtime-events.ts).
export interface ConversationUpdatedEvent {
  type: 'conversation.updated';
  workspace_id: string;
  conversation_id: string;
  conversation: ConversationSummary;
}

export interface PartCreatedEvent {
  type: 'conversation.part.created';
  workspace_id: string;
  conversation_id: string;
  part: ConversationPart;
}

export interface ConnectorRunLoggedEvent {
  type: 'connector_run.logged';
  workspace_id: string;
  conversation_id: string;
  data_connector_id: string;
  execution_result_id: string;
  success: boolean;
  source_type: string | null;
}

export interface AttributeUpdatedEvent {
  type: 'attribute.updated';
  workspace_id: string;
  target: 'contact' | 'conversation';
  id: string;
  conversation_id: string | null;
  changes: Record<string, unknown>;
  source: { type: string; id: string | null; data_connector_id?: string; execution_result_id?: string };
}
