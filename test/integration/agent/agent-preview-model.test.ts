// POST /api/agent/preview with a language model configured, against a real
// app, a real connector API and a local OpenAI-compatible server that scripts
// the model's tool calls: the trace is the model's (its tool calls, their
// arguments, validation and gate), nothing goes upstream without run_live, a
// live run gives the model shaped data only, and nothing is ever written to a
// conversation.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MODEL_FAILURE_REPLY } from '../../../server/agent/llm/answer-with-model.ts';
import { createChatModel } from '../../../server/agent/llm/chat-completions-client.ts';
import { agentConnector, modelAgentConnectors, previewCounts } from '../../support/agent-fixtures.ts';
import { startScriptedChatServer, textReply, toolCallReply, type ScriptedChatServer } from '../../support/scripted-chat-server.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

const API_KEY = 'sk-test-AgentPreview-4kP8wQ1zR6';
const SSN = '078-05-1120';
const INTERNAL_NOTE = 'VIP-do-not-refund-5521';

let app: TestApp;
let upstream: Upstream;
let chat: ScriptedChatServer;
let balanceId: string;
let perksId: string;
let orderId: string;
let refundId: string;
let contactId: string;
const logLines: string[] = [];

beforeAll(async () => {
  chat = await startScriptedChatServer();
  const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _encoding, done) => void (logLines.push(String(chunk)), done()) }));
  app = await startTestApp({ logger, chatModel: createChatModel({ baseUrl: chat.baseUrl, apiKey: API_KEY, model: 'test-model', timeoutMs: 5000 }) });
  upstream = await startUpstream((req) => {
    if (req.url === '/accounts/ACC-1/balance') return { body: { balance: 120.5, currency: 'EUR', ssn: SSN, internal_note: INTERNAL_NOTE } };
    return { body: { ok: true } };
  });
  const ids = await modelAgentConnectors(app, upstream.url);
  balanceId = String(ids.balanceId);
  perksId = String(ids.perksId);
  orderId = String(ids.orderId);
  refundId = await liveConnector({
    name: 'Request a refund',
    http_method: 'post',
    description: 'Files a refund request for an order',
    url: `${upstream.url}/refunds`,
    body: '{"order_id": "{{order_id}}"}',
    data_inputs: [{ name: 'order_id', type: 'string', required: true }],
  });
  contactId = String((await app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'user', externalId: 'm-1', email: 'm1@example.test', customAttributes: { account_id: 'ACC-1' } } })).id);
});
afterAll(async () => {
  await chat?.close();
  await upstream?.close();
  await app?.close();
});
beforeEach(() => {
  chat.requests.length = 0;
});

// A live connector the AI agent may use, by id as the API gives it.
const liveConnector = async (body: Record<string, unknown>) => String(await agentConnector(app, body));

const preview = (body: unknown) => app.call('POST', '/agent/preview', { body });
const counts = () => previewCounts(app, upstream);
const toolMessages = (body: Record<string, unknown>) =>
  (body.messages as { role: string; content: string; tool_call_id?: string }[]).filter((m) => m.role === 'tool').map((m) => ({ id: m.tool_call_id, content: JSON.parse(m.content) as Record<string, unknown> }));

describe('POST /api/agent/preview with a language model', () => {
  it('shows the tool call the model would make, with its arguments and gate, and sends nothing upstream', async () => {
    const before = await counts();
    chat.script(toolCallReply([{ id: 'call_bal', name: 'Account_balance', arguments: '{"account_id":"ACC-1"}' }]));

    const res = await preview({ message: 'Do I owe anything on my account?', contact_id: contactId });

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await counts()).toEqual(before);
    expect(res.body).toMatchObject({
      type: 'agent.preview',
      agent: 'model',
      decision: { kind: 'confident', data_connector_id: balanceId },
      action: 'answer',
      inputs: [{ name: 'account_id', value: 'ACC-1', source: 'context' }],
      request: { method: 'GET', url: `${upstream.url}/accounts/ACC-1/balance` },
      run: null,
      reply: null,
      model_reply: null,
      model_error: null,
      model_calls: 1,
    });
    expect(res.body.tool_calls).toEqual([
      {
        id: 'call_bal',
        tool: 'Account_balance',
        data_connector_id: balanceId,
        name: 'Account balance',
        arguments: { account_id: 'ACC-1' },
        validation: { valid: true, missing: [], invalid: [] },
        gate: { allowed: true, reason: null },
        status: 'would_run',
        detail: expect.stringMatching(/run_live is false/),
        request: { method: 'GET', url: `${upstream.url}/accounts/ACC-1/balance` },
        run: null,
      },
    ]);
    expect(res.body.notice).toMatch(/Nothing was sent to the API/);
    // The model got what the messenger agent would give it: instructions with the contact's facts, the message, the contact's tools only.
    expect(chat.requests).toHaveLength(1);
    const [request] = chat.bodies();
    const messages = request!.messages as { role: string; content: string }[];
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(messages[0]!.content).toContain('ACC-1');
    expect(messages[1]).toEqual({ role: 'user', content: 'Do I owe anything on my account?' });
    expect((request!.tools as { function: { name: string } }[]).map((t) => t.function.name).sort()).toEqual(['Account_balance', 'Order_status', 'Request_a_refund', 'handoff_to_team']);
    expect(res.body.connectors.find((c: any) => c.data_connector_id === perksId)).toMatchObject({ candidate: false, gate: { allowed: false } });
    expect(JSON.stringify(res.body)).not.toContain(API_KEY);
  });

  it('with run_live runs the call once through the pipeline, gives the model shaped data only, and returns its reply', async () => {
    const before = await counts();
    chat.script(toolCallReply([{ id: 'call_bal', name: 'Account_balance', arguments: '{"account_id":"ACC-1"}' }]), (request) => {
      const [result] = toolMessages(JSON.parse(request.body) as Record<string, unknown>);
      const data = result!.content.data as Record<string, unknown>;
      return textReply(`You owe ${String(data['Balance due'])} ${String(data.currency)}.`);
    });

    const res = await preview({ message: 'Do I owe anything on my account?', contact_id: contactId, run_live: true });

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(upstream.requests.slice(before.requests).map((r) => r.url)).toEqual(['/accounts/ACC-1/balance']);
    expect(res.body).toMatchObject({ agent: 'model', action: 'answer', reply: 'You owe 120.5 EUR.', model_reply: 'You owe 120.5 EUR.', model_calls: 2 });
    expect(res.body.tool_calls).toHaveLength(1);
    expect(res.body.tool_calls[0]).toMatchObject({ status: 'ran', gate: { allowed: true }, run: { success: true, called_api: true, http_status: 200, shaped_response: { 'Balance due': 120.5, currency: 'EUR' } } });
    expect(res.body.run).toEqual(res.body.tool_calls[0].run);
    expect(res.body.notice).toMatch(/sent a real request/);
    // One execution result, like the builder's test: no source type, no conversation.
    expect(await app.db.executionResult.count()).toBe(before.runs + 1);
    const run = await app.db.executionResult.findUniqueOrThrow({ where: { id: Number(res.body.run.execution_result_id) } });
    expect(run).toMatchObject({ dataConnectorId: Number(balanceId), sourceType: null, conversationId: null, contactId: Number(contactId), success: true });
    // The model's second request carries the shaped data, never a restricted raw field.
    expect(toolMessages(chat.bodies()[1]!)).toEqual([{ id: 'call_bal', content: { status: 'success', data: { 'Balance due': 120.5, currency: 'EUR' } } }]);
    for (const request of chat.requests) {
      expect(request.body).not.toContain(SSN);
      expect(request.body).not.toContain(INTERNAL_NOTE);
    }
    expect(JSON.stringify(res.body)).not.toContain(SSN);
    expect(await app.db.conversationPart.count()).toBe(before.parts);
    expect(await app.db.conversation.count()).toBe(before.conversations);
  });

  it('shows a call for a connector outside the contact’s audience as refused and never runs it, even live', async () => {
    const before = await counts();
    chat.script(toolCallReply([{ id: 'call_perks', name: 'VIP_perks', arguments: '{}' }]), textReply('Sorry, I cannot look that up for you.'));

    const res = await preview({ message: 'Which VIP perks do I get?', contact_id: contactId, run_live: true });

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await counts()).toEqual(before);
    expect(res.body.tool_calls).toEqual([
      expect.objectContaining({ tool: 'VIP_perks', data_connector_id: perksId, name: 'VIP perks', status: 'refused', gate: { allowed: false, reason: expect.stringMatching(/audience/) }, run: null }),
    ]);
    expect(toolMessages(chat.bodies()[1]!)[0]!.content).toMatchObject({ status: 'refused' });
    expect(res.body).toMatchObject({ decision: { kind: 'unsure', data_connector_id: null }, run: null, reply: 'Sorry, I cannot look that up for you.' });
  });

  it('shows wrong arguments going back to the model, and a write waiting for the customer’s confirmation', async () => {
    const before = await counts();
    chat.script(toolCallReply([{ id: 'call_order', name: 'Order_status', arguments: '{"order_number":"abc"}' }]), textReply('Which order number do you mean?'));

    const wrong = await preview({ message: 'Where is my order abc?', contact_id: contactId, run_live: true });

    expect(wrong.body).toMatchObject({ action: 'ask_for_inputs', question: 'Which order number do you mean?', reply: 'Which order number do you mean?', run: null, decision: { data_connector_id: orderId } });
    expect(wrong.body.invalid).toEqual([{ name: 'order_number', reason: expect.any(String) }]);
    expect(wrong.body.tool_calls[0]).toMatchObject({ status: 'invalid_arguments', validation: { valid: false, invalid: [{ name: 'order_number' }] }, run: null });
    expect(toolMessages(chat.bodies()[1]!)[0]!.content).toMatchObject({ status: 'failed', error_type: 'request_validation_error' });

    chat.requests.length = 0;
    chat.script(toolCallReply([{ id: 'call_refund', name: 'Request_a_refund', arguments: '{"order_id":"ORD-12"}' }]));
    const write = await preview({ message: 'Refund order ORD-12 please', contact_id: contactId });
    expect(write.body).toMatchObject({
      action: 'confirm_action',
      decision: { data_connector_id: refundId },
      question: 'I can request a refund with order ID ORD-12. Shall I go ahead?',
      request: { method: 'POST', url: `${upstream.url}/refunds` },
      run: null,
      model_calls: 1,
    });
    expect(write.body.tool_calls[0]).toMatchObject({ status: 'needs_confirmation', arguments: { order_id: 'ORD-12' } });
    expect(await counts()).toEqual(before);
  });

  it('reports a provider failure in the trace, without the API key in the answer or the logs', async () => {
    const linesBefore = logLines.length;
    chat.script({ status: 401, body: { error: { message: `Incorrect API key provided: ${API_KEY}` } } });

    const res = await preview({ message: 'Do I owe anything on my account?', contact_id: contactId });

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ agent: 'model', action: 'hand_off', reply: MODEL_FAILURE_REPLY, tool_calls: [], run: null, model_calls: 1 });
    expect(res.body.model_error).toMatch(/HTTP 401/);
    expect(JSON.stringify(res.body)).not.toContain(API_KEY);
    const lines = logLines.slice(linesBefore);
    expect(lines.some((line) => line.includes('agent preview: the language model failed'))).toBe(true);
    for (const line of lines) expect(line).not.toContain(API_KEY);
  });
});
