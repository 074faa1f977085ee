// The real server as `npm start` runs it with the demo on (PATCHBAY_DEMO_DATA):
// the seeded "Acme" workspace, its connectors calling the demo API this same
// process serves on 127.0.0.1, and the /demo host page with the widget.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { startServer, type RunningServer } from '../../../server/start-server.ts';

export interface DemoE2eServer {
  url: string;
  db: RunningServer['db'];
  workspaceId: number;
  // The newest one-time code emailed to `to` (kept in the outbox: the demo has no SMTP).
  latestOtpCode(to: string): Promise<string | null>;
  close(): Promise<void>;
}

export async function startDemoE2eServer(): Promise<DemoE2eServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'patchbay-e2e-demo-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PATCHBAY_DATA_DIR: dataDir,
    PATCHBAY_DEMO_DATA: 'true',
    PATCHBAY_SANDBOX_POOL_SIZE: '0',
    LOG_LEVEL: process.env.PATCHBAY_E2E_LOG_LEVEL ?? 'error',
  });
  // The demo prints its sign-in details and one-time codes to stderr; the test output stays readable without them.
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    typeof chunk === 'string' && (chunk.includes('Demo workspace created') || chunk.startsWith('[demo] one-time code')) ? true : write(chunk, ...(rest as []))) as typeof process.stderr.write;
  let running: RunningServer;
  try {
    running = await startServer(config, createLogger(config.logLevel));
  } catch (error) {
    process.stderr.write = write;
    throw error;
  }
  const url = `http://127.0.0.1:${new URL(running.url).port}`;
  const workspace = await running.db.workspace.findFirstOrThrow({ orderBy: { id: 'asc' } });
  return {
    url,
    db: running.db,
    workspaceId: workspace.id,
    async latestOtpCode(to) {
      const email = await running.db.outboxEmail.findFirst({ where: { workspaceId: workspace.id, to }, orderBy: { id: 'desc' } });
      return email?.text.match(/verification code is (\d{6})/)?.[1] ?? null;
    },
    async close() {
      process.stderr.write = write;
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
