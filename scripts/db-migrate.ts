// npm run db:migrate -- --name <name>
// Creates the next migration for both providers from the changes made to
// prisma/schema.prisma since the last migration. Works offline: the previous
// state is the schema snapshot kept next to the migrations, and the diff is
// computed between two datamodels without touching a database.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { DatabaseProvider } from '../server/db/database-url.ts';
import { diffDatamodels, EMPTY_MIGRATION, type DiffSource } from '../server/db/diff-datamodels.ts';
import { MIGRATION_LOCK_FILE, PROVIDER_PATHS, SCHEMA_SNAPSHOT, migrationLockContent } from '../server/db/migrations.ts';
// @ts-expect-error plain ESM script without types
import { derivePostgresSchema } from './derive-postgres-schema.mjs';

const PROVIDERS = ['sqlite', 'postgresql'] as const;

// The neutral model is the SQLite one; PostgreSQL's is derived from it.
const forProvider = (provider: DatabaseProvider, neutral: string): string => (provider === 'sqlite' ? neutral : derivePostgresSchema(neutral));

function timestamp(now = new Date()): string {
  return now.toISOString().replace(/\D/g, '').slice(0, 14);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { name: { type: 'string' } } });
  const name = values.name?.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  if (!name) {
    console.error('usage: npm run db:migrate -- --name <what_changed>');
    process.exit(2);
  }
  const neutral = readFileSync(PROVIDER_PATHS.sqlite.schema, 'utf8');
  writeFileSync(PROVIDER_PATHS.postgresql.schema, forProvider('postgresql', neutral));
  const previous = existsSync(SCHEMA_SNAPSHOT) ? readFileSync(SCHEMA_SNAPSHOT, 'utf8') : null;

  const sql = {} as Record<DatabaseProvider, string>;
  for (const provider of PROVIDERS) {
    const from: DiffSource = previous === null ? { tag: 'empty' } : { tag: 'datamodel', schema: { path: SCHEMA_SNAPSHOT, content: forProvider(provider, previous) } };
    sql[provider] = await diffDatamodels(provider, from, { path: PROVIDER_PATHS[provider].schema, content: forProvider(provider, neutral) });
  }
  if (EMPTY_MIGRATION.test(sql.sqlite) && EMPTY_MIGRATION.test(sql.postgresql)) {
    console.log('prisma/schema.prisma has no changes since the last migration: nothing to create.');
    return;
  }
  const directory = `${timestamp()}_${name}`;
  for (const provider of PROVIDERS) {
    const base = PROVIDER_PATHS[provider].migrations;
    mkdirSync(`${base}/${directory}`, { recursive: true });
    writeFileSync(`${base}/${directory}/migration.sql`, sql[provider]);
    writeFileSync(`${base}/${MIGRATION_LOCK_FILE}`, migrationLockContent(provider));
    console.log(`created ${base.slice(base.indexOf('prisma/'))}/${directory}/migration.sql`);
  }
  writeFileSync(SCHEMA_SNAPSHOT, neutral);
  execFileSync(process.execPath, [fileURLToPath(new URL('./prisma-generate.mjs', import.meta.url))], { stdio: 'inherit' });
  console.log('Migrations apply at the next start (or: npx patchbay migrate).');
}

await main();
