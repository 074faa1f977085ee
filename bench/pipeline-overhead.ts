// What the connector pipeline adds to a request: the same local upstream is
// called N times with a raw undici request (the baseline) and N times through
// runConnector (SSRF-guarded agent, rendering, shaping, object mapping, an
// execution result written to SQLite), interleaved so both see the same noise.
//   npm run bench            (BENCH_ITERATIONS=2000 to change the count)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { createConnectorSchema, updateConnectorSchema } from '../server/connectors/connector-input.ts';
import { createConnector } from '../server/connectors/create-connector.ts';
import { GuardedAgent } from '../server/connectors/http/guarded-agent.ts';
import { systemSendTime } from '../server/connectors/http/send-request.ts';
import { parseTargetAllowList } from '../server/connectors/http/target-allow-list.ts';
import { runConnector } from '../server/connectors/pipeline/run-connector.ts';
import { updateConnector } from '../server/connectors/update-connector.ts';
import { createDb } from '../server/db/client.ts';
import { migrateDatabase } from '../server/db/migrate.ts';
import { createLogger } from '../server/logger.ts';
import { silentBus } from '../server/realtime/realtime-events.ts';
import { createSecretBox } from '../server/secrets/secret-box.ts';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 1000);
const WARMUP = 100;
const payload = JSON.stringify({ id: 'cus_123', balance: 1250, currency: 'eur', account: { plan: 'pro', seats: 12 }, invoices: [{ id: 'in_1', amount_due: 0 }] });

const upstream = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(payload));
upstream.listen(0, '127.0.0.1');
await new Promise((resolve) => upstream.once('listening', resolve));
const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

const dir = mkdtempSync(join(tmpdir(), 'patchbay-bench-'));
const url = `file:${join(dir, 'bench.db')}`;
await migrateDatabase(url);
const db = createDb(url);
const secrets = createSecretBox(randomBytes(32));
const workspace = await db.workspace.create({ data: { name: 'Bench' } });
await db.customAttributeDefinition.create({ data: { workspaceId: workspace.id, target: 'contact', name: 'plan' } });
const contact = await db.contact.create({ data: { workspaceId: workspace.id, role: 'user', email: 'b@example.test' } });
const conversation = await db.conversation.create({ data: { workspaceId: workspace.id, contactId: contact.id } });
const actor = { workspaceId: workspace.id, adminId: null };
const { connector } = await createConnector({ db, secrets }, actor, createConnectorSchema.parse({
  name: 'Balance',
  http_method: 'get',
  url: `${base}/customers/{{user.email}}/balance?expand={{expand}}`,
  data_inputs: [{ name: 'expand', type: 'string' }],
  data_transformation_type: 'redacted_access',
  response_fields: [
    { path: 'balance', type: 'integer', selected: true, label: 'Balance', formatter: 'minor_units_to_amount', formatter_options: { currency: 'EUR' } },
    { path: 'account.plan', type: 'string', selected: true },
  ],
  object_mappings: [{ response_object_path: 'account', intercom_object_type: 'user', attribute_mappings: [{ response_attribute_path: 'plan', intercom_attribute_identifier: 'plan' }] }],
}));
await updateConnector({ db, secrets }, actor, String(connector.id), updateConnectorSchema.parse({ state: 'live', security_acknowledgement: true }));

const rawAgent = new Agent();
const guarded = new GuardedAgent({ allowList: parseTargetAllowList('127.0.0.1') });
const deps = { db, secrets, logger: createLogger('silent'), bus: silentBus, http: { agent: guarded, ...systemSendTime } };

async function raw(): Promise<number> {
  const started = performance.now();
  const response = await request(`${base}/customers/b%40example.test/balance?expand=invoices`, { dispatcher: rawAgent });
  JSON.parse(await response.body.text());
  return performance.now() - started;
}

async function pipeline(): Promise<number> {
  const started = performance.now();
  const outcome = await runConnector(deps, { workspaceId: workspace.id, connectorId: connector.id, version: 'live', source: { type: 'inbox', id: null }, conversationId: conversation.id, inputs: { expand: 'invoices' } });
  if (!outcome.success) throw new Error(`pipeline run failed: ${outcome.errorMessage}`);
  return performance.now() - started;
}

for (let i = 0; i < WARMUP; i++) {
  await raw();
  await pipeline();
}
const rawTimes: number[] = [];
const pipelineTimes: number[] = [];
for (let i = 0; i < ITERATIONS; i++) {
  rawTimes.push(await raw());
  pipelineTimes.push(await pipeline());
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
const total = (values: number[]) => values.reduce((a, b) => a + b, 0);
const row = (name: string, values: number[]) =>
  `${name.padEnd(22)} ${(values.length / (total(values) / 1000)).toFixed(0).padStart(7)} /s   p50 ${percentile(values, 50).toFixed(3)} ms   p99 ${percentile(values, 99).toFixed(3)} ms`;

console.log(`pipeline overhead, ${ITERATIONS} interleaved runs each (after ${WARMUP} warm-up), SQLite logging`);
console.log(row('raw undici request', rawTimes));
console.log(row('runConnector', pipelineTimes));
console.log(`added latency   p50 ${(percentile(pipelineTimes, 50) - percentile(rawTimes, 50)).toFixed(3)} ms   p99 ${(percentile(pipelineTimes, 99) - percentile(rawTimes, 99)).toFixed(3)} ms`);
console.log(`ratio (pipeline / raw)   p50 ${(percentile(pipelineTimes, 50) / percentile(rawTimes, 50)).toFixed(2)}x   throughput ${(total(pipelineTimes) / total(rawTimes)).toFixed(2)}x`);

await rawAgent.close();
await guarded.close();
await db.$disconnect();
upstream.close();
rmSync(dir, { recursive: true, force: true });
