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
import { MIGRATION_LOCK_FILE, PROVIDER_PATHS, migrationLockContent } from '../server/db/migrations.ts';
import type { SchemaFile } from '../server/db/schema-engine.ts';
// @ts-expect-error plain ESM script without types
import { derivePostgresSchema, NEUTRAL_SCHEMA, POSTGRES_SCHEMA } from './derive-postgres-schema.mjs';

const SNAPSHOT = `${PROVIDER_PATHS.sqlite.migrations}/schema.snapshot.prisma`;

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
  const neutral = readFileSync(NEUTRAL_SCHEMA, 'utf8');
  const postgres = derivePostgresSchema(neutral);
  writeFileSync(POSTGRES_SCHEMA, postgres);
  const previous = existsSync(SNAPSHOT) ? readFileSync(SNAPSHOT, 'utf8') : null;

  const targets: Record<DatabaseProvider, { from: SchemaFile | null; to: SchemaFile }> = {
    sqlite: { from: previous === null ? null : { path: SNAPSHOT, content: previous }, to: { path: NEUTRAL_SCHEMA, content: neutral } },
    postgresql: { from: previous === null ? null : { path: SNAPSHOT, content: derivePostgresSchema(previous) }, to: { path: POSTGRES_SCHEMA, content: postgres } },
  };
  const source = (schema: SchemaFile | null): DiffSource => (schema ? { tag: 'datamodel', schema } : { tag: 'empty' });
  const sql = {
    sqlite: await diffDatamodels('sqlite', source(targets.sqlite.from), targets.sqlite.to),
    postgresql: await diffDatamodels('postgresql', source(targets.postgresql.from), targets.postgresql.to),
  };
  if (EMPTY_MIGRATION.test(sql.sqlite) && EMPTY_MIGRATION.test(sql.postgresql)) {
    console.log('prisma/schema.prisma has no changes since the last migration: nothing to create.');
    return;
  }
  const directory = `${timestamp()}_${name}`;
  for (const provider of ['sqlite', 'postgresql'] as const) {
    const base = PROVIDER_PATHS[provider].migrations;
    mkdirSync(`${base}/${directory}`, { recursive: true });
    writeFileSync(`${base}/${directory}/migration.sql`, sql[provider]);
    writeFileSync(`${base}/${MIGRATION_LOCK_FILE}`, migrationLockContent(provider));
    console.log(`created ${base.slice(base.indexOf('prisma/'))}/${directory}/migration.sql`);
  }
  writeFileSync(SNAPSHOT, neutral);
  execFileSync(process.execPath, [fileURLToPath(new URL('./prisma-generate.mjs', import.meta.url))], { stdio: 'inherit' });
  console.log('Migrations apply at the next start (or: npx patchbay migrate).');
}

await main();
