import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.ts';
import { createDb, type Db } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { seedDemo } from './demo/seed-demo.ts';
import { createApp } from './http/app.ts';
import type { Logger } from './logger.ts';
import { loadSecretKey } from './secrets/load-secret-key.ts';
import { createSecretBox } from './secrets/secret-box.ts';

export const CLIENT_DIST_DIR = fileURLToPath(new URL('../dist/client', import.meta.url));

export interface RunningServer {
  url: string;
  db: Db;
  close(): Promise<void>;
}

export function localUrl(config: Pick<Config, 'port' | 'publicUrl'>, port = config.port) {
  return config.publicUrl ?? `http://localhost:${port}`;
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const secrets = createSecretBox(loadSecretKey(config.secretKey, config.dataDir));
  const { applied } = await migrateDatabase(config.databaseUrl);
  if (applied.length > 0) logger.info({ applied }, 'database migrations applied');
  const db = createDb(config.databaseUrl);

  const app = createApp({ db, secrets, logger, clientDistDir: CLIENT_DIST_DIR, demoApi: config.demoData });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const url = localUrl(config, port);

  if (config.demoData) {
    const seeded = await seedDemo(db, secrets, { demoApiBaseUrl: `${url}/demo-api` });
    if (seeded) printDemoCredentials(seeded.accounts);
  }
  logger.info({ url }, 'Patchbay is listening');

  return {
    url,
    db,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.$disconnect();
    },
  };
}

// Printed once, on the start that seeds the demo: the passwords are not stored anywhere.
export function printDemoCredentials(accounts: { email: string; password: string; role: string }[]) {
  const lines = accounts.map((a) => `    ${a.role.padEnd(6)} ${a.email}  password: ${a.password}`);
  process.stderr.write(`\n  Demo workspace created. Sign in with:\n${lines.join('\n')}\n  (shown only now; create more with: npx patchbay admin create)\n\n`);
}
