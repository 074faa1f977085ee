// The inbox's wire shapes (see the API contract): conversations as list rows
// (summary) and opened (detail), their parts, and contacts. Pure functions of
// rows the loaders (load-conversation.ts) fetched; the client mirrors these
// types in client/src/inbox/inbox-api.ts.
import type { Company, Contact, Conversation, ConversationPart, ConversationState, PartAuthorType, PartType } from '../db/generated/sqlite/client.ts';
import { isPlainObject } from '../connectors/pipeline/own-json.ts';
import { isoSeconds } from '../http/iso-seconds.ts';
import { isEmailVerified } from '../identity/otp/otp-verification.ts';

export interface ConversationPreviewJson {
  author_type: PartAuthorType;
  part_type: PartType;
  // Plain text, at most PREVIEW_LENGTH characters.
  body: string;
}

export interface ConversationSummaryJson {
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
  preview: ConversationPreviewJson | null;
}

export interface ConnectorResultJson {
  data_connector_id: string;
  data_connector_name: string;
  execution_result_id: string;
  data: unknown;
}

export interface PartJson {
  type: 'conversation_part';
  id: string;
  part_type: PartType;
  author: { type: PartAuthorType; id: string | null; name: string | null };
  body: string;
  created_at: string;
  connector_result: ConnectorResultJson | null;
}

export interface ConversationDetailJson extends ConversationSummaryJson {
  custom_attributes: Record<string, unknown>;
  // Chronological.
  parts: PartJson[];
}

export interface ContactJson {
  type: 'contact';
  id: string;
  role: Contact['role'];
  external_id: string | null;
  email: string | null;
  name: string | null;
  email_verified: boolean;
  custom_attributes: Record<string, unknown>;
  company: { id: string; name: string; custom_attributes: Record<string, unknown> } | null;
  // At most RECENT_CONVERSATIONS, newest first; includes the one being looked at.
  recent_conversations: { id: string; title: string | null; state: ConversationState; last_activity_at: string }[];
}

export const PREVIEW_LENGTH = 140;
export const RECENT_CONVERSATIONS = 5;

// What a connector_result part keeps in ConversationPart.metadata.
export interface ConnectorResultMetadata {
  dataConnectorId: number;
  // The name when it ran: the log of a conversation should not change when the connector is renamed.
  dataConnectorName: string;
  executionResultId: number;
  data: unknown;
}

export const readTags = (conversation: Pick<Conversation, 'tags'>): string[] =>
  Array.isArray(conversation.tags) ? conversation.tags.filter((t): t is string => typeof t === 'string') : [];

export const readAttributes = (record: { customAttributes: unknown }): Record<string, unknown> =>
  isPlainObject(record.customAttributes) ? record.customAttributes : {};

// A snooze ends by itself when its time comes: no background job has to wake
// the conversation, and every process agrees on its state.
export function effectiveState(conversation: Pick<Conversation, 'state' | 'snoozedUntil'>, now: Date): { state: ConversationState; snoozedUntil: Date | null } {
  if (conversation.state !== 'snoozed') return { state: conversation.state, snoozedUntil: null };
  if (conversation.snoozedUntil && conversation.snoozedUntil > now) return { state: 'snoozed', snoozedUntil: conversation.snoozedUntil };
  return { state: 'open', snoozedUntil: null };
}

const HTML_TAG = /<\/?[a-z][^>]*>/gi;

// Part bodies may hold simple HTML (macro replies); the list shows plain text.
// A body without tags is plain already: "a < b" and "AT&amp;T" stay as written.
export function previewText(body: string): string {
  const text = !/<\/?[a-z][^>]*>/i.test(body)
    ? body
    : body
        .replace(HTML_TAG, ' ')
        .replace(/&nbsp;/g, ' ')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&');
  const plain = text.replace(/\s+/g, ' ').trim();
  return plain.length <= PREVIEW_LENGTH ? plain : `${plain.slice(0, PREVIEW_LENGTH - 1).trimEnd()}…`;
}

export type SummaryRow = Conversation & {
  contact: Pick<Contact, 'id' | 'name' | 'email'>;
  assignee: { id: number; name: string } | null;
};

export interface SummaryFacts {
  // The newest part of any kind (the preview).
  lastPart: Pick<ConversationPart, 'authorType' | 'partType' | 'body'> | null;
  // When the customer last wrote; unread when after adminReadAt.
  lastCustomerPartAt: Date | null;
  now: Date;
}

export function conversationSummaryJson(row: SummaryRow, facts: SummaryFacts): ConversationSummaryJson {
  const { state, snoozedUntil } = effectiveState(row, facts.now);
  const unread = facts.lastCustomerPartAt !== null && (row.adminReadAt === null || facts.lastCustomerPartAt > row.adminReadAt);
  return {
    type: 'conversation',
    id: String(row.id),
    title: row.title,
    state,
    snoozed_until: snoozedUntil ? isoSeconds(snoozedUntil) : null,
    assignee: row.assignee ? { id: String(row.assignee.id), name: row.assignee.name } : null,
    contact: { id: String(row.contact.id), name: row.contact.name, email: row.contact.email },
    tags: readTags(row),
    unread,
    last_activity_at: isoSeconds(row.lastActivityAt),
    created_at: isoSeconds(row.createdAt),
    preview: facts.lastPart ? { author_type: facts.lastPart.authorType, part_type: facts.lastPart.partType, body: previewText(facts.lastPart.body) } : null,
  };
}

export interface PartAuthors {
  contact: Pick<Contact, 'id' | 'name'>;
  adminNames: ReadonlyMap<number, string>;
}

export function readConnectorResult(metadata: unknown): ConnectorResultMetadata | null {
  if (!isPlainObject(metadata)) return null;
  const { dataConnectorId, dataConnectorName, executionResultId, data } = metadata;
  if (typeof dataConnectorId !== 'number' || typeof executionResultId !== 'number') return null;
  return { dataConnectorId, dataConnectorName: typeof dataConnectorName === 'string' ? dataConnectorName : `Connector ${dataConnectorId}`, executionResultId, data: data ?? null };
}

export function partJson(part: ConversationPart, authors: PartAuthors): PartJson {
  const author: PartJson['author'] =
    part.authorType === 'customer' ? { type: 'customer', id: String(authors.contact.id), name: authors.contact.name }
    : part.authorType === 'admin' ? { type: 'admin', id: part.authorAdminId === null ? null : String(part.authorAdminId), name: part.authorAdminId === null ? null : (authors.adminNames.get(part.authorAdminId) ?? null) }
    : { type: part.authorType, id: null, name: null };
  const result = part.partType === 'connector_result' ? readConnectorResult(part.metadata) : null;
  return {
    type: 'conversation_part',
    id: String(part.id),
    part_type: part.partType,
    author,
    body: part.body,
    created_at: isoSeconds(part.createdAt),
    connector_result: result
      ? { data_connector_id: String(result.dataConnectorId), data_connector_name: result.dataConnectorName, execution_result_id: String(result.executionResultId), data: result.data }
      : null,
  };
}

export function conversationDetailJson(summary: ConversationSummaryJson, conversation: Pick<Conversation, 'customAttributes'>, parts: PartJson[]): ConversationDetailJson {
  return { ...summary, custom_attributes: readAttributes(conversation), parts };
}

export function contactJson(
  contact: Contact,
  company: Company | null,
  recent: Pick<Conversation, 'id' | 'title' | 'state' | 'snoozedUntil' | 'lastActivityAt'>[],
  now: Date,
): ContactJson {
  return {
    type: 'contact',
    id: String(contact.id),
    role: contact.role,
    external_id: contact.externalId,
    email: contact.email,
    name: contact.name,
    email_verified: isEmailVerified(contact),
    custom_attributes: readAttributes(contact),
    company: company ? { id: String(company.id), name: company.name, custom_attributes: readAttributes(company) } : null,
    recent_conversations: recent.map((c) => ({ id: String(c.id), title: c.title, state: effectiveState(c, now).state, last_activity_at: isoSeconds(c.lastActivityAt) })),
  };
}
