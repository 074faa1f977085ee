// Applies every pending migration of the database's provider through the WASM
// schema engine. Idempotent: Prisma's _prisma_migrations table records history.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { prepareSqliteFile, providerOf, type DatabaseProvider } from './database-url.ts';
import { listMigrationNames, readMigrationList, readSchema } from './migrations.ts';
import { NO_FILTERS, withSchemaEngine } from './schema-engine.ts';

export function migrationAdapterFor(url: string): SqlMigrationAwareDriverAdapterFactory {
  if (providerOf(url) === 'postgresql') return new PrismaPg({ connectionString: url });
  prepareSqliteFile(url);
  return new PrismaBetterSqlite3({ url });
}

export interface MigrateResult {
  provider: DatabaseProvider;
  applied: string[];
}

export async function migrateDatabase(url: string, options: { migrationsDir?: string } = {}): Promise<MigrateResult> {
  const provider = providerOf(url);
  // Nothing pending (every start but the first after an upgrade): done
  // without reading the SQL or starting the engine, which on SQLite needs the
  // file to itself (it takes an exclusive lock), so `patchbay token create`
  // works while the server runs.
  const applied = await appliedMigrations(url);
  if (applied && listMigrationNames(provider, options.migrationsDir).every((name) => applied.has(name))) return { provider, applied: [] };
  try {
    const migrationsList = readMigrationList(provider, options.migrationsDir);
    const { appliedMigrationNames } = await withSchemaEngine(readSchema(provider), migrationAdapterFor(url), (engine) =>
      engine.applyMigrations({ migrationsList, filters: NO_FILTERS }),
    );
    return { provider, applied: appliedMigrationNames };
  } catch (error) {
    const message = describeEngineError(error);
    const hint = provider === 'sqlite' && /SocketTimeout|database is locked|SQLITE_BUSY/i.test(message)
      ? ' (SQLite migrations need the database to themselves: stop the running Patchbay server, then start it again to migrate)'
      : '';
    throw new Error(`Could not migrate the ${provider} database${hint}: ${message}`, { cause: error });
  }
}

// Names of the migrations the database has finished, or null before the first one.
async function appliedMigrations(url: string): Promise<Set<string> | null> {
  const adapter = await migrationAdapterFor(url).connect();
  try {
    const result = await adapter.queryRaw({
      sql: 'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      args: [],
      argTypes: [],
    });
    return new Set(result.rows.map((row) => String(row[0])));
  } catch {
    return null;
  } finally {
    await adapter.dispose();
  }
}

function describeEngineError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
