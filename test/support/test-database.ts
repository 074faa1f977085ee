// A fresh, empty database for one test file: an SQLite file in a temporary
// folder by default, or a new PostgreSQL database when the suite runs with
// PATCHBAY_TEST_DATABASE=postgresql (npm run test:pg).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseProvider } from '../../server/db/database-url.ts';

export const TEST_POSTGRES_URL = process.env.PATCHBAY_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  provider: DatabaseProvider;
  drop(): Promise<void>;
}

export function testProvider(): DatabaseProvider {
  return process.env.PATCHBAY_TEST_DATABASE === 'postgresql' ? 'postgresql' : 'sqlite';
}

export async function createTestDatabase(provider: DatabaseProvider = testProvider()): Promise<TestDatabase> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'patchbay-test-'));
    return { url: `file:${join(dir, 'test.db')}`, provider, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `patchbay_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    provider,
    drop: () => withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdminClient<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
