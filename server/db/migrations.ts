// Where each provider's schema and migrations live, and how they are read from
// disk into the shape the schema engine expects.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DatabaseProvider } from './database-url.ts';
import type { MigrationList, SchemaFile } from './schema-engine.ts';

const PRISMA_DIR = fileURLToPath(new URL('../../prisma/', import.meta.url));

export const PROVIDER_PATHS: Record<DatabaseProvider, { schema: string; migrations: string }> = {
  sqlite: { schema: `${PRISMA_DIR}schema.prisma`, migrations: `${PRISMA_DIR}migrations` },
  postgresql: { schema: `${PRISMA_DIR}postgresql/schema.prisma`, migrations: `${PRISMA_DIR}postgresql/migrations` },
};

export const MIGRATION_LOCK_FILE = 'migration_lock.toml';

// The model as of the last migration: `npm run db:migrate` diffs against it.
export const SCHEMA_SNAPSHOT = `${PROVIDER_PATHS.sqlite.migrations}/schema.snapshot.prisma`;

export function readSchema(provider: DatabaseProvider): SchemaFile {
  const path = PROVIDER_PATHS[provider].schema;
  return { path, content: readFileSync(path, 'utf8') };
}

export function migrationLockContent(provider: DatabaseProvider): string {
  return `# Written by npm run db:migrate. Do not edit.\nprovider = "${provider}"\n`;
}

// Names of the migration folders, oldest first, without reading any SQL.
export function listMigrationNames(provider: DatabaseProvider, baseDir = PROVIDER_PATHS[provider].migrations): string[] {
  return existsSync(baseDir)
    ? readdirSync(baseDir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()
    : [];
}

export function readMigrationList(provider: DatabaseProvider, baseDir = PROVIDER_PATHS[provider].migrations): MigrationList {
  const lockPath = `${baseDir}/${MIGRATION_LOCK_FILE}`;
  const names = listMigrationNames(provider, baseDir);
  return {
    baseDir,
    lockfile: { path: MIGRATION_LOCK_FILE, content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: names.map((name) => ({
      path: name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok' as const, value: readFileSync(`${baseDir}/${name}/migration.sql`, 'utf8') } },
    })),
  };
}
