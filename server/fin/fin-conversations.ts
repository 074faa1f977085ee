// /fin/start and /fin/reply: the host company's own channel talks to the AI
// agent. The user object becomes (or updates) the contact with that user_id,
// the message becomes a customer part of a Patchbay conversation the inbox
// sees like any other, and the answer is asynchronous, as in the reference:
// the request returns `thinking`, the agent's reply and status follow as
// webhooks (fin-turns.ts).
import { createHash } from 'node:crypto';
import type { Principal } from '../identity/principal.ts';
import { isPlainObject } from '../connectors/pipeline/own-json.ts';
import type { PipelineDeps } from '../connectors/pipeline/pipeline-deps.ts';
import { Prisma } from '../db/client.ts';
import { retryOnUniqueViolation } from '../db/unique-violation.ts';
import type { AttributeType, Contact, FinAgentConversation } from '../db/generated/sqlite/client.ts';
import { AppError } from '../http/app-error.ts';
import { readAttributes } from '../inbox/conversation-json.ts';
import { nowOf } from '../inbox/inbox-deps.ts';
import { publishConversationUpdated, publishPartCreated } from '../inbox/inbox-events.ts';
import { loadPartJson, loadSummary, type InboxDb } from '../inbox/load-conversation.ts';
import { filterContactAttributeUpdates, loadContactAttributeDefinitions, type AttributeDefinition, type IgnoredAttribute } from '../messenger/protected-attributes.ts';
import { htmlToText, type FinAttachmentInput, type FinReplyInput, type FinStartInput, type FinUserInput } from './fin-input.ts';
import type { FinStatus } from './fin-webhooks.ts';

export interface FinAttributeErrors {
  user?: { attributes: Record<string, string> };
  conversation?: { attributes: Record<string, string> };
}

export interface FinAgentResponse {
  conversation_id: string;
  user_id: string;
  status: FinStatus;
  created_at_ms: string;
  errors?: FinAttributeErrors;
}

/** A customer message the agent is to answer once the response is sent. */
export interface FinTurnJob {
  workspaceId: number;
  finConversationId: number;
  conversationId: number;
  partId: number;
  externalId: string;
  userId: string;
  followUpQuestions: boolean;
}

export interface FinRequestResult {
  response: FinAgentResponse;
  job: FinTurnJob | null;
}

export type FinConversationDeps = Pick<PipelineDeps, 'db' | 'bus' | 'now' | 'logger'>;

// The reference dedupes a message sent again within five minutes (same timestamp and body).
const DEDUPE_WINDOW_MS = 5 * 60 * 1000;
// Once the agent handed off, the team answers: messages still reach the inbox, the agent stays out.
export const AGENT_DONE: ReadonlySet<string> = new Set(['escalated']);

const badRequest = (field: string, message: string) => new AppError(400, { code: 'parameter_invalid', message, field });
const messageKey = (message: { body: string; timestamp?: string | undefined }) =>
  message.timestamp === undefined ? null : createHash('sha256').update(`${Date.parse(message.timestamp)}\n${message.body}`).digest('hex');

function attributeMessages(kind: 'User' | 'Conversation', ignored: IgnoredAttribute[], definitions: AttributeDefinition[]): Record<string, string> {
  const types = new Map<string, AttributeType>(definitions.map((d) => [d.name, d.type]));
  const messages = {
    unknown: (name: string) => `${kind} attribute '${name}' does not exist`,
    protected: (name: string) => `${kind} attribute '${name}' is protected (it identifies the customer to connectors); only an admin's token can set it`,
    invalid_value: (name: string) => `${kind} attribute '${name}' must be a ${types.get(name) ?? 'valid value'}`,
  };
  return Object.fromEntries(ignored.map(({ name, reason }) => [name, messages[reason](name)]));
}

// The host's server may set protected attributes as the admin API does, when its token has the admin role.
const attributeSource = (actor: Principal) => (actor.role === 'admin' ? ('admin' as const) : ('messenger' as const));

async function conversationAttributeDefinitions(db: InboxDb, workspaceId: number): Promise<AttributeDefinition[]> {
  return db.customAttributeDefinition.findMany({ where: { workspaceId, target: 'conversation' }, select: { name: true, type: true, protected: true } });
}

// Finds or creates the user by the host's id and applies what the host says about them.
async function upsertFinContact(tx: Prisma.TransactionClient, actor: Principal, user: FinUserInput, definitions: AttributeDefinition[], now: Date) {
  const { workspaceId } = actor;
  const filtered = filterContactAttributeUpdates(definitions, user.attributes ?? {}, attributeSource(actor));
  let contact: Contact | null = await tx.contact.findUnique({ where: { workspaceId_externalId: { workspaceId, externalId: user.id } } });
  contact ??= await tx.contact.create({ data: { workspaceId, role: 'user', externalId: user.id } });
  const data: Prisma.ContactUpdateInput = { lastSeenAt: now };
  if (user.email !== undefined && user.email !== contact.email?.toLowerCase()) Object.assign(data, { email: user.email, emailVerifiedAt: null });
  if (user.name !== undefined && user.name !== contact.name) data.name = user.name;
  if (Object.keys(filtered.apply).length > 0) data.customAttributes = { ...readAttributes(contact), ...filtered.apply } as Prisma.InputJsonValue;
  const updated = await tx.contact.update({ where: { id: contact.id }, data });
  return { contact: updated, errors: attributeMessages('User', filtered.ignored, definitions) };
}

function withErrors(response: FinAgentResponse, errors: { user: Record<string, string>; conversation?: Record<string, string> }): FinAgentResponse {
  const out: FinAttributeErrors = {};
  if (Object.keys(errors.user).length > 0) out.user = { attributes: errors.user };
  if (errors.conversation && Object.keys(errors.conversation).length > 0) out.conversation = { attributes: errors.conversation };
  return Object.keys(out).length > 0 ? { ...response, errors: out } : response;
}

const attachmentsMetadata = (attachments: FinAttachmentInput[] | undefined) =>
  // File bytes are not kept: the agent reads text, and a conversation part is no file store.
  (attachments ?? []).map((a) => ({ type: a.type, ...(a.url && { url: a.url }), ...(a.name && { name: a.name }), ...(a.content_type && { content_type: a.content_type }) }));

function customerPartData(conversationId: number, message: FinStartInput['message'], attachments: FinAttachmentInput[] | undefined, now: Date) {
  const key = messageKey(message);
  const files = attachmentsMetadata(attachments);
  return {
    conversationId,
    authorType: 'customer' as const,
    partType: 'comment' as const,
    body: htmlToText(message.body),
    metadata: { finAgentApi: true, ...(key && { finMessageKey: key }), ...(files.length > 0 && { finAttachments: files }) },
    createdAt: now,
  };
}

const historyAuthor = { user: 'customer', agent: 'admin', fin: 'bot' } as const;

// A history entry keeps its own time when it has one that is not in the future,
// so the thread reads in order before the new message.
function historyTime(timestamp: string | undefined, now: Date, index: number, count: number): Date {
  const parsed = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
  if (Number.isFinite(parsed) && parsed < now.getTime()) return new Date(parsed);
  return new Date(now.getTime() - (count - index));
}

async function publishCustomerPart(deps: FinConversationDeps, workspaceId: number, conversationId: number, partIds: number[]): Promise<void> {
  const now = nowOf(deps);
  for (const id of partIds) publishPartCreated(deps.bus, workspaceId, conversationId, await loadPartJson(deps.db, workspaceId, id));
  publishConversationUpdated(deps.bus, workspaceId, await loadSummary(deps.db, workspaceId, conversationId, now));
}

const responseOf = (fin: Pick<FinAgentConversation, 'externalId' | 'userId' | 'status'>, now: Date): FinAgentResponse => ({
  conversation_id: fin.externalId,
  user_id: fin.userId,
  status: fin.status as FinStatus,
  created_at_ms: now.toISOString(),
});

async function isDuplicate(db: InboxDb, conversationId: number, message: FinStartInput['message'], now: Date): Promise<boolean> {
  const key = messageKey(message);
  if (key === null) return false;
  const recent = await db.conversationPart.findMany({
    where: { conversationId, authorType: 'customer', createdAt: { gte: new Date(now.getTime() - DEDUPE_WINDOW_MS) } },
    select: { metadata: true },
  });
  return recent.some((part) => isPlainObject(part.metadata) && part.metadata.finMessageKey === key);
}

/** POST /fin/start: a new conversation with the user's first message; the agent answers it. */
export async function startFinConversation(deps: FinConversationDeps, actor: Principal, input: FinStartInput): Promise<FinRequestResult> {
  const { workspaceId } = actor;
  const now = nowOf(deps);
  const run = () =>
    deps.db.$transaction(async (tx) => {
      const existing = await tx.finAgentConversation.findUnique({ where: { workspaceId_externalId: { workspaceId, externalId: input.conversation_id } } });
      if (existing) {
        // The same start sent again (a client retry) answers as the first did.
        if (existing.userId === input.user.id && (await isDuplicate(tx, existing.conversationId, input.message, now))) return { kind: 'duplicate', duplicate: existing } as const;
        throw badRequest('conversation_id', `A conversation with conversation_id ${input.conversation_id} already exists; continue it with /fin/reply`);
      }
      const { contact, errors: userErrors } = await upsertFinContact(tx, actor, input.user, await loadContactAttributeDefinitions(tx, workspaceId), now);
      const conversationDefinitions = await conversationAttributeDefinitions(tx, workspaceId);
      const conversationAttributes = filterContactAttributeUpdates(conversationDefinitions, input.conversation_metadata?.attributes ?? {}, attributeSource(actor));
      const conversation = await tx.conversation.create({
        data: { workspaceId, contactId: contact.id, customAttributes: conversationAttributes.apply, createdAt: now, lastActivityAt: now },
      });
      const history = input.conversation_metadata?.history ?? [];
      const partIds: number[] = [];
      for (const [index, entry] of history.entries()) {
        const part = await tx.conversationPart.create({
          data: {
            conversationId: conversation.id,
            authorType: historyAuthor[entry.author],
            partType: 'comment',
            body: htmlToText(entry.body),
            metadata: { finAgentApi: true, finHistory: true },
            createdAt: historyTime(entry.timestamp, now, index, history.length),
          },
        });
        partIds.push(part.id);
      }
      const part = await tx.conversationPart.create({ data: customerPartData(conversation.id, input.message, input.attachments, now) });
      partIds.push(part.id);
      const fin = await tx.finAgentConversation.create({
        data: { workspaceId, externalId: input.conversation_id, conversationId: conversation.id, userId: input.user.id, status: 'thinking' },
      });
      const errors = { user: userErrors, conversation: attributeMessages('Conversation', conversationAttributes.ignored, conversationDefinitions) };
      return { kind: 'created', fin, partIds, errors } as const;
    });
  // Two first requests at once: the loser sees the winner's conversation (or contact) and answers accordingly.
  const result = await retryOnUniqueViolation(run);
  if (result.kind === 'duplicate') return { response: responseOf(result.duplicate, now), job: null };

  const { fin, partIds, errors } = result;
  await publishCustomerPart(deps, workspaceId, fin.conversationId, partIds);
  return {
    response: withErrors(responseOf(fin, now), errors),
    job: {
      workspaceId,
      finConversationId: fin.id,
      conversationId: fin.conversationId,
      partId: partIds.at(-1)!,
      externalId: fin.externalId,
      userId: fin.userId,
      followUpQuestions: input.settings?.follow_up_questions ?? true,
    },
  };
}

/** POST /fin/reply: the user's next message in a conversation started with /fin/start. */
export async function replyToFin(deps: FinConversationDeps, actor: Principal, input: FinReplyInput): Promise<FinRequestResult> {
  const { workspaceId } = actor;
  const now = nowOf(deps);
  const run = () =>
    deps.db.$transaction(async (tx) => {
      const fin = await tx.finAgentConversation.findUnique({ where: { workspaceId_externalId: { workspaceId, externalId: input.conversation_id } } });
      if (!fin) throw badRequest('conversation_id', `No conversation with conversation_id ${input.conversation_id}; start one with /fin/start`);
      if (fin.userId !== input.user.id) throw badRequest('user.id', `user.id does not match the user of conversation ${input.conversation_id}`);
      if (await isDuplicate(tx, fin.conversationId, input.message, now)) return { kind: 'duplicate', duplicate: fin } as const;
      const { errors } = await upsertFinContact(tx, actor, input.user, await loadContactAttributeDefinitions(tx, workspaceId), now);
      const part = await tx.conversationPart.create({ data: customerPartData(fin.conversationId, input.message, input.attachments, now) });
      // A user writing again reopens the conversation, so the team sees it.
      await tx.conversation.update({ where: { id: fin.conversationId }, data: { lastActivityAt: now, state: 'open', snoozedUntil: null } });
      const agentAnswers = !AGENT_DONE.has(fin.status);
      const updated = agentAnswers ? await tx.finAgentConversation.update({ where: { id: fin.id }, data: { status: 'thinking' } }) : fin;
      return { kind: 'added', fin: updated, partId: part.id, errors, agentAnswers } as const;
    });
  const result = await retryOnUniqueViolation(run);
  if (result.kind === 'duplicate') return { response: responseOf(result.duplicate, now), job: null };

  const { fin, partId, errors, agentAnswers } = result;
  await publishCustomerPart(deps, workspaceId, fin.conversationId, [partId]);
  const response = withErrors(responseOf(fin, now), { user: errors });
  if (!agentAnswers) return { response, job: null };
  return {
    response,
    job: {
      workspaceId,
      finConversationId: fin.id,
      conversationId: fin.conversationId,
      partId,
      externalId: fin.externalId,
      userId: fin.userId,
      followUpQuestions: input.settings?.follow_up_questions ?? true,
    },
  };
}
