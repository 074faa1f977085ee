import { isPostgres, type Db } from '../db/client.ts';

// A substring filter that ignores case on both databases: SQLite's LIKE
// already does (for ASCII), PostgreSQL needs mode insensitive, which the
// SQLite client (whose type stands for both) does not know.
export function textContains(db: Db, text: string): { contains: string } {
  return isPostgres(db) ? ({ contains: text, mode: 'insensitive' } as { contains: string }) : { contains: text };
}
