import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import type { Config } from './config.ts';
import { GuardedAgent } from './connectors/http/guarded-agent.ts';
import { systemSendTime } from './connectors/http/send-request.ts';
import { parseTargetAllowList } from './connectors/http/target-allow-list.ts';
import { schedulePurge } from './connectors/purge-execution-results.ts';
import { systemHostLookup } from './connectors/security-check.ts';
import { createDb, type Db } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { seedDemo } from './demo/seed-demo.ts';
import { createMailer } from './email/mailer.ts';
import { createApp } from './http/app.ts';
import type { Logger } from './logger.ts';
import { agentHooks } from './agent/agent-hooks.ts';
import { createChatModel } from './agent/llm/chat-completions-client.ts';
import { modelAnswerFn } from './agent/llm/model-agent.ts';
import { connectRedisAdapter } from './realtime/redis-adapter.ts';
import { createRealtimeServer } from './realtime/realtime-server.ts';
import { messengerClientFunctions } from './realtime/messenger-socket.ts';
import { codeBlockRunner } from './sandbox/code-block-runner.ts';
import type { SandboxOptions } from './sandbox/sandbox-options.ts';
import { createSandboxPool, type SandboxPool } from './sandbox/sandbox-pool.ts';
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

  // The app is attached once the port is known (the demo API's address depends on it).
  let app: Express | undefined;
  const server = http.createServer((req, res) => (app ? app(req, res) : res.writeHead(503, { 'Retry-After': '1' }).end('starting')));
  // Before listening: a process that cannot reach Redis must not take traffic.
  const redis = config.redisUrl ? await connectRedisAdapter(config.redisUrl, logger) : null;
  const realtime = createRealtimeServer(server, { db, logger, publicUrl: config.publicUrl }, { ...(redis && { adapter: redis.adapter }) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const url = localUrl(config, port);
  // The demo's sample API is served by this process, so the demo may reach it.
  const allowList = config.demoData
    ? { entries: [...config.allowedPrivateTargets.entries, ...parseTargetAllowList(`localhost:${port},127.0.0.1:${port}`).entries] }
    : config.allowedPrivateTargets;
  const agent = new GuardedAgent({ allowList });
  const mailer = createMailer({ db, smtpUrl: config.smtpUrl, from: config.smtpFrom });
  // The demo has no mail server: its one-time codes are printed as well.
  const revealOtpCode = config.demoData ? (line: string) => void process.stderr.write(`${line}\n`) : undefined;
  const sandbox = config.sandbox ? startSandbox(config.sandbox, logger) : null;
  // clientFunctions: client-side connectors run in the customer's messenger, reached through its sockets.
  const pipelineDeps = {
    db,
    secrets,
    logger,
    bus: realtime,
    http: { agent, ...systemSendTime },
    clientFunctions: messengerClientFunctions(realtime.io),
    ...(sandbox && { runCodeBlock: codeBlockRunner(sandbox) }),
  };
  // One client for the messenger agent and the admin's agent preview.
  const chatModel = config.llm ? createChatModel(config.llm) : undefined;
  const answerCustomer = modelAnswerFn(config.llm, logger, chatModel);
  app = createApp({
    ...pipelineDeps,
    clientDistDir: CLIENT_DIST_DIR,
    demoApi: config.demoData,
    publicUrl: config.publicUrl,
    hostLookup: systemHostLookup,
    mailer,
    revealOtpCode,
    // The built-in agent answers every customer message in the messenger (showing
    // it typing), and answers again a question that waited for an emailed code.
    // With LLM_BASE_URL and LLM_MODEL set, the language-model agent does instead.
    answerCustomer,
    chatModel,
    ...agentHooks(pipelineDeps, { answer: answerCustomer }),
  });
  const stopPurge = schedulePurge(db, logger);

  if (config.demoData) {
    const seeded = await seedDemo(db, secrets, { demoApiBaseUrl: `${url}/demo-api` });
    if (seeded) printDemoCredentials(seeded.accounts);
  }
  // The demo's customer-side page: a sample website with the messenger widget.
  logger.info({ url, ...(config.demoData && { demoMessengerPage: `${url}/demo` }) }, 'Patchbay is listening');

  return {
    url,
    db,
    async close() {
      stopPurge();
      await sandbox?.close();
      server.closeAllConnections();
      await realtime.close();
      await redis?.close();
      await agent.close();
      mailer.close();
      await db.$disconnect();
    },
  };
}

// Printed once, on the start that seeds the demo: the passwords are not stored anywhere.
export function printDemoCredentials(accounts: { email: string; password: string; role: string }[]) {
  const lines = accounts.map((a) => `    ${a.role.padEnd(6)} ${a.email}  password: ${a.password}`);
  process.stderr.write(`\n  Demo workspace created. Sign in with:\n${lines.join('\n')}\n  (shown only now; create more with: npx patchbay admin create)\n\n`);
}

// Python processes load in the background (a few seconds each), so the first
// code block does not wait for a cold start and the server is up at once.
function startSandbox(options: SandboxOptions, logger: Logger): SandboxPool {
  const pool = createSandboxPool(options, { onEvent: (event) => logger.debug({ sandbox: event }, 'sandbox event') });
  pool.ready().then(
    () => logger.info({ processes: options.poolSize }, 'Python sandbox ready'),
    (error: unknown) => logger.error({ err: error }, 'Python sandbox could not start; code-block connectors will fail until it does'),
  );
  return pool;
}
