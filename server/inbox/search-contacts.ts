// GET /contacts?q=: find a contact by name, email, external id or id (the
// connector editor's preview picks one to see what the AI agent would see).
import { z } from 'zod';
import { parseId } from '../connectors/load-connector.ts';
import type { Principal } from '../identity/principal.ts';
import type { InboxDeps } from './inbox-deps.ts';
import { textContains } from './text-search.ts';

export const searchContactsQuery = z.object({
  q: z.string().trim().max(200, 'q must be at most 200 characters').default(''),
  per_page: z
    .string()
    .regex(/^\d{1,3}$/, 'per_page must be a whole number from 1 to 50')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 50, 'per_page must be a whole number from 1 to 50')
    .default(20),
});

export interface ContactSummaryJson {
  type: 'contact';
  id: string;
  role: string;
  external_id: string | null;
  email: string | null;
  name: string | null;
}

export async function searchContacts(deps: InboxDeps, principal: Principal, query: z.output<typeof searchContactsQuery>): Promise<{ type: 'list'; data: ContactSummaryJson[] }> {
  const { db } = deps;
  const text = query.q;
  const id = parseId(text);
  const rows = await db.contact.findMany({
    where: {
      workspaceId: principal.workspaceId,
      ...(text !== '' && {
        OR: [{ name: textContains(db, text) }, { email: textContains(db, text) }, { externalId: textContains(db, text) }, ...(id !== null ? [{ id }] : [])],
      }),
    },
    // Without a query the newest contacts come first; with one, an exact id first, then by name.
    orderBy: text === '' ? [{ id: 'desc' }] : [{ name: 'asc' }, { id: 'asc' }],
    take: query.per_page,
    select: { id: true, role: true, externalId: true, email: true, name: true },
  });
  const ordered = id === null ? rows : [...rows.filter((r) => r.id === id), ...rows.filter((r) => r.id !== id)];
  return {
    type: 'list',
    data: ordered.map((c) => ({ type: 'contact', id: String(c.id), role: c.role, external_id: c.externalId, email: c.email, name: c.name })),
  };
}
