import { existsSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb } from '../../../server/db/client.ts';
import { diffDatamodels, EMPTY_MIGRATION } from '../../../server/db/diff-datamodels.ts';
import { migrateDatabase } from '../../../server/db/migrate.ts';
import { readMigrationList, readSchema } from '../../../server/db/migrations.ts';

const dirs: string[] = [];
function freshUrl(): string {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-migrate-'));
  dirs.push(dir);
  return `file:${join(dir, 'nested', 'folder', 'patchbay.db')}`;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('migrating an SQLite database through the WASM schema engine', () => {
  it('creates the file and its folders, applies every migration once, then nothing', async () => {
    const url = freshUrl();
    const first = await migrateDatabase(url);
    const all = readMigrationList('sqlite').migrationDirectories.map((m) => m.path);
    expect(first).toEqual({ provider: 'sqlite', applied: all });
    expect(existsSync(url.slice('file:'.length))).toBe(true);
    expect(await migrateDatabase(url)).toEqual({ provider: 'sqlite', applied: [] });
  });

  it('needs no exclusive lock when nothing is pending, and says why when something is while the database is in use', async () => {
    const url = freshUrl();
    await migrateDatabase(url);
    const server = createDb(url);
    try {
      await server.workspace.count();
      // A running server keeps its connection open; CLI commands migrate first.
      expect(await migrateDatabase(url)).toEqual({ provider: 'sqlite', applied: [] });
      const dir = mkdtempSync(join(tmpdir(), 'patchbay-more-migrations-'));
      dirs.push(dir);
      const { cpSync, mkdirSync, writeFileSync } = await import('node:fs');
      cpSync(readMigrationList('sqlite').baseDir, dir, { recursive: true });
      mkdirSync(join(dir, '29990101000000_extra'));
      writeFileSync(join(dir, '29990101000000_extra', 'migration.sql'), 'CREATE TABLE "Extra" ("id" INTEGER NOT NULL PRIMARY KEY);');
      await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(/stop the running Patchbay server/);
    } finally {
      await server.$disconnect();
    }
  });

  it('leaves a database that matches the model exactly', async () => {
    const url = freshUrl();
    await migrateDatabase(url);
    const drift = await diffDatamodels('sqlite', { tag: 'database', url }, readSchema('sqlite'));
    expect(drift).toMatch(EMPTY_MIGRATION);
    const changed = readSchema('sqlite');
    changed.content = changed.content.replace(/model Company \{/, 'model Company {\n  nickname String?');
    expect(await diffDatamodels('sqlite', { tag: 'database', url }, changed)).toMatch(/ALTER TABLE "Company" ADD COLUMN "nickname" TEXT/);
  });

  it('gives a database the Prisma client can write to and read back, JSON included', async () => {
    const url = freshUrl();
    await migrateDatabase(url);
    const db = createDb(url);
    try {
      const workspace = await db.workspace.create({ data: { name: 'W' } });
      const contact = await db.contact.create({ data: { workspaceId: workspace.id, role: 'user', email: 'a@example.test', customAttributes: { plan: 'pro', seats: 3 } } });
      const read = await db.contact.findUniqueOrThrow({ where: { id: contact.id } });
      expect(read.customAttributes).toEqual({ plan: 'pro', seats: 3 });
    } finally {
      await db.$disconnect();
    }
  });

  it('reports a broken migration with the provider in the message', async () => {
    const url = freshUrl();
    const dir = mkdtempSync(join(tmpdir(), 'patchbay-bad-migrations-'));
    dirs.push(dir);
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(dir, '20200101000000_bad'));
    writeFileSync(join(dir, '20200101000000_bad', 'migration.sql'), 'CREATE TABLE oops (;');
    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(/Could not migrate the sqlite database/);
  });
});
