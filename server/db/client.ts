// The Prisma client for whichever database DATABASE_URL names. Both generated
// clients come from the same provider-neutral model, so they share one API; the
// SQLite client's type stands for both.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient as PostgresPrismaClient } from './generated/postgresql/client.ts';
import { PrismaClient } from './generated/sqlite/client.ts';
import { prepareSqliteFile, providerOf } from './database-url.ts';

export type Db = PrismaClient;
export { Prisma } from './generated/sqlite/client.ts';
export { providerOf } from './database-url.ts';

// Which database a client talks to, for the few queries that differ (case-insensitive search).
const providers = new WeakMap<object, 'sqlite' | 'postgresql'>();
export const isPostgres = (db: object): boolean => providers.get(db) === 'postgresql';

export function createDb(url: string): Db {
  if (providerOf(url) === 'postgresql') {
    const db = new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
    providers.set(db, 'postgresql');
    return db;
  }
  prepareSqliteFile(url);
  const db = new PrismaClient({ adapter: tunedSqlite(url) });
  providers.set(db, 'sqlite');
  return db;
}

// SQLite leaves foreign keys off (so onDelete: Cascade would do nothing) and
// syncs the disk several times per commit. WAL with synchronous=NORMAL keeps
// every commit durable against a process crash at a fraction of the cost.
const SQLITE_PRAGMAS = 'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;';

function tunedSqlite(url: string): SqlDriverAdapterFactory {
  const factory = new PrismaBetterSqlite3({ url, timeout: 5000 });
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      const adapter = await factory.connect();
      await adapter.executeScript(SQLITE_PRAGMAS);
      return adapter;
    },
  };
}
