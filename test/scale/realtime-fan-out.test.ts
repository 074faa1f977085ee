// Two real Patchbay processes (server/index.ts, as `npm start` runs it) on one
// PostgreSQL database and one Redis: a live update made through either process
// reaches every open inbox, and a socket that was away gets what it missed when
// it reconnects, to the same process or the other one.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { createDb, type Db } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { createApiToken } from '../../server/identity/api-tokens.ts';
import { createLogger } from '../../server/logger.ts';
import type { AttributeUpdatedEvent } from '../../server/realtime/realtime-events.ts';
import { startServer } from '../../server/start-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const REDIS_SERVER = process.env.PATCHBAY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// A database number of its own per run, so that this run's streams and sessions
// are apart from a development server on database 0 (and, nearly always, from
// another run of this suite at the same time).
const REDIS_DB = randomInt(1, 16);
const REDIS_URL = `${REDIS_SERVER.replace(/\/\d*$/, '')}/${REDIS_DB}`;
const START_REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no';

interface PatchbayProcess {
  name: string;
  url: string;
  port: number;
  output(): string;
  // SIGTERM, as an orchestrator stops a process; resolves with the exit code.
  stop(): Promise<number | null>;
}

let database: TestDatabase;
let db: Db;
let redis: ReturnType<typeof createClient>;
let upstream: Upstream;
let a: PatchbayProcess;
let b: PatchbayProcess;
let balancer: Balancer;
let token: string;
let workspaceId: number;
let contactId: number;
let conversationId: number;
let connectorId: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  redis = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false, connectTimeout: 3_000 } });
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (error) {
    throw new Error(`The scale suite needs Redis at ${REDIS_SERVER} and could not reach it (${(error as Error).message}). .ci/run starts it; by hand: ${START_REDIS}`);
  }

  database = await createTestDatabase('postgresql');
  // Migrated here, not by the two processes at once.
  await migrateDatabase(database.url);
  db = createDb(database.url);
  const workspace = await db.workspace.create({ data: { name: 'Scale workspace' } });
  workspaceId = workspace.id;
  const admin = await db.admin.create({ data: { workspaceId, email: 'admin@scale.test', name: 'Admin', passwordHash: 'x' } });
  token = (await createApiToken(db, { workspaceId, name: 'scale', createdByAdminId: admin.id })).token;
  await db.customAttributeDefinition.createMany({
    data: [
      { workspaceId, target: 'contact', name: 'plan' },
      { workspaceId, target: 'conversation', name: 'order_status' },
    ],
  });
  contactId = (await db.contact.create({ data: { workspaceId, role: 'user', externalId: 'u-1', email: 'ann@example.test', name: 'Ann' } })).id;
  conversationId = (await db.conversation.create({ data: { workspaceId, contactId } })).id;
  upstream = await startUpstream();

  const env = {
    DATABASE_URL: database.url,
    REDIS_URL,
    PATCHBAY_SECRET_KEY: randomBytes(32).toString('hex'),
    PATCHBAY_ALLOWED_PRIVATE_TARGETS: '127.0.0.1',
  };
  [a, b] = await Promise.all([startPatchbay('A', env), startPatchbay('B', env)]);
  balancer = await startBalancer(a.port);

  // Created and set live through A, run through B: both read the one database.
  const created = await api(a, 'POST', '/data_connectors', {
    name: 'Account sync',
    http_method: 'get',
    url: `${upstream.url}/account`,
    object_mappings: [
      { intercom_object_type: 'user', attribute_mappings: [{ response_attribute_path: 'plan', intercom_attribute_identifier: 'plan' }] },
      { intercom_object_type: 'conversation', attribute_mappings: [{ response_attribute_path: 'order.status', intercom_attribute_identifier: 'order_status' }] },
    ],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  connectorId = created.body.id;
  const live = await api(a, 'PATCH', `/data_connectors/${connectorId}`, { state: 'live', security_acknowledgement: true });
  expect(live.status, JSON.stringify(live.body)).toBe(200);
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await balancer?.close();
  await Promise.all([a, b].map((p) => p?.stop()));
  await upstream?.close();
  await db?.$disconnect();
  await database?.drop();
  if (redis?.isOpen) redis.destroy();
});

describe('realtime fan-out between two Patchbay processes', () => {
  it('delivers attribute.updated to a socket on process A when the connector runs through process B', async () => {
    const socket = await connect(a.url);
    const events = collect(socket);
    upstream.handle(() => ({ body: { plan: 'pro', order: { status: 'shipped' } } }));

    const run = await execute(b);

    expect(run).toMatchObject({ success: true, attribute_changes: { contact: { plan: 'pro' }, conversation: { order_status: 'shipped' } } });
    await expect.poll(() => events.length).toBe(2);
    const common = { type: 'attribute.updated', workspace_id: String(workspaceId), conversation_id: String(conversationId) };
    expect(events).toEqual([
      expect.objectContaining({ ...common, target: 'contact', id: String(contactId), changes: { plan: 'pro' }, source: expect.objectContaining({ data_connector_id: connectorId, execution_result_id: run.execution_result_id }) }),
      expect.objectContaining({ ...common, target: 'conversation', id: String(conversationId), changes: { order_status: 'shipped' } }),
    ]);
  });

  it.each([
    ['process A again', () => a],
    ['process B, as a load balancer may send it', () => b],
  ])('recovers the events published through B while the socket was away, on reconnecting to %s', async (_case, target) => {
    balancer.target = a.port;
    const socket = await connect(balancer.url);
    const events = collect(socket);
    // Stays connected to A throughout: once it has an event, that event is in the stream.
    const observer = collect(await connect(a.url));
    const plans = (list: AttributeUpdatedEvent[]) => list.filter((e) => e.target === 'contact').map((e) => e.changes.plan);

    // The first event gives the socket its place in the stream.
    const before = `before-${randomInt(1e9)}`;
    upstream.handle(() => ({ body: { plan: before, order: { status: 'shipped' } } }));
    await execute(b);
    await expect.poll(() => plans(events)).toEqual([before]);

    socket.io.reconnection(false);
    socket.io.engine.close();
    // A keeps the session in Redis, where either process can restore it.
    await expect.poll(() => redis.keys('sio:session:*')).toHaveLength(1);
    expect(socket.connected).toBe(false);

    const missed = `missed-${randomInt(1e9)}`;
    upstream.handle(() => ({ body: { plan: missed, order: { status: 'shipped' } } }));
    await execute(b);
    await expect.poll(() => plans(observer)).toEqual([before, missed]);
    expect(plans(events)).toEqual([before]);

    balancer.target = target().port;
    socket.io.reconnection(true);
    const reconnected = new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    socket.connect();
    await reconnected;

    expect(socket.recovered).toBe(true);
    expect(balancer.connections.slice(-2)).toEqual([a.port, target().port]);
    await expect.poll(() => plans(events)).toEqual([before, missed]);
    expect(events.at(-1)).toMatchObject({ workspace_id: String(workspaceId), target: 'contact', id: String(contactId), changes: { plan: missed } });
    // Restoring consumed the session.
    expect(await redis.keys('sio:session:*')).toHaveLength(0);
  });

  it('stops both processes cleanly on SIGTERM, with no error logged', async () => {
    const patchbayClients = async () => (await redis.clientList()).filter((c) => c.name === 'patchbay' && c.db === REDIS_DB).length;
    // Each process: its own client, plus the adapter's stream reader and subscriber.
    await expect.poll(patchbayClients).toBe(6);
    for (const socket of sockets.splice(0)) socket.disconnect();
    await balancer.close();

    expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);
    for (const p of [a, b]) expect(p.output(), p.name).not.toMatch(/"level":(50|60)/);
  });

  // In this process, where nothing exits for it: the adapter's own blocking
  // reader would otherwise hold its connection for up to 5 s after close.
  it('closes every Redis connection when the server closes', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-scale-close-'));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, REDIS_URL, PATCHBAY_DATA_DIR: dataDir, PATCHBAY_DEMO_DATA: 'false', PATCHBAY_SANDBOX_POOL_SIZE: '0', LOG_LEVEL: 'silent' });
    const patchbayClients = async () => (await redis.clientList()).filter((c) => c.name === 'patchbay' && c.db === REDIS_DB).length;
    await expect.poll(patchbayClients).toBe(0);
    const server = await startServer(config, createLogger('silent'));
    try {
      await expect.poll(patchbayClients).toBe(3);
    } finally {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    await expect.poll(patchbayClients).toBe(0);
  });
});

async function execute(via: PatchbayProcess) {
  const res = await api(via, 'POST', `/data_connectors/${connectorId}/execute`, { inputs: {}, conversation_id: String(conversationId) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.success, JSON.stringify(res.body)).toBe(true);
  return res.body;
}

async function api(via: PatchbayProcess, method: string, apiPath: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${via.url}/api${apiPath}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function connect(url: string): Promise<Socket> {
  const socket = connectSocket(url, { auth: { token }, transports: ['websocket'] });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

function collect(socket: Socket): AttributeUpdatedEvent[] {
  const events: AttributeUpdatedEvent[] = [];
  socket.on('attribute.updated', (event: AttributeUpdatedEvent) => events.push(event));
  return events;
}

// server/index.ts in a process of its own, on a free port.
async function startPatchbay(name: string, env: Record<string, string>): Promise<PatchbayProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `patchbay-scale-${name}-`));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: REPO,
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', PATCHBAY_DATA_DIR: dataDir, PATCHBAY_DEMO_DATA: 'false', PATCHBAY_SANDBOX_POOL_SIZE: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      output += chunk;
      // Complete lines only: a chunk may end mid-line.
      for (const line of output.split('\n').slice(0, -1)) {
        const entry = line.startsWith('{"') ? (JSON.parse(line) as { msg?: string; url?: string }) : null;
        if (entry?.msg === 'Patchbay is listening' && entry.url) resolve(Number(new URL(entry.url).port));
      }
    });
    void exited.then((code) => reject(new Error(`Patchbay process ${name} exited with ${code} before listening:\n${output}`)));
  });
  let stopped: Promise<number | null> | undefined;
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      stopped ??= exited.finally(() => fs.rmSync(dataDir, { recursive: true, force: true }));
      return stopped;
    },
  };
}

interface Balancer {
  url: string;
  // The port new connections go to.
  target: number;
  // The port each connection went to, in order.
  connections: number[];
  close(): Promise<void>;
}

// A TCP load balancer in front of the two processes, with no sticky sessions.
async function startBalancer(initial: number): Promise<Balancer> {
  const open = new Set<net.Socket>();
  const balancer: Balancer = { url: '', target: initial, connections: [], close };
  const server = net.createServer((inbound) => {
    balancer.connections.push(balancer.target);
    const outbound = net.connect(balancer.target, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  balancer.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  let closed: Promise<void> | undefined;
  function close() {
    closed ??= new Promise<void>((resolve) => {
      for (const socket of open) socket.destroy();
      server.close(() => resolve());
    });
    return closed;
  }
  return balancer;
}
