// Patchbay started like `npx patchbay` with LLM_BASE_URL, LLM_MODEL and
// LLM_API_KEY pointing at a local OpenAI-compatible server: a messenger
// message is answered by the language-model agent (not the deterministic one),
// which runs the demo's order connector and words the answer from its data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { startServer, type RunningServer } from '../../../server/start-server.ts';
import type { ReceivedRequest } from '../../support/upstream.ts';
import { startScriptedChatServer, textReply, toolCallReply, type ScriptedChatServer } from '../../support/scripted-chat-server.ts';

const API_KEY = 'sk-wiring-test-5hT8qLw2';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-llm-wiring-'));
let server: RunningServer;
let chat: ScriptedChatServer;
let token: string;

beforeAll(async () => {
  chat = await startScriptedChatServer();
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      PATCHBAY_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      PATCHBAY_SANDBOX_POOL_SIZE: '0',
      LLM_BASE_URL: chat.baseUrl,
      LLM_MODEL: 'wiring-model',
      LLM_API_KEY: API_KEY,
      LLM_TIMEOUT_MS: '5000',
    });
    server = await startServer(config, createLogger('silent'));
  } finally {
    spy.mockRestore();
  }
  const boot = await messenger('POST', '/boot', { workspace_id: 1 }, null);
  expect(boot.status).toBe(200);
  token = boot.body.session_token;
});
afterAll(async () => {
  await server?.close();
  await chat?.close();
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

type Body = { model: string; tools: { function: { name: string } }[]; messages: { role: string; content: string }[] };

it('answers a messenger message with the language model, which runs the demo connector through a tool call', async () => {
  chat.script(
    (request: ReceivedRequest) => {
      const body = JSON.parse(request.body) as Body;
      const order = body.tools.find((t) => t.function.name === 'Look_up_order');
      if (!order) return { status: 500, body: { error: 'no order tool offered' } };
      return toolCallReply([{ id: 'call_order', name: order.function.name, arguments: '{"order_id":"ORD-5521"}' }]);
    },
    (request: ReceivedRequest) => {
      const body = JSON.parse(request.body) as Body;
      const tool = body.messages.find((m) => m.role === 'tool');
      const data = (JSON.parse(tool!.content) as { data: Record<string, unknown> }).data;
      return textReply(`[model] Your order is on its way: ${JSON.stringify(data)}`);
    },
  );

  const started = await messenger('POST', '/conversations', { body: 'Where is my order ORD-5521?' });
  expect(started.status).toBe(201);

  let replies: string[] = [];
  await expect
    .poll(async () => {
      const conversation = await messenger('GET', `/conversations/${started.body.id}`, undefined);
      replies = conversation.body.parts.filter((part: any) => part.author.type === 'bot').map((part: any) => part.body);
      return replies.length;
    }, { timeout: 15_000 })
    .toBeGreaterThanOrEqual(1);

  expect(replies[0]).toMatch(/^\[model\] Your order is on its way: /);
  expect(replies[0]).toContain('UPS');
  const bodies = chat.bodies() as unknown as Body[];
  expect(bodies).toHaveLength(2);
  expect(bodies[0]!.model).toBe('wiring-model');
  // The demo's refund connector is not for direct AI use: it is not a tool.
  expect(bodies[0]!.tools.map((t) => t.function.name)).not.toContain('Request_a_refund');
  expect(chat.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
  const runs = await server.db.executionResult.findMany({ where: { conversationId: Number(started.body.id) } });
  expect(runs).toMatchObject([{ sourceType: 'fin', success: true }]);
});
