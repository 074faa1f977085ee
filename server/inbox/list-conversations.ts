// The inbox list: newest activity first, filtered by state, assignee and text.
import type { Prisma } from '../db/generated/sqlite/client.ts';
import { afterCursor, decodeCursor, pageOf } from '../http/cursor.ts';
import { invalidParameter } from '../http/app-error.ts';
import type { Principal } from '../identity/principal.ts';
import type { ConversationSummaryJson } from './conversation-json.ts';
import { nowOf, type InboxDeps } from './inbox-deps.ts';
import { summariesOf, summaryInclude } from './load-conversation.ts';
import { textContains } from './text-search.ts';

export const STATE_FILTERS = ['open', 'snoozed', 'closed', 'all'] as const;
export const ASSIGNEE_FILTERS = ['me', 'unassigned', 'all'] as const;

export interface ListConversationsQuery {
  state: (typeof STATE_FILTERS)[number];
  assignee: (typeof ASSIGNEE_FILTERS)[number];
  q?: string | undefined;
  perPage: number;
  startingAfter?: string | undefined;
}

export interface ConversationListJson {
  type: 'conversation.list';
  data: ConversationSummaryJson[];
  total_count: number;
  pages: ReturnType<typeof pageOf>['pages'];
}

// A snooze that has run out counts as open (conversation-json.ts effectiveState).
function stateWhere(state: ListConversationsQuery['state'], now: Date): Prisma.ConversationWhereInput {
  switch (state) {
    case 'all':
      return {};
    case 'closed':
      return { state: 'closed' };
    case 'snoozed':
      return { state: 'snoozed', snoozedUntil: { gt: now } };
    case 'open':
      return { OR: [{ state: 'open' }, { state: 'snoozed', OR: [{ snoozedUntil: null }, { snoozedUntil: { lte: now } }] }] };
  }
}

export async function listConversations(deps: InboxDeps, principal: Principal, query: ListConversationsQuery): Promise<ConversationListJson> {
  const { db } = deps;
  const now = nowOf(deps);
  const cursor = query.startingAfter ? decodeCursor(query.startingAfter) : null;
  if (query.assignee === 'me' && principal.adminId === null) {
    throw invalidParameter('assignee', 'assignee: "me" needs a signed-in teammate or a token created by one; this token belongs to no admin', 400);
  }
  const text = query.q?.trim();
  const contains = text ? textContains(db, text) : null;
  const where: Prisma.ConversationWhereInput = {
    workspaceId: principal.workspaceId,
    AND: [
      stateWhere(query.state, now),
      query.assignee === 'me' ? { assigneeAdminId: principal.adminId } : query.assignee === 'unassigned' ? { assigneeAdminId: null } : {},
      contains ? { OR: [{ contact: { name: contains } }, { contact: { email: contains } }, { title: contains }, { parts: { some: { body: contains } } }] } : {},
    ],
  };
  const [rows, total] = await Promise.all([
    db.conversation.findMany({
      where: { ...where, ...afterCursor('lastActivityAt', cursor) },
      orderBy: [{ lastActivityAt: 'desc' }, { id: 'desc' }],
      take: query.perPage + 1,
      include: summaryInclude,
    }),
    db.conversation.count({ where }),
  ]);
  const { data, pages } = pageOf(rows, query.perPage, (row) => row.lastActivityAt);
  return { type: 'conversation.list', data: await summariesOf(db, data, now), total_count: total, pages };
}
