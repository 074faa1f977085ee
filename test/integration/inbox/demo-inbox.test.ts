// A fresh demo, started like `npx patchbay`: an agent signs in, opens a seeded
// conversation and runs its connectors against the demo API the server itself
// serves, and sees the mapped attributes change.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { startServer, type RunningServer } from '../../../server/start-server.ts';
import { assertMatchesOpenApi } from '../../support/openapi-validator.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-demo-inbox-'));
let server: RunningServer;
let agentPassword: string;

beforeAll(async () => {
  const printed: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
  try {
    server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', PATCHBAY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PATCHBAY_SANDBOX_POOL_SIZE: '0' }), createLogger('silent'));
  } finally {
    spy.mockRestore();
  }
  agentPassword = /agent@patchbay\.local\s+password: (\S+)/.exec(printed.join(''))![1]!;
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function signedIn() {
  const login = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'agent@patchbay.local', password: agentPassword }) });
  expect(login.status).toBe(200);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('patchbay_session='))!.split(';')[0]!;
  const { csrf_token: csrf } = (await login.json()) as { csrf_token: string };
  return async (method: string, template: string, id: string | null, body?: unknown) => {
    const res = await fetch(`${server.url}/api${template.replace('{id}', id ?? '')}`, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    assertMatchesOpenApi({ method, path: template, status: res.status, body: json });
    return { status: res.status, body: json as any };
  };
}

it('lets an agent run the demo connectors from the inbox and see the attributes change', async () => {
  const api = await signedIn();
  const list = await api('GET', '/conversations', null);
  expect(list.status).toBe(200);
  const byTitle = new Map(list.body.data.map((c: any) => [c.title, c]));

  // Maria asks about her balance; the connector needs a verified customer for the AI agent, not for a teammate.
  const balanceConversation = byTitle.get('Do I owe anything?') as any;
  const connectors = await api('GET', '/conversations/{id}/connectors', balanceConversation.id);
  const balance = connectors.body.data.find((c: any) => c.name === 'Get account balance');
  expect(balance).toBeDefined();
  const run = await api('POST', '/conversations/{id}/run_connector', balanceConversation.id, { data_connector_id: balance.id, inputs: {} });
  expect(run.status).toBe(200);
  expect(run.body).toMatchObject({ success: true, http_status: 200, part: { part_type: 'connector_result', author: { type: 'admin', name: 'Sam Agent' } } });
  const contact = await api('GET', '/contacts/{id}', balanceConversation.contact.id);
  expect(contact.body.custom_attributes).toMatchObject({ outstanding_balance: 42 });

  // Li asks where her order is; the order id comes pre-filled from the conversation.
  const orderConversation = byTitle.get('Where is my order?') as any;
  const lookup = (await api('GET', '/conversations/{id}/connectors', orderConversation.id)).body.data.find((c: any) => c.name === 'Look up order');
  const inputs = Object.fromEntries(lookup.data_inputs.map((i: any) => [i.name, i.value]));
  expect(inputs).toEqual({ order_id: 'ORD-5521' });
  const order = await api('POST', '/conversations/{id}/run_connector', orderConversation.id, { data_connector_id: lookup.id, inputs });
  expect(order.body).toMatchObject({ success: true });
  expect((await api('GET', '/conversations/{id}', orderConversation.id)).body.custom_attributes).toMatchObject({ order_id: 'ORD-5521', order_status: 'in_transit' });
  const runs = await api('GET', '/conversations/{id}/connector_runs', orderConversation.id);
  expect(runs.body.data[0]).toMatchObject({ data_connector_name: 'Look up order', success: true, source_type: 'inbox' });
});
