// The language-model agent against a real SQLite app, a real connector API and
// a local OpenAI-compatible server that scripts the model's tool calls. What
// the model server receives is recorded, so the tests can say what the model
// saw (tools, shaped data) and what it never saw (restricted fields).
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentHooks } from '../../../server/agent/agent-hooks.ts';
import { CONFIRM_KEY, VERIFY_KEY } from '../../../server/agent/agent-memory.ts';
import { modelAnswerFn } from '../../../server/agent/llm/model-agent.ts';
import { CANCELLED_REPLY } from '../../../server/agent/deterministic/confirm-action.ts';
import { HANDOFF_REPLY, RUN_FAILURE_REPLY } from '../../../server/agent/deterministic/compose-reply.ts';
import { createChatModel } from '../../../server/agent/llm/chat-completions-client.ts';
import { answerWithModel, MODEL_FAILURE_REPLY, type ModelAgentDeps } from '../../../server/agent/llm/answer-with-model.ts';
import type { ChatModel } from '../../../server/agent/llm/chat-completions-client.ts';
import { agentConnector, modelAgentConnectors } from '../../support/agent-fixtures.ts';
import { startScriptedChatServer, textReply, toolCallReply, type ScriptedChatServer } from '../../support/scripted-chat-server.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

const API_KEY = 'sk-test-LlmAgent-9fQ2vX7pK3';
const SSN = '078-05-1120';
const INTERNAL_NOTE = 'VIP-do-not-refund-7731';

let app: TestApp;
let upstream: Upstream;
let chat: ScriptedChatServer;
let balanceId: number;
let perksId: number;
let orderId: number;
let cancelId: number;
const balances: Record<string, number> = { 'ACC-1': 120.5, 'ACC-2': 7 };
const logLines: string[] = [];

beforeAll(async () => {
  app = await startTestApp();
  chat = await startScriptedChatServer();
  upstream = await startUpstream((req) => {
    const balance = /^\/accounts\/([^/]+)\/balance$/.exec(req.url);
    if (balance?.[1] === 'ACC-500') return { status: 500, body: { error: 'boom' } };
    if (balance) return { body: { balance: balances[decodeURIComponent(balance[1]!)] ?? 0, currency: 'EUR', ssn: SSN, internal_note: INTERNAL_NOTE } };
    const order = /^\/orders\/(\d+)$/.exec(req.url);
    if (order) return { body: { number: Number(order[1]), status: 'shipped' } };
    if (req.url === '/perks') return { body: { perk: 'free shipping' } };
    if (req.url === '/subscriptions/cancel') return { body: { cancelled: true } };
    return { status: 404, body: { error: 'not found' } };
  });
  ({ balanceId, perksId, orderId } = await modelAgentConnectors(app, upstream.url));
  cancelId = await liveConnector({
    name: 'Cancel subscription',
    http_method: 'post',
    description: 'Cancels the customer subscription',
    url: `${upstream.url}/subscriptions/cancel`,
    body: '{"account_id": "{{account_id}}"}',
    data_inputs: [{ name: 'account_id', type: 'string', required: true }],
  });
});
afterAll(async () => {
  await chat?.close();
  await upstream?.close();
  await app?.close();
});
beforeEach(() => {
  chat.requests.length = 0;
});

const liveConnector = (body: Record<string, unknown>) => agentConnector(app, body);

// Every log line the agent writes, as JSON text.
const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _encoding, done) => void (logLines.push(String(chunk)), done()) }));

function deps(model: ChatModel = createChatModel({ baseUrl: chat.baseUrl, apiKey: API_KEY, model: 'test-model', timeoutMs: 5000 })): ModelAgentDeps {
  return { ...app.deps, logger, chatModel: model };
}

let contactCount = 0;
async function conversationFor(customAttributes: Record<string, string> = {}) {
  contactCount += 1;
  const contact = await app.db.contact.create({
    data: { workspaceId: app.workspaceId, role: 'user', externalId: `llm-${contactCount}`, email: `llm-${contactCount}@example.test`, name: `Customer ${contactCount}`, customAttributes },
  });
  return (await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId: contact.id } })).id;
}

async function ask(conversationId: number, body: string, agentDeps = deps()) {
  const part = await app.db.conversationPart.create({ data: { conversationId, authorType: 'customer', partType: 'comment', body } });
  return answerWithModel(agentDeps, { workspaceId: app.workspaceId, conversationId, partId: part.id, customer: { identityVerified: false } });
}

const partOf = (id: number | null) => app.db.conversationPart.findUniqueOrThrow({ where: { id: id! } });
const botParts = (conversationId: number) => app.db.conversationPart.findMany({ where: { conversationId, authorType: 'bot' }, orderBy: { id: 'asc' } });
const runsOf = (conversationId: number) => app.db.executionResult.findMany({ where: { conversationId }, orderBy: { id: 'asc' } });
const toolMessages = (body: Record<string, unknown>) =>
  (body.messages as { role: string; content: string; tool_call_id?: string }[]).filter((m) => m.role === 'tool').map((m) => ({ id: m.tool_call_id, content: JSON.parse(m.content) as Record<string, unknown> }));

describe('answerWithModel (language-model agent)', () => {
  it('sends each offered connector as a tool whose schema is its data inputs and whose description is its own', async () => {
    const conversationId = await conversationFor();
    chat.script(textReply('Hello! How can I help?'));

    const turn = await ask(conversationId, 'Hi there');

    expect(turn.kind).toBe('answered');
    expect((await partOf(turn.replyPartId)).body).toBe('Hello! How can I help?');
    const [request] = chat.bodies();
    expect(request!.model).toBe('test-model');
    const tools = request!.tools as { function: { name: string } }[];
    expect(tools.find((t) => t.function.name === 'Account_balance')).toEqual({
      type: 'function',
      function: {
        name: 'Account_balance',
        description: 'How much the customer owes on their account',
        parameters: {
          type: 'object',
          properties: { account_id: { type: 'string', description: "The customer's account ID" } },
          required: ['account_id'],
          additionalProperties: false,
        },
      },
    });
    expect(tools.find((t) => t.function.name === 'Order_status')).toMatchObject({
      function: { description: 'Where an order is', parameters: { properties: { order_number: { type: 'integer', description: 'The order number' } }, required: ['order_number'] } },
    });
    // The lead-only connector is not even offered to a user.
    expect(tools.map((t) => t.function.name).sort()).toEqual(['Account_balance', 'Cancel_subscription', 'Order_status', 'handoff_to_team']);
    // The customer's message is the last one the model sees, after the system instructions.
    const messages = request!.messages as { role: string; content: string }[];
    expect(messages[0]!.role).toBe('system');
    expect(messages.at(-1)).toEqual({ role: 'user', content: 'Hi there' });
    expect(chat.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it("answers with the shaped value, and the model never receives a field the admin did not select", async () => {
    const conversationId = await conversationFor({ account_id: 'ACC-1' });
    const before = upstream.requests.length;
    chat.script(
      toolCallReply([{ id: 'call_bal', name: 'Account_balance', arguments: '{"account_id":"ACC-1"}' }]),
      (request) => {
        const [result] = toolMessages(JSON.parse(request.body) as Record<string, unknown>);
        const data = result!.content.data as Record<string, unknown>;
        return textReply(`You owe ${String(data['Balance due'])} ${String(data.currency)}.`);
      },
    );

    const turn = await ask(conversationId, 'Do I owe anything on my account?');

    expect(turn).toMatchObject({ kind: 'answered', connectorId: balanceId });
    expect((await partOf(turn.replyPartId)).body).toBe('You owe 120.5 EUR.');
    expect(upstream.requests.slice(before).map((r) => r.url)).toEqual(['/accounts/ACC-1/balance']);
    // The system prompt carried the customer's account_id, which the model used.
    expect(String((chat.bodies()[0]!.messages as { content: string }[])[0]!.content)).toContain('ACC-1');
    const [result] = toolMessages(chat.bodies()[1]!);
    expect(result).toEqual({ id: 'call_bal', content: { status: 'success', data: { 'Balance due': 120.5, currency: 'EUR' } } });
    for (const request of chat.requests) {
      expect(request.body).not.toContain(SSN);
      expect(request.body).not.toContain(INTERNAL_NOTE);
    }
    const [run] = await runsOf(conversationId);
    expect(run).toMatchObject({ dataConnectorId: balanceId, sourceType: 'fin', success: true });
    expect(turn.trace.model.toolCalls).toEqual([
      { id: 'call_bal', tool: 'Account_balance', connectorId: balanceId, arguments: { account_id: 'ACC-1' }, status: 'ran', errorType: null, executionResultId: String(run!.id) },
    ]);
    const temporary = (await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).temporaryAttributes as Record<string, unknown>;
    expect(temporary['Account balance > Balance due']).toBe(120.5);

    // The same lookup later in the conversation comes from the temporary attributes: no second call upstream.
    chat.requests.length = 0;
    chat.script(toolCallReply([{ id: 'call_again', name: 'Account_balance', arguments: '{"account_id":"ACC-1"}' }]), textReply('Still 120.5 EUR.'));
    const again = await ask(conversationId, 'How much was it again?');
    expect(again.trace.model.toolCalls.map((c) => c.status)).toEqual(['from_temporary_attributes']);
    expect(upstream.requests.slice(before)).toHaveLength(1);
    expect(await runsOf(conversationId)).toHaveLength(1);
    expect(toolMessages(chat.bodies()[1]!)[0]!.content).toEqual({ status: 'success', data: { 'Balance due': 120.5, currency: 'EUR' } });
    // The earlier answer is part of the history the model gets; internal notes never are.
    expect(JSON.stringify(chat.bodies()[0]!.messages)).toContain('You owe 120.5 EUR.');
    for (const request of chat.requests) expect(request.body).not.toContain(SSN);
  });

  it('refuses a tool call for a connector outside the customer audience: nothing runs, the run log and the model say why', async () => {
    const conversationId = await conversationFor();
    const before = upstream.requests.length;
    chat.script(toolCallReply([{ id: 'call_vip', name: 'VIP_perks', arguments: '{}' }]), textReply("Sorry, I can't look up perks for your account."));

    const turn = await ask(conversationId, 'What perks do I get?');

    expect(upstream.requests).toHaveLength(before);
    const runs = await runsOf(conversationId);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ dataConnectorId: perksId, success: false, sourceType: 'fin', errorType: 'request_configuration_error', httpStatus: null });
    expect(runs[0]!.errorMessage).toMatch(/Not available for this customer/);
    const [told] = toolMessages(chat.bodies()[1]!);
    expect(told).toMatchObject({ id: 'call_vip', content: { status: 'refused', error_type: 'request_configuration_error' } });
    expect(String(told!.content.message)).toMatch(/not available for this customer/);
    expect(turn.trace.model.toolCalls[0]).toMatchObject({ status: 'refused', connectorId: perksId, executionResultId: String(runs[0]!.id) });
    expect((await partOf(turn.replyPartId)).body).toBe("Sorry, I can't look up perks for your account.");
  });

  it('tells the model a tool name it was never given does not exist', async () => {
    const conversationId = await conversationFor();
    chat.script(toolCallReply([{ id: 'call_x', name: 'delete_everything', arguments: '{}' }]), textReply('I cannot do that.'));

    const turn = await ask(conversationId, 'Delete my data');

    expect(await runsOf(conversationId)).toEqual([]);
    expect(toolMessages(chat.bodies()[1]!)[0]!.content).toMatchObject({ status: 'refused', error_type: 'unknown_tool' });
    expect(turn.trace.model.toolCalls[0]).toMatchObject({ status: 'unknown_tool', connectorId: null });
  });

  it('turns a missing or mistyped argument into a request_validation_error the model and the run log see, without calling the API', async () => {
    const conversationId = await conversationFor();
    const before = upstream.requests.length;
    chat.script(
      toolCallReply([{ id: 'call_missing', name: 'Order_status', arguments: '{}' }]),
      toolCallReply([{ id: 'call_typed', name: 'Order_status', arguments: '{"order_number":"ORD-12"}' }]),
      textReply('Could you tell me your order number? It is the number in your confirmation email.'),
    );

    const turn = await ask(conversationId, 'Where is my order?');

    expect(upstream.requests).toHaveLength(before);
    const runs = await runsOf(conversationId);
    expect(runs.map((r) => [r.dataConnectorId, r.success, r.errorType])).toEqual([
      [orderId, false, 'request_validation_error'],
      [orderId, false, 'request_validation_error'],
    ]);
    expect(runs[0]!.errorMessage).toBe('order_number is required');
    expect(runs[1]!.errorMessage).toMatch(/order_number must be an integer/);
    expect(toolMessages(chat.bodies()[1]!)[0]).toMatchObject({
      id: 'call_missing',
      content: { status: 'failed', error_type: 'request_validation_error', input_errors: [{ field: 'order_number' }] },
    });
    expect(toolMessages(chat.bodies()[2]!)[1]!.content).toMatchObject({ error_type: 'request_validation_error', input_errors: [{ field: 'order_number', message: expect.stringMatching(/must be an integer/) }] });
    expect(turn.kind).toBe('asked_for_inputs');
    expect(turn.trace.invalid).toEqual([{ name: 'order_number', reason: expect.stringMatching(/must be an integer/) }]);
    expect((await partOf(turn.replyPartId)).body).toMatch(/order number/);
  });

  it('tells the model when its arguments are not JSON, and logs it', async () => {
    const conversationId = await conversationFor();
    chat.script(toolCallReply([{ id: 'call_bad', name: 'Order_status', arguments: '{"order_number": 12' }]), textReply('Which order do you mean?'));

    const turn = await ask(conversationId, 'Where is order 12?');

    expect(toolMessages(chat.bodies()[1]!)[0]!.content).toMatchObject({ status: 'failed', error_type: 'request_validation_error' });
    expect((await runsOf(conversationId)).map((r) => r.errorType)).toEqual(['request_validation_error']);
    expect((await partOf(turn.replyPartId)).body).toBe('Which order do you mean?');
  });

  it('says so and hands off when the upstream fails, leaving the failed execution result', async () => {
    const conversationId = await conversationFor({ account_id: 'ACC-500' });
    chat.script(toolCallReply([{ name: 'Account_balance', arguments: '{"account_id":"ACC-500"}' }]));

    const turn = await ask(conversationId, 'Do I owe anything?');

    expect(turn).toMatchObject({ kind: 'handed_off', connectorId: balanceId });
    const runs = await runsOf(conversationId);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ success: false, sourceType: 'fin', httpStatus: 500, errorType: '3rd_party_error' });
    const parts = await botParts(conversationId);
    expect(parts.map((p) => p.partType)).toEqual(['note', 'comment']);
    expect(parts[0]!.body).toMatch(/Account balance/);
    expect(parts[1]!.body).toBe(RUN_FAILURE_REPLY);
    expect(await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).toMatchObject({ state: 'open', assigneeAdminId: null });
    // The failure ended the turn: the model was called once.
    expect(chat.requests).toHaveLength(1);
  });

  it('hands off when the model asks for the team', async () => {
    const conversationId = await conversationFor();
    chat.script(toolCallReply([{ name: 'handoff_to_team', arguments: '{"reason":"the customer wants a refund"}' }]));

    const turn = await ask(conversationId, 'I want a refund');

    expect(turn.kind).toBe('handed_off');
    const parts = await botParts(conversationId);
    expect(parts[0]!.body).toContain('the customer wants a refund');
    expect(parts[1]!.body).toBe(HANDOFF_REPLY);
  });

  it('asks the customer to confirm a connector that changes data, runs it only after "Yes", and not after "No"', async () => {
    const conversationId = await conversationFor({ account_id: 'ACC-1' });
    const calls = () => upstream.requests.filter((r) => r.url === '/subscriptions/cancel').length;
    const before = calls();
    chat.script(toolCallReply([{ id: 'call_cancel', name: 'Cancel_subscription', arguments: '{"account_id":"ACC-1"}' }]));

    const asked = await ask(conversationId, 'Cancel my subscription');

    expect(asked).toMatchObject({ kind: 'confirmation_requested', connectorId: cancelId });
    const question = await partOf(asked.replyPartId);
    expect(question.body).toBe('I can cancel subscription with account ID ACC-1. Shall I go ahead?');
    expect(question.metadata).toEqual({ agentAction: { type: 'confirm_action', connector_name: 'Cancel subscription' } });
    expect(calls()).toBe(before);
    expect(await runsOf(conversationId)).toEqual([]);
    expect(((await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).temporaryAttributes as Record<string, unknown>)[CONFIRM_KEY]).toMatchObject({ connectorId: cancelId, values: { account_id: 'ACC-1' } });

    chat.requests.length = 0;
    chat.script(textReply('Done: your subscription is cancelled.'));
    const done = await ask(conversationId, 'Yes');
    expect(calls()).toBe(before + 1);
    const [run] = await runsOf(conversationId);
    expect(run).toMatchObject({ dataConnectorId: cancelId, success: true, sourceType: 'fin', httpMethod: 'post' });
    expect((await partOf(done.replyPartId)).body).toBe('Done: your subscription is cancelled.');
    expect(toolMessages(chat.bodies()[0]!)[0]!.content).toEqual({ status: 'success', data: { cancelled: true } });
    const temporary = (await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).temporaryAttributes as Record<string, unknown>;
    expect(temporary[CONFIRM_KEY]).toBeUndefined();
    // A write is not kept as temporary attributes: confirming again runs it again.
    expect(Object.keys(temporary).some((k) => k.startsWith('Cancel subscription >'))).toBe(false);

    chat.script(toolCallReply([{ name: 'Cancel_subscription', arguments: '{"account_id":"ACC-1"}' }]));
    await ask(conversationId, 'Cancel it again please');
    chat.requests.length = 0;
    const declined = await ask(conversationId, 'No');
    expect(declined.kind).toBe('cancelled');
    expect((await partOf(declined.replyPartId)).body).toBe(CANCELLED_REPLY);
    expect(chat.requests).toHaveLength(0);
    expect(calls()).toBe(before + 1);
  });

  it('offers the one-time code when the connector needs a verified customer, and answers the question once verified', async () => {
    await liveConnector({ name: 'Invoices', description: 'The customer invoices', url: `${upstream.url}/perks`, customer_authentication: true });
    const conversationId = await conversationFor();
    const before = upstream.requests.length;
    chat.script(toolCallReply([{ name: 'Invoices', arguments: '{}' }]));

    const turn = await ask(conversationId, 'Show my invoices');

    expect(turn.kind).toBe('otp_required');
    expect(upstream.requests).toHaveLength(before);
    expect((await runsOf(conversationId))[0]).toMatchObject({ success: false, errorType: 'fin_action_identity_verification_error' });
    const reply = await partOf(turn.replyPartId);
    expect(reply.body).toMatch(/one-time code/);
    expect(reply.metadata).toEqual({ agentAction: { type: 'verify_email' } });
    const temporary = (await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).temporaryAttributes as Record<string, unknown>;
    expect(temporary[VERIFY_KEY]).toEqual({ partId: expect.any(Number), identityVerified: false });

    // The customer verifies the emailed code: the same question is answered again by the model agent.
    const contact = await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId }, include: { contact: true } });
    await app.db.otpChallenge.create({
      data: { workspaceId: app.workspaceId, contactId: contact.contactId, conversationId, email: contact.contact.email!, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), verifiedAt: new Date() },
    });
    chat.requests.length = 0;
    chat.script(toolCallReply([{ name: 'Invoices', arguments: '{}' }]), textReply('[model] Your perk is free shipping.'));
    const hooks = agentHooks(app.deps, { answer: modelAnswerFn({ baseUrl: chat.baseUrl, apiKey: API_KEY, model: 'test-model', timeoutMs: 5000 }, logger) });
    await hooks.onOtpVerified({ workspaceId: app.workspaceId, contactId: contact.contactId, conversationId });

    expect(upstream.requests).toHaveLength(before + 1);
    expect((await botParts(conversationId)).at(-1)!.body).toBe('[model] Your perk is free shipping.');
    // The model saw the original question last, not the later parts.
    expect((chat.bodies()[0]!.messages as { content: string }[]).at(-1)!.content).toBe('Show my invoices');
  });
});

describe('answerWithModel when the provider fails', () => {
  it('hands off and logs the failure, with the API key in no log line and no part', async () => {
    // A provider that echoes the key in its error, as some do for a bad key.
    chat.script({ status: 401, body: { error: { message: `Incorrect API key provided: ${API_KEY}` } } });
    const conversationId = await conversationFor({ account_id: 'ACC-1' });
    const linesBefore = logLines.length;

    const turn = await ask(conversationId, 'Do I owe anything?');

    expect(turn.kind).toBe('handed_off');
    expect(turn.trace.model.error).toMatch(/HTTP 401/);
    const parts = await botParts(conversationId);
    expect(parts.map((p) => p.partType)).toEqual(['note', 'comment']);
    expect(parts[0]!.body).toMatch(/language model failed/);
    expect(parts[1]!.body).toBe(MODEL_FAILURE_REPLY);
    const lines = logLines.slice(linesBefore);
    expect(lines.some((l) => l.includes('the language model failed'))).toBe(true);
    for (const text of [...lines, ...parts.map((p) => p.body), JSON.stringify(turn)]) expect(text).not.toContain(API_KEY);
  });

  it('hands off when the provider cannot be reached', async () => {
    const down = await startUpstream();
    const downUrl = `${down.url}/v1`;
    await down.close();
    const conversationId = await conversationFor();
    const linesBefore = logLines.length;

    const turn = await ask(conversationId, 'Hello?', deps(createChatModel({ baseUrl: downUrl, apiKey: API_KEY, model: 'test-model', timeoutMs: 2000 })));

    expect(turn.kind).toBe('handed_off');
    expect((await botParts(conversationId)).map((p) => p.body)).toContain(MODEL_FAILURE_REPLY);
    expect(await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).toMatchObject({ state: 'open', assigneeAdminId: null });
    for (const line of logLines.slice(linesBefore)) expect(line).not.toContain(API_KEY);
    expect(logLines.slice(linesBefore).some((l) => l.includes('network_error'))).toBe(true);
  });

  it('hands off when the model does not answer in time', async () => {
    chat.script(() => new Promise((resolve) => setTimeout(() => resolve(textReply('too late')), 1500)));
    const conversationId = await conversationFor();

    const turn = await ask(conversationId, 'Hello?', deps(createChatModel({ baseUrl: chat.baseUrl, apiKey: API_KEY, model: 'test-model', timeoutMs: 300 })));

    expect(turn.kind).toBe('handed_off');
    expect(turn.trace.model.error).toMatch(/did not answer within 300 ms/);
  });
});
