import type { Db } from '../db/client.ts';
import type { OutboxEmail } from '../db/generated/sqlite/client.ts';
import { afterCursor, decodeCursor, pageOf } from '../http/cursor.ts';
import { isoSeconds } from '../http/iso-seconds.ts';

export function outboxEmailView(email: OutboxEmail) {
  return {
    type: 'outbox_email' as const,
    id: String(email.id),
    to: email.to,
    subject: email.subject,
    text: email.text,
    sent_at: email.sentAt ? isoSeconds(email.sentAt) : null,
    created_at: isoSeconds(email.createdAt),
  };
}

export interface ListOutboxQuery {
  perPage: number;
  startingAfter?: string | undefined;
}

// Newest first, with the same cursors as the other lists.
export async function listOutbox(db: Pick<Db, 'outboxEmail'>, actor: { workspaceId: number }, query: ListOutboxQuery) {
  const cursor = query.startingAfter ? decodeCursor(query.startingAfter) : null;
  const rows = await db.outboxEmail.findMany({
    where: { workspaceId: actor.workspaceId, ...afterCursor('createdAt', cursor) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.perPage + 1,
  });
  const { data, pages } = pageOf(rows, query.perPage, (row) => row.createdAt);
  return { type: 'list' as const, data: data.map(outboxEmailView), pages };
}
