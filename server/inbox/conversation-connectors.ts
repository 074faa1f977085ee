// The connectors a teammate can run on a conversation (Cmd+K, the message
// menu): live, server-side, and for this conversation's contact (the gate's
// audience check, listConnectorsForCustomer). Customer authentication does not
// hide any: a teammate running a connector is not the customer
// (connector-gate.ts). Each data input comes pre-filled with what Patchbay
// already knows, so most runs are one keypress.
import type { Company, Contact, Conversation, ConversationPart } from '../db/generated/sqlite/client.ts';
import { listConnectorsForCustomer } from '../connectors/audiences/list-connectors-for-customer.ts';
import type { DataInput } from '../connectors/connector-input.ts';
import { readDataInputs } from '../connectors/connector-version.ts';
import { AppError } from '../http/app-error.ts';
import type { Principal } from '../identity/principal.ts';
import { readAttributes } from './conversation-json.ts';
import { nowOf, type InboxDeps } from './inbox-deps.ts';
import { conversationNotFound, type InboxDb } from './load-conversation.ts';

export interface ConversationConnectorJson {
  id: string;
  name: string;
  description: string | null;
  data_inputs: { name: string; type: DataInput['type']; description: string | null; required: boolean; value: string | null }[];
}

export interface PrefillSources {
  contact: Contact;
  conversation: Conversation;
  company: Company | null;
  part: Pick<ConversationPart, 'body'> | null;
}

const MESSAGE_NAME = /(^|_)(body|message|text|content)(_|$)/i;
const MESSAGE_DESCRIPTION = /\b(the|customer'?s?|this) (message|question|text)\b/i;

const asText = (value: unknown): string | null =>
  typeof value === 'string' ? (value.trim() === '' ? null : value) : typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;

function attributeNamed(record: { customAttributes: unknown } | null, name: string): string | null {
  if (!record) return null;
  const attributes = readAttributes(record);
  const key = Object.keys(attributes).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : asText(attributes[key]);
}

// The most specific source first: the message for message-like inputs, then
// the conversation's, the contact's and the company's attributes of the same
// name, then the contact's standard fields, then the input's default.
export function prefillValue(input: Pick<DataInput, 'name' | 'description' | 'default_value'>, sources: PrefillSources): string | null {
  const looksLikeMessage = MESSAGE_NAME.test(input.name) || MESSAGE_DESCRIPTION.test(input.description ?? '');
  if (sources.part && looksLikeMessage) return asText(sources.part.body);
  const standard: Record<string, string | null> = { email: sources.contact.email, name: sources.contact.name, external_id: sources.contact.externalId, user_id: sources.contact.externalId };
  return (
    attributeNamed(sources.conversation, input.name) ??
    attributeNamed(sources.contact, input.name) ??
    attributeNamed(sources.company, input.name) ??
    asText(standard[input.name.toLowerCase()]) ??
    asText(input.default_value)
  );
}

export async function loadPartOf(db: InboxDb, conversationId: number, partId: number | null | undefined): Promise<ConversationPart | null> {
  if (partId === null || partId === undefined) return null;
  const part = await db.conversationPart.findFirst({ where: { id: partId, conversationId } });
  if (!part) throw new AppError(422, { code: 'parameter_invalid', field: 'conversation_part_id', message: `conversation_part_id: no message ${partId} in conversation ${conversationId}` });
  return part;
}

export async function listConversationConnectors(
  deps: InboxDeps,
  principal: Principal,
  conversationId: number,
  options: { conversationPartId?: number | null | undefined } = {},
): Promise<{ type: 'list'; data: ConversationConnectorJson[] }> {
  const { db } = deps;
  const row = await db.conversation.findFirst({ where: { id: conversationId, workspaceId: principal.workspaceId }, include: { contact: { include: { company: true } } } });
  if (!row) throw conversationNotFound(conversationId);
  const part = await loadPartOf(db, conversationId, options.conversationPartId);
  const { contact: contactWithCompany, ...conversation } = row;
  const { company, ...contact } = contactWithCompany;
  const available = await listConnectorsForCustomer(db, { workspaceId: principal.workspaceId, contact, conversationId, customer: undefined, now: nowOf(deps) });
  const sources: PrefillSources = { contact, conversation, company, part };
  const data = available
    .filter(({ version }) => version.executionType === 'server_side')
    .sort((a, b) => a.version.name.localeCompare(b.version.name) || a.connectorId - b.connectorId)
    .map(({ connectorId, version }) => ({
      id: String(connectorId),
      name: version.name,
      description: version.description,
      data_inputs: readDataInputs(version).map((input) => ({
        name: input.name,
        type: input.type,
        description: input.description || null,
        required: input.required,
        value: prefillValue(input, sources),
      })),
    }));
  return { type: 'list', data };
}
