// The whole customer path on a fresh demo started like `npx patchbay`: a
// visitor opens the messenger, asks about an order, and the built-in agent
// answers with what the demo API says about it; a question no connector
// covers goes to the team.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { startServer, type RunningServer } from '../../../server/start-server.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-messenger-agent-'));
let server: RunningServer;
let token: string;

beforeAll(async () => {
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', PATCHBAY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PATCHBAY_SANDBOX_POOL_SIZE: '0' }), createLogger('silent'));
  } finally {
    spy.mockRestore();
  }
  const boot = await messenger('POST', '/boot', { workspace_id: 1 }, null);
  expect(boot.status).toBe(200);
  token = boot.body.session_token;
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function messenger(method: string, route: string, body: unknown, auth: string | null = token) {
  const res = await fetch(`${server.url}/messenger${route}`, {
    method,
    headers: { ...(auth && { Authorization: `Bearer ${auth}` }), ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

// The agent answers after the customer's message is saved: wait for its reply.
async function botReplies(conversationId: string, count: number): Promise<string[]> {
  let bodies: string[] = [];
  await expect
    .poll(async () => {
      const conversation = await messenger('GET', `/conversations/${conversationId}`, undefined);
      bodies = conversation.body.parts.filter((part: any) => part.author.type === 'bot').map((part: any) => part.body);
      return bodies.length;
    }, { timeout: 15_000 })
    .toBeGreaterThanOrEqual(count);
  return bodies;
}

it('answers an order question with the demo API’s data for that order', async () => {
  const started = await messenger('POST', '/conversations', { body: 'Where is my order ORD-5521?' });
  expect(started.status).toBe(201);
  const [reply] = await botReplies(started.body.id, 1);
  expect(reply).toMatch(/in_transit|in transit/i);
  expect(reply).toContain('UPS');
});

it('asks for the order number when the message has none, then answers', async () => {
  const started = await messenger('POST', '/conversations', { body: 'Can you look up my order?' });
  const [ask] = await botReplies(started.body.id, 1);
  expect(ask).toMatch(/order/i);
  expect(ask).not.toContain('UPS');
  expect((await messenger('POST', `/conversations/${started.body.id}/messages`, { body: 'ORD-5521' })).status).toBe(201);
  const replies = await botReplies(started.body.id, 2);
  expect(replies[1]).toContain('UPS');
});

it('hands a question no connector covers to the team', async () => {
  const started = await messenger('POST', '/conversations', { body: 'What is the weather like in Lisbon?' });
  const [reply] = await botReplies(started.body.id, 1);
  expect(reply).toMatch(/team/i);
});
