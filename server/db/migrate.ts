// Applies every pending migration of the database's provider through the WASM
// schema engine. Idempotent: Prisma's _prisma_migrations table records history.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { prepareSqliteFile, providerOf, type DatabaseProvider } from './database-url.ts';
import { readMigrationList, readSchema } from './migrations.ts';
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
  const migrationsList = readMigrationList(provider, options.migrationsDir);
  try {
    const { appliedMigrationNames } = await withSchemaEngine(readSchema(provider), migrationAdapterFor(url), (engine) =>
      engine.applyMigrations({ migrationsList, filters: NO_FILTERS }),
    );
    return { provider, applied: appliedMigrationNames };
  } catch (error) {
    throw new Error(`Could not migrate the ${provider} database: ${describeEngineError(error)}`, { cause: error });
  }
}

export function describeEngineError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
