// The conversation, contact, company and message a run is about, and the
// `{{user.*}}`, `{{conversation.*}}`, `{{company.*}}`, `{{conversation_part.body}}`
// and `{{auth_tokens.*}}` values templates read from them.
import type { Db } from '../../db/client.ts';
import type { Company, Contact, Conversation, ConversationPart } from '../../db/generated/sqlite/client.ts';
import { isPlainObject } from './own-json.ts';

export interface RunContext {
  contact: Contact | null;
  conversation: Conversation | null;
  company: Company | null;
  part: ConversationPart | null;
  // Per-user tokens handed over by the messenger; never stored or logged.
  userTokens: Record<string, string>;
}

export class RunContextError extends Error {
  override name = 'RunContextError';
}

export interface RunContextRequest {
  workspaceId: number;
  conversationId?: number | null | undefined;
  contactId?: number | null | undefined;
  conversationPartId?: number | null | undefined;
  userTokens?: Record<string, string> | undefined;
}

// One query for the conversation with its contact and company (the hot path
// of every inbox and AI run), one more only for a lone contact or a message.
export async function loadRunContext(db: Db, request: RunContextRequest): Promise<RunContext> {
  const { workspaceId } = request;
  const withCompany = { include: { company: true } } as const;
  const conversation = request.conversationId
    ? await db.conversation.findFirst({ where: { id: request.conversationId, workspaceId }, include: { contact: withCompany } })
    : null;
  if (request.conversationId && !conversation) throw new RunContextError(`conversation ${request.conversationId} not found`);
  let contact = conversation?.contact ?? null;
  if (request.contactId && contact?.id !== request.contactId) {
    if (conversation) throw new RunContextError(`contact ${request.contactId} is not the contact of conversation ${conversation.id}`);
    contact = await db.contact.findFirst({ where: { id: request.contactId, workspaceId }, ...withCompany });
    if (!contact) throw new RunContextError(`contact ${request.contactId} not found`);
  }
  const part = request.conversationPartId
    ? await db.conversationPart.findFirst({ where: { id: request.conversationPartId, conversationId: conversation?.id ?? -1 } })
    : null;
  if (request.conversationPartId && !part) throw new RunContextError(`message ${request.conversationPartId} not found in this conversation`);
  const { company = null, ...contactFields } = contact ?? {};
  return {
    contact: contact ? (contactFields as Contact) : null,
    conversation: conversation ? (({ contact: _c, ...rest }) => rest)(conversation) : null,
    company: company ?? null,
    part,
    userTokens: request.userTokens ?? {},
  };
}

const custom = (record: { customAttributes: unknown } | null, name: string) =>
  record && isPlainObject(record.customAttributes) && Object.hasOwn(record.customAttributes, name) ? record.customAttributes[name] : undefined;

// Standard attributes first, then custom attributes of the same name.
export function contextValue(context: RunContext, name: string): unknown {
  const dot = name.indexOf('.');
  if (dot === -1) return undefined;
  const scope = name.slice(0, dot);
  const attribute = name.slice(dot + 1);
  const { contact, conversation, company, part } = context;
  switch (scope) {
    case 'user': {
      if (!contact) return undefined;
      const standard: Record<string, unknown> = { id: contact.externalId ?? String(contact.id), user_id: contact.externalId, email: contact.email, name: contact.name, role: contact.role };
      return Object.hasOwn(standard, attribute) ? standard[attribute] : custom(contact, attribute);
    }
    case 'conversation': {
      if (!conversation) return undefined;
      const standard: Record<string, unknown> = { id: String(conversation.id), state: conversation.state, title: conversation.title, assignee_id: conversation.assigneeAdminId === null ? null : String(conversation.assigneeAdminId) };
      return Object.hasOwn(standard, attribute) ? standard[attribute] : custom(conversation, attribute);
    }
    case 'company': {
      if (!company) return undefined;
      const standard: Record<string, unknown> = { id: String(company.id), company_id: company.externalId, name: company.name };
      return Object.hasOwn(standard, attribute) ? standard[attribute] : custom(company, attribute);
    }
    case 'conversation_part':
      return attribute === 'body' ? part?.body : undefined;
    case 'auth_tokens':
      return Object.hasOwn(context.userTokens, attribute) ? context.userTokens[attribute] : undefined;
    default:
      return undefined;
  }
}
