// Patchbay started like `npx patchbay` with LLM_BASE_URL, LLM_MODEL and
// LLM_API_KEY pointing at a local OpenAI-compatible server: a messenger
// message is answered by the language-model agent (not the deterministic one),
// which runs the demo's order connector and words the answer from its data.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ReceivedRequest } from '../../support/upstream.ts';
import { startMessengerServer, type MessengerServer } from '../../support/agent-fixtures.ts';
import { startScriptedChatServer, textReply, toolCallReply, type ScriptedChatServer } from '../../support/scripted-chat-server.ts';

const API_KEY = 'sk-wiring-test-5hT8qLw2';
let demo: MessengerServer;
let chat: ScriptedChatServer;

beforeAll(async () => {
  chat = await startScriptedChatServer();
  demo = await startMessengerServer({ LLM_BASE_URL: chat.baseUrl, LLM_MODEL: 'wiring-model', LLM_API_KEY: API_KEY, LLM_TIMEOUT_MS: '5000' });
});
afterAll(async () => {
  await demo?.close();
  await chat?.close();
});

const messenger = (method: string, route: string, body: unknown) => demo.messenger(method, route, body);

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

  const replies = await demo.botReplies(started.body.id, 1);

  expect(replies[0]).toMatch(/^\[model\] Your order is on its way: /);
  expect(replies[0]).toContain('UPS');
  const bodies = chat.bodies() as unknown as Body[];
  expect(bodies).toHaveLength(2);
  expect(bodies[0]!.model).toBe('wiring-model');
  // The demo's refund connector is not for direct AI use: it is not a tool.
  expect(bodies[0]!.tools.map((t) => t.function.name)).not.toContain('Request_a_refund');
  expect(chat.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
  const runs = await demo.server.db.executionResult.findMany({ where: { conversationId: Number(started.body.id) } });
  expect(runs).toMatchObject([{ sourceType: 'fin', success: true }]);
});
