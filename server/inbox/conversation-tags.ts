// Tags on a conversation: trimmed, 1-100 characters, each at most once
// (compared without case, the first spelling kept). Adding a tag that is there
// or removing one that is not changes nothing, so a macro or two teammates
// doing the same thing never fail each other.
import type { Prisma } from '../db/generated/sqlite/client.ts';
import { AppError } from '../http/app-error.ts';
import type { Principal } from '../identity/principal.ts';
import { readTags, type ConversationDetailJson } from './conversation-json.ts';
import { nowOf, type InboxDeps } from './inbox-deps.ts';
import { publishConversationUpdated } from './inbox-events.ts';
import { loadDetail, requireConversation, summaryOfDetail } from './load-conversation.ts';

export const MAX_TAG_LENGTH = 100;
export const MAX_TAGS = 50;

export function checkTagName(name: unknown, field = 'name'): string {
  const tag = typeof name === 'string' ? name.trim() : '';
  if (tag === '') throw new AppError(422, { code: 'parameter_invalid', field, message: `${field}: a tag must not be empty` });
  if (tag.length > MAX_TAG_LENGTH) throw new AppError(422, { code: 'parameter_invalid', field, message: `${field}: a tag must be at most ${MAX_TAG_LENGTH} characters` });
  return tag;
}

const sameTag = (a: string, b: string) => a.toLocaleLowerCase() === b.toLocaleLowerCase();

async function changeTags(deps: InboxDeps, principal: Principal, conversationId: number, change: (tags: string[]) => string[] | null): Promise<ConversationDetailJson> {
  const now = nowOf(deps);
  const { workspaceId } = principal;
  const changed = await deps.db.$transaction(async (tx) => {
    const conversation = await requireConversation(tx, workspaceId, conversationId);
    const next = change(readTags(conversation));
    if (next === null) return null;
    await tx.conversation.update({ where: { id: conversationId }, data: { tags: next as Prisma.InputJsonArray } });
    return loadDetail(tx, workspaceId, conversationId, now);
  });
  if (!changed) return loadDetail(deps.db, workspaceId, conversationId, now);
  publishConversationUpdated(deps.bus, workspaceId, summaryOfDetail(changed));
  return changed;
}

export async function addConversationTag(deps: InboxDeps, principal: Principal, conversationId: number, name: string): Promise<ConversationDetailJson> {
  const tag = checkTagName(name);
  return changeTags(deps, principal, conversationId, (tags) => {
    if (tags.some((t) => sameTag(t, tag))) return null;
    if (tags.length >= MAX_TAGS) throw new AppError(422, { code: 'parameter_invalid', field: 'name', message: `name: a conversation has at most ${MAX_TAGS} tags; remove one first` });
    return [...tags, tag];
  });
}

export async function removeConversationTag(deps: InboxDeps, principal: Principal, conversationId: number, name: string): Promise<ConversationDetailJson> {
  const tag = checkTagName(name);
  return changeTags(deps, principal, conversationId, (tags) => {
    const kept = tags.filter((t) => !sameTag(t, tag));
    return kept.length === tags.length ? null : kept;
  });
}
