// Reads conversations for the inbox and turns them into wire shapes. Every
// lookup is scoped to the caller's workspace: an id of another workspace is
// simply not found.
import type { Db } from '../db/client.ts';
import type { Conversation, Prisma } from '../db/generated/sqlite/client.ts';
import { notFound } from '../http/app-error.ts';
import {
  conversationDetailJson,
  conversationSummaryJson,
  partJson,
  type ConversationDetailJson,
  type ConversationSummaryJson,
  type PartJson,
  type SummaryRow,
} from './conversation-json.ts';

// Reads that work inside a transaction as well as outside one.
export type InboxDb = Db | Prisma.TransactionClient;

export const conversationNotFound = (id?: number | string) => notFound('conversation_not_found', id === undefined ? 'Conversation not found' : `Conversation ${id} not found`);
export const contactNotFound = (id?: number | string) => notFound('contact_not_found', id === undefined ? 'Contact not found' : `Contact ${id} not found`);

export const summaryInclude = {
  contact: { select: { id: true, name: true, email: true } },
  assignee: { select: { id: true, name: true } },
} as const satisfies Prisma.ConversationInclude;

export async function requireConversation(db: InboxDb, workspaceId: number, id: number): Promise<Conversation> {
  const conversation = await db.conversation.findFirst({ where: { id, workspaceId } });
  if (!conversation) throw conversationNotFound(id);
  return conversation;
}

// The summaries of a page of conversations, in the given order: three queries
// whatever the page size (newest part, newest customer part).
export async function summariesOf(db: InboxDb, rows: SummaryRow[], now: Date): Promise<ConversationSummaryJson[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [newest, customer] = await Promise.all([
    db.conversationPart.groupBy({ by: ['conversationId'], where: { conversationId: { in: ids } }, _max: { id: true } }),
    db.conversationPart.groupBy({ by: ['conversationId'], where: { conversationId: { in: ids }, authorType: 'customer' }, _max: { createdAt: true } }),
  ]);
  const newestIds = newest.map((g) => g._max.id).filter((id): id is number => id !== null);
  const lastParts = newestIds.length > 0
    ? await db.conversationPart.findMany({ where: { id: { in: newestIds } }, select: { conversationId: true, authorType: true, partType: true, body: true } })
    : [];
  const lastPartOf = new Map(lastParts.map((p) => [p.conversationId, p]));
  const customerAt = new Map(customer.map((g) => [g.conversationId, g._max.createdAt]));
  return rows.map((row) => conversationSummaryJson(row, { lastPart: lastPartOf.get(row.id) ?? null, lastCustomerPartAt: customerAt.get(row.id) ?? null, now }));
}

export async function loadSummary(db: InboxDb, workspaceId: number, id: number, now: Date): Promise<ConversationSummaryJson> {
  const row = await db.conversation.findFirst({ where: { id, workspaceId }, include: summaryInclude });
  if (!row) throw conversationNotFound(id);
  const [summary] = await summariesOf(db, [row], now);
  return summary!;
}

export async function adminNamesOf(db: InboxDb, workspaceId: number, ids: (number | null)[]): Promise<Map<number, string>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  if (wanted.length === 0) return new Map();
  const admins = await db.admin.findMany({ where: { id: { in: wanted }, workspaceId }, select: { id: true, name: true } });
  return new Map(admins.map((a) => [a.id, a.name]));
}

// One part as the wire shows it (for a part just written).
export async function loadPartJson(db: InboxDb, workspaceId: number, partId: number): Promise<PartJson> {
  const part = await db.conversationPart.findFirstOrThrow({ where: { id: partId, conversation: { workspaceId } }, include: { conversation: { select: { contact: { select: { id: true, name: true } } } } } });
  const { conversation, ...row } = part;
  return partJson(row, { contact: conversation.contact, adminNames: await adminNamesOf(db, workspaceId, [row.authorAdminId]) });
}

// The summary a detail starts with (what conversation.updated carries).
export const summaryOfDetail = ({ custom_attributes: _attributes, parts: _parts, ...summary }: ConversationDetailJson): ConversationSummaryJson => summary;

export async function loadDetail(db: InboxDb, workspaceId: number, id: number, now: Date): Promise<ConversationDetailJson> {
  const row = await db.conversation.findFirst({
    where: { id, workspaceId },
    include: { ...summaryInclude, parts: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
  });
  if (!row) throw conversationNotFound(id);
  const { parts, ...conversation } = row;
  const adminNames = await adminNamesOf(db, workspaceId, parts.map((p) => p.authorAdminId));
  const lastPart = parts.reduce<(typeof parts)[number] | null>((newest, p) => (newest === null || p.id > newest.id ? p : newest), null);
  const lastCustomerPartAt = parts.filter((p) => p.authorType === 'customer').reduce<Date | null>((at, p) => (at === null || p.createdAt > at ? p.createdAt : at), null);
  const summary = conversationSummaryJson(conversation, { lastPart, lastCustomerPartAt, now });
  return conversationDetailJson(summary, conversation, parts.map((p) => partJson(p, { contact: conversation.contact, adminNames })));
}
