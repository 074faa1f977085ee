// The SQL that turns one datamodel into another, computed offline (no database
// server needed): `npm run db:migrate` uses it to write migrations and the
// drift tests use it to prove the migrations match the model.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { DatabaseProvider } from './database-url.ts';
import { migrationAdapterFor } from './migrate.ts';
import { NO_FILTERS, withSchemaEngine, type DiffTarget, type SchemaFile } from './schema-engine.ts';

export const EMPTY_MIGRATION = /^\s*(-- This is an empty migration\.)?\s*$/;

// The PostgreSQL engine asks the server for its version when it starts; a
// datamodel-to-datamodel diff needs nothing else, so this adapter answers that
// one question and refuses everything else.
function offlinePostgresAdapter(): SqlMigrationAwareDriverAdapterFactory {
  const refuse = async (): Promise<never> => {
    throw new Error('offline diff adapter: no PostgreSQL connection');
  };
  const adapter = {
    provider: 'postgres',
    adapterName: 'patchbay-offline-diff',
    async queryRaw(query: { sql: string }) {
      if (!query.sql.includes('pg_namespace')) return refuse();
      // exists, version(), server_version_num: Boolean, Text, Int32
      return { columnNames: ['exists', 'version', 'numeric_version'], columnTypes: [5, 7, 0], rows: [[true, 'PostgreSQL 15.0', 150000]] };
    },
    executeRaw: refuse,
    executeScript: refuse,
    startTransaction: refuse,
    getConnectionInfo: () => ({ schemaName: 'public', supportsRelationJoins: true }),
    dispose: async () => {},
  } as unknown as SqlDriverAdapter;
  return {
    provider: 'postgres',
    adapterName: 'patchbay-offline-diff',
    connect: async () => adapter,
    connectToShadowDb: async () => adapter,
  } as SqlMigrationAwareDriverAdapterFactory;
}

// `database` compares a live database (after migrating it, say) with the model;
// SQLite only for now: the engine cannot introspect PostgreSQL through the pg
// adapter ("Column type 'char' could not be deserialized").
export type DiffSource = { tag: 'empty' } | { tag: 'datamodel'; schema: SchemaFile } | { tag: 'database'; url: string };

export async function diffDatamodels(provider: DatabaseProvider, from: DiffSource, to: SchemaFile): Promise<string> {
  const adapter =
    from.tag === 'database' ? migrationAdapterFor(from.url)
    : provider === 'sqlite' ? new PrismaBetterSqlite3({ url: ':memory:' })
    : offlinePostgresAdapter();
  const source: DiffTarget =
    from.tag === 'empty' ? { tag: 'empty' }
    : from.tag === 'datamodel' ? { tag: 'schemaDatamodel', files: [from.schema] }
    : { tag: 'schemaDatasource', files: [to], configDir: process.cwd() };
  const result = await withSchemaEngine(to, adapter, (engine) =>
    engine.diff({ from: source, to: { tag: 'schemaDatamodel', files: [to] }, script: true, exitCode: null, filters: NO_FILTERS }),
  );
  const sql = result.stdout ?? '';
  return provider === 'sqlite' ? quoteSqliteJsonDefaults(sql) : sql;
}

// The engine writes Json defaults for SQLite unquoted (`DEFAULT {}`), which
// SQLite rejects; PostgreSQL gets them quoted. Quote them the same way.
export function quoteSqliteJsonDefaults(sql: string): string {
  return sql.replace(/ DEFAULT ([[{].*?[\]}])(?=,?\n|,?$)/gm, (_match, json: string) => ` DEFAULT '${json.replaceAll("'", "''")}'`);
}
