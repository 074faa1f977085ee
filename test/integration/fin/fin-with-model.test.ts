// With a language model configured, the Fin Agent API is answered by the same
// agent as the messenger: the model (a scripted OpenAI-compatible server on
// 127.0.0.1) calls the connector as a tool, gets only the shaped data, and its
// reply is what the fin_replied webhook carries.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { modelAnswerFn } from '../../../server/agent/llm/model-agent.ts';
import { createLogger } from '../../../server/logger.ts';
import { accountBalanceConnector, agentConnector } from '../../support/agent-fixtures.ts';
import { startScriptedChatServer, textReply, toolCallReply, type ScriptedChatServer } from '../../support/scripted-chat-server.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

let app: TestApp;
let upstream: Upstream;
let receiver: Upstream;
let chat: ScriptedChatServer;

beforeAll(async () => {
  chat = await startScriptedChatServer();
  const answerCustomer = modelAnswerFn({ baseUrl: chat.baseUrl, apiKey: undefined, model: 'scripted', timeoutMs: 10_000 }, createLogger('silent'));
  app = await startTestApp({ answerCustomer });
  upstream = await startUpstream(() => ({ body: { balance: 120.5, currency: 'EUR', internal_note: 'vip customer' } }));
  receiver = await startUpstream(() => ({ status: 204, body: '' }));
  await agentConnector(
    app,
    accountBalanceConnector(upstream.url, { data_transformation_type: 'redacted_access', response_fields: [{ path: 'balance', type: 'decimal', label: 'Balance due', selected: true }] }),
  );
  const settings = await app.call('PATCH', '/fin_agent_settings', { body: { webhook_url: `${receiver.url}/hooks` } });
  expect(settings.status, JSON.stringify(settings.body)).toBe(200);
});

afterAll(async () => {
  await Promise.all([receiver?.close(), upstream?.close(), chat?.close()]);
  await app?.close();
});

it('answers /fin/start with the model agent, which sees only the shaped data', async () => {
  chat.script(toolCallReply([{ name: 'Account_balance', arguments: '{"account_id":"ACC-1"}' }]), textReply('You owe 120.50 EUR on account ACC-1.'));
  const started = await app.call('POST', '/fin/start', {
    body: { conversation_id: 'ext-model-1', message: { author: 'user', body: 'Do I owe anything?', timestamp: '2026-01-01T10:00:00Z' }, user: { id: 'user-9', name: 'Mo Model' } },
  });
  expect(started.status, JSON.stringify(started.body)).toBe(200);

  const until = Date.now() + 15_000;
  let replied: Record<string, any> | undefined;
  while (!replied && Date.now() < until) {
    replied = receiver.requests.map((r) => JSON.parse(r.body) as Record<string, any>).find((e) => e.event_name === 'fin_replied');
    if (!replied) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(replied?.message.body).toContain('You owe 120.50 EUR on account ACC-1.');
  expect(upstream.requests.map((r) => r.url)).toEqual(['/accounts/ACC-1/balance']);
  // Two model calls: the question, then the tool result (shaped: no internal_note).
  expect(chat.requests).toHaveLength(2);
  expect(chat.requests[1]!.body).toContain('120.5');
  expect(chat.requests.map((r) => r.body).join('\n')).not.toContain('vip customer');
});
