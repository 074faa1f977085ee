// The customer's side of conversations, as the messenger widget sees it: only
// comments (by the customer, a teammate or the bot), never internal notes or
// connector results, and only conversations the session may see.
import { z } from 'zod';
import type { Conversation, ConversationPart } from '../db/generated/sqlite/client.ts';
import type { AppDeps } from '../http/app-deps.ts';
import { isoSeconds } from '../http/iso-seconds.ts';
import { parseOrThrow } from '../http/validation.ts';
import { hashToken } from '../identity/opaque-token.ts';
import { effectiveState, previewText } from '../inbox/conversation-json.ts';
import { nowOf } from '../inbox/inbox-deps.ts';
import { publishConversationUpdated, publishPartCreated } from '../inbox/inbox-events.ts';
import { adminNamesOf, conversationNotFound, loadPartJson, loadSummary, type InboxDb } from '../inbox/load-conversation.ts';
import type { MessengerSessionPrincipal } from './messenger-sessions.ts';

export const MAX_CUSTOMER_MESSAGE_LENGTH = 5000;
const CUSTOMER_VISIBLE_AUTHORS = ['customer', 'admin', 'bot'] as const;

export type MessengerConversationsDeps = Pick<AppDeps, 'db' | 'bus' | 'now' | 'logger' | 'onCustomerMessage'>;

/**
 * A messenger session plus a key derived from its token. Sessions without a
 * verified identity of a user (anyone may claim a user_id when enforcement is
 * off) see only the conversations they wrote in themselves: their customer
 * parts carry this key. It is a hash of the session row's id (itself a hash of
 * the token), so it reveals nothing usable as a credential.
 */
export interface MessengerCaller extends MessengerSessionPrincipal {
  sessionKey: string;
}

export const messengerCaller = (session: MessengerSessionPrincipal, token: string): MessengerCaller => ({
  ...session,
  sessionKey: hashToken(`messenger-conversations:${hashToken(token)}`),
});

export interface MessengerPartJson {
  type: 'messenger_part';
  id: string;
  conversation_id: string;
  author: { type: 'customer' | 'admin' | 'bot'; name: string | null };
  body: string;
  created_at: string;
  // Bot parts only: what the widget offers besides the text (server/agent: metadata.agentAction).
  action?: MessengerPartAction;
}

export type MessengerPartAction = { type: 'verify_email' } | { type: 'confirm_action'; connector_name: string };

/** The widget action a bot part carries in metadata.agentAction, or undefined. */
export function partAction(part: Pick<ConversationPart, 'authorType' | 'metadata'>): MessengerPartAction | undefined {
  if (part.authorType !== 'bot' || !part.metadata || typeof part.metadata !== 'object' || Array.isArray(part.metadata)) return undefined;
  const action = (part.metadata as { agentAction?: unknown }).agentAction;
  if (!action || typeof action !== 'object') return undefined;
  const { type, connector_name: name } = action as { type?: unknown; connector_name?: unknown };
  if (type === 'verify_email') return { type };
  if (type === 'confirm_action' && typeof name === 'string') return { type, connector_name: name };
  return undefined;
}

export interface MessengerConversationSummaryJson {
  type: 'messenger_conversation';
  id: string;
  open: boolean;
  created_at: string;
  last_activity_at: string;
  preview: { author_type: 'customer' | 'admin' | 'bot'; body: string } | null;
}

export interface MessengerConversationJson extends MessengerConversationSummaryJson {
  parts: MessengerPartJson[];
}

export interface CustomerMessageEvent {
  workspaceId: number;
  conversationId: number;
  partId: number;
  customer: { identityVerified: boolean };
  // The messenger session the message came from (its hashed id), so the
  // agent's runs use its auth tokens and call its client functions. Server-side
  // only: never put it in anything sent to a client.
  session: { id: string };
}

export const messageSchema = z.strictObject({
  body: z.string().trim().min(1, 'must not be empty').max(MAX_CUSTOMER_MESSAGE_LENGTH, `must be at most ${MAX_CUSTOMER_MESSAGE_LENGTH} characters`),
});

const isCustomerVisible = (part: Pick<ConversationPart, 'partType' | 'authorType'>) =>
  part.partType === 'comment' && (CUSTOMER_VISIBLE_AUTHORS as readonly string[]).includes(part.authorType);

const visiblePartsWhere = { partType: 'comment' as const, authorType: { in: [...CUSTOMER_VISIBLE_AUTHORS] } };

/** The customer-safe view of a part: no internal ids, no metadata (but a bot's action). Null for parts a customer must not see. */
export function messengerPartJson(part: ConversationPart, adminNames: ReadonlyMap<number, string>): MessengerPartJson | null {
  if (!isCustomerVisible(part)) return null;
  const action = partAction(part);
  return {
    type: 'messenger_part',
    id: String(part.id),
    conversation_id: String(part.conversationId),
    author: {
      type: part.authorType as MessengerPartJson['author']['type'],
      name: part.authorType === 'admin' && part.authorAdminId !== null ? (adminNames.get(part.authorAdminId) ?? null) : null,
    },
    body: part.body,
    created_at: isoSeconds(part.createdAt),
    ...(action && { action }),
  };
}

// Whether the session sees all of its contact's conversations (history), or
// only those it wrote in: verified identities and leads (reachable only through
// their own random anonymous id) have history; a claimed user_id does not.
async function seesHistory(db: InboxDb, caller: MessengerCaller): Promise<boolean> {
  if (caller.identityVerified) return true;
  const contact = await db.contact.findFirst({ where: { id: caller.contactId, workspaceId: caller.workspaceId }, select: { externalId: true } });
  return contact !== null && contact.externalId === null;
}

/** Ids of the conversations the session may see, or 'all' of its contact's. */
async function visibleScope(db: InboxDb, caller: MessengerCaller): Promise<'all' | Set<number>> {
  if (await seesHistory(db, caller)) return 'all';
  const parts = await db.conversationPart.findMany({
    where: { authorType: 'customer', conversation: { workspaceId: caller.workspaceId, contactId: caller.contactId } },
    select: { conversationId: true, metadata: true },
  });
  const ids = new Set<number>();
  for (const part of parts) {
    const metadata = part.metadata as { messengerSessionKey?: unknown } | null;
    if (metadata && typeof metadata === 'object' && metadata.messengerSessionKey === caller.sessionKey) ids.add(part.conversationId);
  }
  return ids;
}

/** Throws 404 unless the conversation is one the session may see. */
async function requireMessengerConversation(db: InboxDb, caller: MessengerCaller, conversationId: number | null) {
  const conversation =
    conversationId === null ? null : await db.conversation.findFirst({ where: { id: conversationId, workspaceId: caller.workspaceId, contactId: caller.contactId } });
  if (!conversation) throw conversationNotFound();
  const scope = await visibleScope(db, caller);
  if (scope !== 'all' && !scope.has(conversation.id)) throw conversationNotFound();
  return conversation;
}

export async function canJoinMessengerConversation(db: InboxDb, caller: MessengerCaller, conversationId: number): Promise<boolean> {
  return requireMessengerConversation(db, caller, conversationId).then(
    () => true,
    () => false,
  );
}

async function summaryOf(db: InboxDb, conversation: { id: number; state: 'open' | 'snoozed' | 'closed'; snoozedUntil: Date | null; createdAt: Date; lastActivityAt: Date }, now: Date): Promise<MessengerConversationSummaryJson> {
  const last = await db.conversationPart.findFirst({ where: { conversationId: conversation.id, ...visiblePartsWhere }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  return {
    type: 'messenger_conversation',
    id: String(conversation.id),
    open: effectiveState(conversation, now).state !== 'closed',
    created_at: isoSeconds(conversation.createdAt),
    last_activity_at: isoSeconds(conversation.lastActivityAt),
    preview: last ? { author_type: last.authorType as 'customer' | 'admin' | 'bot', body: previewText(last.body) } : null,
  };
}

// The conversation is one the session may see (checked, or just started by it).
async function detailOf(db: InboxDb, caller: MessengerCaller, conversation: Conversation, now: Date): Promise<MessengerConversationJson> {
  const parts = await db.conversationPart.findMany({ where: { conversationId: conversation.id, ...visiblePartsWhere }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  const adminNames = await adminNamesOf(db, caller.workspaceId, parts.map((p) => p.authorAdminId));
  return { ...(await summaryOf(db, conversation, now)), parts: parts.map((p) => messengerPartJson(p, adminNames)).filter((p) => p !== null) };
}

export async function listMessengerConversations(deps: MessengerConversationsDeps, caller: MessengerCaller): Promise<{ type: 'list'; data: MessengerConversationSummaryJson[] }> {
  const scope = await visibleScope(deps.db, caller);
  const rows = await deps.db.conversation.findMany({
    where: { workspaceId: caller.workspaceId, contactId: caller.contactId, ...(scope !== 'all' && { id: { in: [...scope] } }) },
    orderBy: [{ lastActivityAt: 'desc' }, { id: 'desc' }],
    take: 100,
  });
  const now = nowOf(deps);
  return { type: 'list', data: await Promise.all(rows.map((row) => summaryOf(deps.db, row, now))) };
}

export async function getMessengerConversation(deps: MessengerConversationsDeps, caller: MessengerCaller, conversationId: number | null): Promise<MessengerConversationJson> {
  return detailOf(deps.db, caller, await requireMessengerConversation(deps.db, caller, conversationId), nowOf(deps));
}

// Runs the customer-message hook (the AI agent) after the response's work is
// done; the customer's message is saved whatever the hook does.
function notifyCustomerMessage(deps: MessengerConversationsDeps, event: CustomerMessageEvent): void {
  const hook = deps.onCustomerMessage;
  if (!hook) return;
  void Promise.resolve()
    .then(() => hook(event))
    .catch((error: unknown) => deps.logger.error({ err: error, conversationId: event.conversationId, partId: event.partId }, 'customer message hook failed'));
}

async function afterCustomerPart(deps: MessengerConversationsDeps, caller: MessengerCaller, conversationId: number, partId: number): Promise<void> {
  const now = nowOf(deps);
  const [part, summary] = await Promise.all([loadPartJson(deps.db, caller.workspaceId, partId), loadSummary(deps.db, caller.workspaceId, conversationId, now)]);
  publishPartCreated(deps.bus, caller.workspaceId, conversationId, part);
  publishConversationUpdated(deps.bus, caller.workspaceId, summary);
  notifyCustomerMessage(deps, { workspaceId: caller.workspaceId, conversationId, partId, customer: { identityVerified: caller.identityVerified }, session: { id: caller.sessionId } });
}

export async function startMessengerConversation(deps: MessengerConversationsDeps, caller: MessengerCaller, input: unknown): Promise<MessengerConversationJson> {
  const { body } = parseOrThrow(messageSchema, input ?? {});
  const now = nowOf(deps);
  const { conversation, partId } = await deps.db.$transaction(async (tx) => {
    const created = await tx.conversation.create({ data: { workspaceId: caller.workspaceId, contactId: caller.contactId, createdAt: now, lastActivityAt: now } });
    const part = await tx.conversationPart.create({
      data: { conversationId: created.id, authorType: 'customer', partType: 'comment', body, metadata: { messengerSessionKey: caller.sessionKey }, createdAt: now },
    });
    return { conversation: created, partId: part.id };
  });
  await deps.bus.joinMessengerSession?.(caller.sessionId, conversation.id);
  await afterCustomerPart(deps, caller, conversation.id, partId);
  // Its own new conversation: the session may see it, no need to check again.
  return detailOf(deps.db, caller, conversation, now);
}

export async function postMessengerMessage(deps: MessengerConversationsDeps, caller: MessengerCaller, conversationId: number | null, input: unknown): Promise<MessengerPartJson> {
  const { body } = parseOrThrow(messageSchema, input ?? {});
  const now = nowOf(deps);
  const part = await deps.db.$transaction(async (tx) => {
    const conversation = await requireMessengerConversation(tx, caller, conversationId);
    const created = await tx.conversationPart.create({
      data: { conversationId: conversation.id, authorType: 'customer', partType: 'comment', body, metadata: { messengerSessionKey: caller.sessionKey }, createdAt: now },
    });
    // A customer writing again reopens the conversation, so the team sees it.
    await tx.conversation.update({ where: { id: conversation.id }, data: { lastActivityAt: now, state: 'open', snoozedUntil: null } });
    return created;
  });
  await afterCustomerPart(deps, caller, part.conversationId, part.id);
  return messengerPartJson(part, new Map())!;
}
