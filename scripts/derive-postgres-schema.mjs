// Derives prisma/postgresql/schema.prisma from the provider-neutral model in
// prisma/schema.prisma. Run by `npm run db:derive` and `npm run db:migrate`;
// test/unit/db/postgres-schema-drift.test.ts fails when the two drift apart.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const NEUTRAL_SCHEMA = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));
const POSTGRES_SCHEMA = fileURLToPath(new URL('../prisma/postgresql/schema.prisma', import.meta.url));

const HEADER = '// GENERATED from prisma/schema.prisma by scripts/derive-postgres-schema.mjs: do not edit.\n';

export function derivePostgresSchema(neutral) {
  const withProvider = neutral.replace(/(datasource db \{[^}]*provider\s*=\s*)"sqlite"/, '$1"postgresql"');
  if (withProvider === neutral) throw new Error('prisma/schema.prisma: datasource db must use provider "sqlite"');
  const withOutput = withProvider.replace(/output\s*=\s*"\.\.\/server\/db\/generated\/sqlite"/, 'output       = "../../server/db/generated/postgresql"');
  if (withOutput === withProvider) throw new Error('prisma/schema.prisma: generator output must be "../server/db/generated/sqlite"');
  return HEADER + withOutput;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(new URL('../prisma/postgresql/', import.meta.url), { recursive: true });
  writeFileSync(POSTGRES_SCHEMA, derivePostgresSchema(readFileSync(NEUTRAL_SCHEMA, 'utf8')));
  console.log('prisma/postgresql/schema.prisma derived from prisma/schema.prisma');
}
