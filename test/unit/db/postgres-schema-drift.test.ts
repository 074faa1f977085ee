import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffDatamodels, EMPTY_MIGRATION } from '../../../server/db/diff-datamodels.ts';
import { listMigrationNames, readSchema, SCHEMA_SNAPSHOT } from '../../../server/db/migrations.ts';
// @ts-expect-error plain ESM script without types
import { derivePostgresSchema } from '../../../scripts/derive-postgres-schema.mjs';

const neutral = readSchema('sqlite');
const snapshotPath = SCHEMA_SNAPSHOT;

describe('the PostgreSQL schema derived from the provider-neutral model', () => {
  it('is exactly what npm run db:derive makes of prisma/schema.prisma', () => {
    expect(readSchema('postgresql').content).toBe(derivePostgresSchema(neutral.content));
  });

  it('changes the provider and the client output and nothing else', () => {
    const derived: string = derivePostgresSchema(neutral.content);
    expect(derived).toContain('provider = "postgresql"');
    expect(derived).toContain('"../../server/db/generated/postgresql"');
    const changed = derived.split('\n').filter((line) => !neutral.content.split('\n').includes(line));
    expect(changed).toHaveLength(3);
  });

  it('refuses a model that is not the SQLite-provider neutral one', () => {
    expect(() => derivePostgresSchema(neutral.content.replace('provider = "sqlite"', 'provider = "mysql"'))).toThrow(/provider "sqlite"/);
  });
});

describe('migrations', () => {
  it('exist under the same names for both providers', () => {
    const sqlite = listMigrationNames('sqlite');
    expect(sqlite.length).toBeGreaterThan(0);
    expect(listMigrationNames('postgresql')).toEqual(sqlite);
  });

  it('cover every change to prisma/schema.prisma (run npm run db:migrate -- --name <x> when this fails)', async () => {
    expect(readFileSync(snapshotPath, 'utf8')).toBe(neutral.content);
    const pending = await diffDatamodels('postgresql', { tag: 'datamodel', schema: { path: snapshotPath, content: derivePostgresSchema(readFileSync(snapshotPath, 'utf8')) } }, readSchema('postgresql'));
    expect(pending).toMatch(EMPTY_MIGRATION);
  });
});
