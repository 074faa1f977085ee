import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../server/db/client.ts';
import pg from 'pg';
import { Prisma } from '../../server/db/generated/postgresql/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { readMigrationList } from '../../server/db/migrations.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('postgresql');
});
afterAll(async () => {
  await database.drop();
});

describe('migrating PostgreSQL through the WASM schema engine', () => {
  it('applies every PostgreSQL migration once, then nothing', async () => {
    const all = readMigrationList('postgresql').migrationDirectories.map((m) => m.path);
    expect(await migrateDatabase(database.url)).toEqual({ provider: 'postgresql', applied: all });
    expect(await migrateDatabase(database.url)).toEqual({ provider: 'postgresql', applied: [] });
  });

  // The WASM engine cannot introspect PostgreSQL through the pg adapter yet
  // ("Column type 'char' could not be deserialized"), so the tables and columns
  // are compared with the generated client's model instead.
  it('leaves exactly the tables and columns of the derived PostgreSQL model', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
      );
      const actual: Record<string, string[]> = {};
      for (const row of rows) (actual[row.table_name] ??= []).push(row.column_name);
      const expected: Record<string, string[]> = {};
      for (const model of Object.values(Prisma.ModelName)) {
        const fields = (Prisma as unknown as Record<string, Record<string, string>>)[`${model}ScalarFieldEnum`];
        expected[model] = Object.values(fields ?? {}).sort();
      }
      expect(Object.fromEntries(Object.entries(actual).map(([table, columns]) => [table, columns.sort()]))).toEqual(expected);
    } finally {
      await client.end();
    }
  });

  it('stores JSON and enums through the generated PostgreSQL client', async () => {
    const db = createDb(database.url);
    try {
      const workspace = await db.workspace.create({ data: { name: 'W' } });
      const contact = await db.contact.create({ data: { workspaceId: workspace.id, role: 'lead', customAttributes: { plan: 'pro' } } });
      const read = await db.contact.findUniqueOrThrow({ where: { id: contact.id } });
      expect(read).toMatchObject({ role: 'lead', customAttributes: { plan: 'pro' } });
    } finally {
      await db.$disconnect();
    }
  });
});
