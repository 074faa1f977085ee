// Generates the Prisma clients for both providers without downloading engines.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const schemas = ['prisma/schema.prisma', 'prisma/postgresql/schema.prisma'].filter((s) => existsSync(new URL(`../${s}`, import.meta.url)));
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: fileURLToPath(new URL('./no-schema-engine.sh', import.meta.url)),
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
for (const schema of schemas) {
  execFileSync(process.execPath, [fileURLToPath(import.meta.resolve('prisma/build/index.js')), 'generate', '--schema', schema], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
}
console.log(`prisma clients generated (${schemas.join(', ')})`);
