// The conversation, contact, company and message a run is about, and the
// `{{user.*}}`, `{{conversation.*}}`, `{{company.*}}`, `{{conversation_part.body}}`
// and `{{auth_tokens.*}}` values templates read from them.
import { Prisma, type Db } from '../../db/client.ts';
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
  const found = request.conversationId ? await findConversationWithContact(db, workspaceId, request.conversationId) : null;
  if (request.conversationId && !found) throw new RunContextError(`conversation ${request.conversationId} not found`);
  const conversation = found?.conversation ?? null;
  let contact = found?.contact ?? null;
  let company = found?.company ?? null;
  if (request.contactId && contact?.id !== request.contactId) {
    if (conversation) throw new RunContextError(`contact ${request.contactId} is not the contact of conversation ${conversation.id}`);
    const lone = await db.contact.findFirst({ where: { id: request.contactId, workspaceId }, include: { company: true } });
    if (!lone) throw new RunContextError(`contact ${request.contactId} not found`);
    ({ company, ...contact } = lone);
  }
  const part = request.conversationPartId
    ? await db.conversationPart.findFirst({ where: { id: request.conversationPartId, conversationId: conversation?.id ?? -1 } })
    : null;
  if (request.conversationPartId && !part) throw new RunContextError(`message ${request.conversationPartId} not found in this conversation`);
  return { contact, conversation, company, part, userTokens: request.userTokens ?? {} };
}

// Prisma reads an include with one SELECT per relation, and its own work per
// statement costs more than the statement: this is the same read as one join.
// The columns come from the generated model, so a column added to the schema
// is read too, and the driver adapters type raw rows as Prisma does (JSON
// parsed, DateTime as Date) on SQLite and PostgreSQL alike: see "loads the
// conversation, its contact and its company exactly as Prisma does" in
// test/integration/api/run-connector-endpoints.test.ts.
const TABLES = [
  ['cv', Prisma.ConversationScalarFieldEnum],
  ['ct', Prisma.ContactScalarFieldEnum],
  ['co', Prisma.CompanyScalarFieldEnum],
] as const;
const SELECT_CONVERSATION_WITH_CONTACT = Prisma.raw(
  `SELECT ${TABLES.flatMap(([alias, fields]) => Object.values(fields).map((f) => `${alias}."${f}" AS "${alias}.${f}"`)).join(', ')}
   FROM "Conversation" cv JOIN "Contact" ct ON ct."id" = cv."contactId" LEFT JOIN "Company" co ON co."id" = ct."companyId"`,
);

async function findConversationWithContact(db: Db, workspaceId: number, id: number): Promise<{ conversation: Conversation; contact: Contact; company: Company | null } | null> {
  const [row] = await db.$queryRaw<Record<string, unknown>[]>`${SELECT_CONVERSATION_WITH_CONTACT} WHERE cv."id" = ${id} AND cv."workspaceId" = ${workspaceId}`;
  if (!row) return null;
  const [conversation, contact, company] = TABLES.map(([alias, fields]) => Object.fromEntries(Object.values(fields).map((f) => [f, row[`${alias}.${f}`]])));
  return { conversation: conversation as Conversation, contact: contact as Contact, company: company!.id === null ? null : (company as Company) };
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
