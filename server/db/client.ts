// The Prisma client for whichever database DATABASE_URL names. Both generated
// clients come from the same provider-neutral model, so they share one API; the
// SQLite client's type stands for both.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as PostgresPrismaClient } from './generated/postgresql/client.ts';
import { PrismaClient } from './generated/sqlite/client.ts';
import { prepareSqliteFile, providerOf } from './database-url.ts';

export type Db = PrismaClient;
export { Prisma } from './generated/sqlite/client.ts';
export { providerOf } from './database-url.ts';

export function createDb(url: string): Db {
  if (providerOf(url) === 'postgresql') {
    return new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
  }
  prepareSqliteFile(url);
  return new PrismaClient({ adapter: new PrismaBetterSqlite3({ url }) });
}
