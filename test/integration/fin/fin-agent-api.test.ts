// The Fin Agent API end to end: a real app on SQLite, a real connector
// upstream and a real webhook receiver on 127.0.0.1. /fin/start and /fin/reply
// answer `thinking` at once; the agent's reply and status arrive as signed
// webhooks; a hand-off lands unassigned in the inbox; a receiver that is down
// is retried and logged without touching the API.
import { createHmac } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { finReplySchema, finStartSchema } from '../../../server/fin/fin-input.ts';
import { runFinTurn } from '../../../server/fin/fin-turns.ts';
import { verifyFinSignature, WEBHOOK_RETRY_POLICY } from '../../../server/fin/fin-webhooks.ts';
import { loadOpenApiDocument } from '../../../server/http/openapi/load-openapi.ts';
import { openApiValidator } from '../../support/openapi-validator.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type ReceivedRequest, type Reply, type Upstream } from '../../support/upstream.ts';
import { accountBalanceConnector, agentConnector, BALANCE_QUESTIONS, shapedBalance } from '../../support/agent-fixtures.ts';

const SIGNATURE = 'x-fin-agent-api-webhook-signature';
const balances: Record<string, number> = { 'ACC-1': 120.5, 'ACC-2': 7 };
const logLines: Record<string, unknown>[] = [];

let app: TestApp;
let upstream: Upstream;
let receiver: Upstream;
let receiverReply: (request: ReceivedRequest) => Reply = () => ({ status: 204, body: '' });
let secret: string;

beforeAll(async () => {
  const logger = pino({ level: 'debug', base: undefined }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
  app = await startTestApp({ logger });
  upstream = await startUpstream((req) => {
    const match = /^\/accounts\/([^/]+)\/balance$/.exec(req.url);
    if (match) return { body: { balance: balances[decodeURIComponent(match[1]!)] ?? 0, currency: 'EUR', internal_note: 'vip customer' } };
    return { status: 404, body: { error: 'not found' } };
  });
  receiver = await startUpstream((req) => receiverReply(req));

  await agentConnector(app, accountBalanceConnector(upstream.url, { example_questions: BALANCE_QUESTIONS, ...shapedBalance() }));
  const attribute = await app.call('POST', '/custom_attribute_definitions', { body: { target: 'contact', name: 'account_id', data_type: 'string' } });
  expect(attribute.status, JSON.stringify(attribute.body)).toBe(201);

  const settings = await app.call('PATCH', '/fin_agent_settings', { body: { webhook_url: `${receiver.url}/fin-hooks` } });
  expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  expect(settings.body).toMatchObject({ webhook_url: `${receiver.url}/fin-hooks`, webhook_secret_set: true, signature_header: 'X-Fin-Agent-API-Webhook-Signature' });
  expect(settings.body.webhook_secret).toMatch(/^[0-9a-f]{64}$/);
  secret = settings.body.webhook_secret;
});

afterAll(async () => {
  await receiver?.close();
  await upstream?.close();
  await app?.close();
});

const validator = openApiValidator();
const eventsOf = (conversationId: string) =>
  receiver.requests.filter((r) => r.url === '/fin-hooks').map((r) => ({ request: r, event: JSON.parse(r.body) as Record<string, any> })).filter((e) => e.event.conversation_id === conversationId);

// Polls `read` until `done` accepts what it returns (vitest's waitFor, 15 s at most).
const waitFor = <T>(read: () => T, done: (value: T) => boolean, what: string): Promise<T> =>
  vi.waitFor(
    () => {
      const value = read();
      if (!done(value)) throw new Error(`timed out waiting for ${what}`);
      return value;
    },
    { timeout: 15_000, interval: 25 },
  );
const eventsAfter = (conversationId: string, count: number) => waitFor(() => eventsOf(conversationId), (events) => events.length >= count, `${count} webhooks of ${conversationId}`);
const statusesOf = (events: { event: Record<string, any> }[]) => events.map(({ event }) => (event.event_name === 'fin_replied' ? 'replied' : event.status));

function expectEventShape(event: Record<string, any>) {
  const schema = event.event_name === 'fin_replied' ? 'fin_agent_replied_event' : 'fin_agent_status_updated_event';
  expect(validator.schemaErrors({ $ref: `#/components/schemas/${schema}` }, event), schema).toEqual([]);
}

let sequence = 0;
const message = (body: string) => ({ author: 'user', body, timestamp: new Date(Date.UTC(2026, 0, 1, 10, 0, ++sequence)).toISOString() });

async function start(conversationId: string, body: string, user: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return app.call('POST', '/fin/start', { body: { conversation_id: conversationId, message: message(body), user, ...extra } });
}

const conversationOf = async (externalId: string) =>
  app.db.finAgentConversation.findUniqueOrThrow({ where: { workspaceId_externalId: { workspaceId: app.workspaceId, externalId } }, include: { conversation: { include: { parts: { orderBy: { id: 'asc' } }, contact: true } } } });

describe('POST /fin/start', () => {
  it('answers thinking at once; fin_replied brings the shaped balance, signed with the webhook secret, then awaiting_user_reply', async () => {
    const started = await start('ext-balance-1', '<p>Do I owe anything on my account?</p>', {
      id: 'user-1',
      name: 'Ada Lovelace',
      email: 'Ada@Example.test',
      attributes: { account_id: 'ACC-1', favourite_colour: 'green' },
    });

    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ conversation_id: 'ext-balance-1', user_id: 'user-1', status: 'thinking' });
    expect(Date.parse(started.body.created_at_ms)).not.toBeNaN();
    expect(started.body.errors).toEqual({ user: { attributes: { favourite_colour: "User attribute 'favourite_colour' does not exist" } } });
    expect(started.body.sse_subscription_url).toBeUndefined();

    const events = await eventsAfter('ext-balance-1', 2);
    expect(statusesOf(events)).toEqual(['replied', 'awaiting_user_reply']);
    const [replied, status] = events;
    expect(replied!.event).toMatchObject({ event_name: 'fin_replied', conversation_id: 'ext-balance-1', user_id: 'user-1', status: 'replying', message: { author: 'fin' } });
    expect(replied!.event.message.body).toMatch(/^<p>/);
    expect(replied!.event.message.body).toContain('Balance due: 120.5');
    expect(replied!.event.message.body).not.toContain('vip');
    expect(status!.event).toMatchObject({ event_name: 'fin_status_updated', status: 'awaiting_user_reply', conversation_id: 'ext-balance-1', user_id: 'user-1' });
    for (const { request, event } of events) {
      expectEventShape(event);
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
      // What a receiver computes by itself over the raw bytes.
      const header = request.headers[SIGNATURE] as string;
      expect(header).toBe(`sha256=${createHmac('sha256', secret).update(request.body).digest('hex')}`);
      expect(verifyFinSignature(secret, request.body, header)).toBe(true);
      expect(verifyFinSignature(`${secret.slice(0, -1)}0`, request.body, header)).toBe(false);
      expect(verifyFinSignature(secret, request.body.replace('"user-1"', '"user-2"'), header)).toBe(false);
    }

    const fin = await conversationOf('ext-balance-1');
    expect(fin.status).toBe('awaiting_user_reply');
    expect(fin.conversation.contact).toMatchObject({ role: 'user', externalId: 'user-1', email: 'ada@example.test', name: 'Ada Lovelace', customAttributes: { account_id: 'ACC-1' } });
    expect(fin.conversation.parts.map((p) => [p.authorType, p.partType])).toEqual([['customer', 'comment'], ['bot', 'comment']]);
    expect(fin.conversation.parts[0]!.body).toBe('Do I owe anything on my account?');
    const runs = await app.db.executionResult.findMany({ where: { conversationId: fin.conversationId } });
    expect(runs.map((r) => [r.sourceType, r.success])).toEqual([['fin', true]]);
    // The conversation is an ordinary one in the inbox.
    const inbox = await app.call('GET', '/conversations/{id}', { params: { id: String(fin.conversationId) } });
    expect(inbox.status).toBe(200);
  });

  it('keeps history and conversation attributes, and reports attributes the workspace does not define', async () => {
    const definition = await app.call('POST', '/custom_attribute_definitions', { body: { target: 'conversation', name: 'priority_level', data_type: 'string' } });
    expect(definition.status).toBe(201);
    const started = await start('ext-history', 'Do I owe anything on my account?', { id: 'user-history', attributes: { account_id: 'ACC-2' } }, {
      conversation_metadata: {
        history: [
          { author: 'user', body: 'I need help', timestamp: '2025-01-24T10:00:01Z' },
          { author: 'agent', body: 'What do you need help with?', timestamp: '2025-01-24T10:01:00Z' },
        ],
        attributes: { priority_level: 'high', department: 'sales' },
      },
    });
    expect(started.status).toBe(200);
    expect(started.body.errors).toEqual({ conversation: { attributes: { department: "Conversation attribute 'department' does not exist" } } });
    await eventsAfter('ext-history', 2);
    const fin = await conversationOf('ext-history');
    expect(fin.conversation.customAttributes).toEqual({ priority_level: 'high' });
    expect(fin.conversation.parts.map((p) => [p.authorType, p.body])).toEqual([
      ['customer', 'I need help'],
      ['admin', 'What do you need help with?'],
      ['customer', 'Do I owe anything on my account?'],
      ['bot', expect.stringContaining('Balance due: 7')],
    ]);
    expect(fin.conversation.parts[0]!.createdAt.toISOString()).toBe('2025-01-24T10:00:01.000Z');
  });

  it('refuses a conversation_id that already exists, but answers a retried identical start as the first time without answering twice', async () => {
    const body = { conversation_id: 'ext-retry', message: message('Do I owe anything on my account?'), user: { id: 'user-retry', attributes: { account_id: 'ACC-1' } } };
    const first = await app.call('POST', '/fin/start', { body });
    expect(first.status).toBe(200);
    const again = await app.call('POST', '/fin/start', { body });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ conversation_id: 'ext-retry', user_id: 'user-retry' });
    await eventsAfter('ext-retry', 2);

    const other = await app.call('POST', '/fin/start', { body: { ...body, message: message('Something else entirely') } });
    expect(other.status).toBe(400);
    expect(other.body.errors).toEqual([expect.objectContaining({ code: 'parameter_invalid', field: 'conversation_id', message: expect.stringMatching(/already exists.*\/fin\/reply/) })]);
    const fin = await conversationOf('ext-retry');
    expect(fin.conversation.parts.filter((p) => p.authorType === 'customer')).toHaveLength(1);
    expect(eventsOf('ext-retry')).toHaveLength(2);
  });
});

describe('POST /fin/reply', () => {
  it('continues the conversation: the agent asks for the account ID, the reply gives it, the answer arrives', async () => {
    const started = await start('ext-ask', 'Do I owe anything on my account?', { id: 'user-ask' });
    expect(started.status).toBe(200);
    const asked = await eventsAfter('ext-ask', 2);
    expect(statusesOf(asked)).toEqual(['replied', 'awaiting_user_reply']);
    expect(asked[0]!.event.message.body).toMatch(/account ID/);

    const replied = await app.call('POST', '/fin/reply', { body: { conversation_id: 'ext-ask', message: message('Sure, it is ACC-2'), user: { id: 'user-ask' } } });
    expect(replied.status).toBe(200);
    expect(replied.body).toMatchObject({ conversation_id: 'ext-ask', user_id: 'user-ask', status: 'thinking' });

    const events = await eventsAfter('ext-ask', 4);
    expect(statusesOf(events)).toEqual(['replied', 'awaiting_user_reply', 'replied', 'awaiting_user_reply']);
    expect(events[2]!.event.message.body).toContain('Balance due: 7');
    for (const { request, event } of events) {
      expectEventShape(event);
      expect(verifyFinSignature(secret, request.body, request.headers[SIGNATURE] as string)).toBe(true);
    }
    const fin = await conversationOf('ext-ask');
    expect(fin.conversation.parts.map((p) => p.authorType)).toEqual(['customer', 'bot', 'customer', 'bot']);
    expect(await app.db.finAgentConversation.count({ where: { externalId: 'ext-ask' } })).toBe(1);
  });

  it('with follow_up_questions false, the exchange ends with complete instead of awaiting_user_reply', async () => {
    const started = await start('ext-oneshot', 'Do I owe anything on my account?', { id: 'user-oneshot', attributes: { account_id: 'ACC-1' } }, { settings: { follow_up_questions: false } });
    expect(started.status).toBe(200);
    expect(statusesOf(await eventsAfter('ext-oneshot', 2))).toEqual(['replied', 'complete']);
  });

  it('does not add a message sent again within five minutes (same timestamp and body)', async () => {
    await start('ext-dedupe', 'Do I owe anything on my account?', { id: 'user-dedupe' });
    await eventsAfter('ext-dedupe', 2);
    const body = { conversation_id: 'ext-dedupe', message: message('ACC-1'), user: { id: 'user-dedupe' } };
    expect((await app.call('POST', '/fin/reply', { body })).status).toBe(200);
    expect((await app.call('POST', '/fin/reply', { body })).status).toBe(200);
    await eventsAfter('ext-dedupe', 4);
    const fin = await conversationOf('ext-dedupe');
    expect(fin.conversation.parts.filter((p) => p.authorType === 'customer').map((p) => p.body)).toEqual(['Do I owe anything on my account?', 'ACC-1']);
  });
});

describe('hand-off', () => {
  it('escalated then complete; the conversation is unassigned in the inbox with a note, and the agent stays out of later replies', async () => {
    const started = await start('ext-handoff', 'Can you recommend a good pizza recipe for tonight?', { id: 'user-handoff' });
    expect(started.status).toBe(200);
    const events = await eventsAfter('ext-handoff', 3);
    expect(statusesOf(events)).toEqual(['replied', 'escalated', 'complete']);
    expect(events[1]!.event).toMatchObject({ event_name: 'fin_status_updated', status: 'escalated', reason: expect.any(String) });
    for (const { event } of events) expectEventShape(event);

    const fin = await conversationOf('ext-handoff');
    expect(fin.status).toBe('escalated');
    const detail = await app.call('GET', '/conversations/{id}', { params: { id: String(fin.conversationId) } });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ state: 'open', assignee: null });
    expect(detail.body.parts.some((p: { part_type: string; body: string }) => p.part_type === 'note' && /handed this conversation to the team/.test(p.body))).toBe(true);

    const later = await app.call('POST', '/fin/reply', { body: { conversation_id: 'ext-handoff', message: message('Hello? Anyone there?'), user: { id: 'user-handoff' } } });
    expect(later.status).toBe(200);
    expect(later.body.status).toBe('escalated');
    const parts = (await conversationOf('ext-handoff')).conversation.parts;
    expect(parts.at(-1)).toMatchObject({ authorType: 'customer', body: 'Hello? Anyone there?' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(eventsOf('ext-handoff')).toHaveLength(3);
    expect((await conversationOf('ext-handoff')).conversation.parts.at(-1)!.authorType).toBe('customer');

    // A message that was queued behind the turn that handed off (sent while that turn ran) is left to the team too.
    const queued = await conversationOf('ext-handoff');
    let answered = 0;
    const agent = async (): Promise<never> => {
      answered += 1;
      throw new Error('the agent must not answer after a hand-off');
    };
    const job = { workspaceId: app.workspaceId, finConversationId: queued.id, conversationId: queued.conversationId, partId: queued.conversation.parts.at(-1)!.id, externalId: 'ext-handoff', userId: 'user-handoff', followUpQuestions: true };
    await runFinTurn({ ...app.deps, answerCustomer: agent }, job);
    expect(answered).toBe(0);
    expect(eventsOf('ext-handoff')).toHaveLength(3);
    expect((await conversationOf('ext-handoff')).status).toBe('escalated');
  });
});

describe('validation and authentication', () => {
  const valid = () => ({ conversation_id: 'ext-valid', message: message('Hello'), user: { id: 'user-valid' } });
  const errorsOf = async (path: '/fin/start' | '/fin/reply', body: unknown) => {
    const res = await app.call('POST', path, { body });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    return (res.body.errors as { code: string; field?: string; message: string }[]).map((e) => ({ code: e.code, field: e.field, message: e.message }));
  };

  it('names the field and the rule, with 400 parameter_invalid as in the reference', async () => {
    const { conversation_id: _c, ...noConversation } = valid();
    expect(await errorsOf('/fin/start', noConversation)).toEqual([{ code: 'parameter_invalid', field: 'conversation_id', message: 'conversation_id is required' }]);
    expect(await errorsOf('/fin/start', { ...valid(), user: {} })).toEqual([{ code: 'parameter_invalid', field: 'user.id', message: 'user.id is required' }]);
    expect(await errorsOf('/fin/start', { ...valid(), user: { id: 'u', email: 'not-an-email' } })).toEqual([expect.objectContaining({ field: 'user.email', message: expect.stringMatching(/valid email/) })]);
    expect(await errorsOf('/fin/start', { ...valid(), message: { author: 'fin', body: 'Hi' } })).toEqual([expect.objectContaining({ field: 'message.author' })]);
    expect(await errorsOf('/fin/start', { ...valid(), message: { author: 'user', body: '   ' } })).toEqual([expect.objectContaining({ field: 'message.body', message: expect.stringMatching(/empty/) })]);
    expect(await errorsOf('/fin/start', { ...valid(), message: { author: 'user', body: 'Hi', timestamp: 'yesterday' } })).toEqual([expect.objectContaining({ field: 'message.timestamp' })]);
    const history = Array.from({ length: 11 }, () => ({ author: 'user', body: 'earlier' }));
    expect(await errorsOf('/fin/start', { ...valid(), conversation_metadata: { history } })).toEqual([
      expect.objectContaining({ field: 'conversation_metadata.history', message: expect.stringMatching(/more than 10/) }),
    ]);
    expect(await errorsOf('/fin/start', { ...valid(), attachments: [{ type: 'url' }] })).toEqual([expect.objectContaining({ field: 'attachments.0.url', message: expect.stringMatching(/required when type is url/) })]);
    expect(await errorsOf('/fin/start', { ...valid(), settings: { follow_up_questions: 'no' } })).toEqual([expect.objectContaining({ field: 'settings.follow_up_questions' })]);
    expect(await errorsOf('/fin/start', ['not', 'an', 'object'])).toEqual([expect.objectContaining({ code: 'parameter_invalid', message: expect.stringMatching(/JSON object/) })]);

    expect(await errorsOf('/fin/reply', { ...valid(), conversation_id: 'ext-never-started' })).toEqual([expect.objectContaining({ field: 'conversation_id', message: expect.stringMatching(/\/fin\/start/) })]);
    await start('ext-owner', 'Hello', { id: 'user-owner' });
    expect(await errorsOf('/fin/reply', { conversation_id: 'ext-owner', message: message('Me again'), user: { id: 'someone-else' } })).toEqual([expect.objectContaining({ field: 'user.id' })]);
    // Nothing was stored for the refused requests.
    expect(await app.db.finAgentConversation.count({ where: { externalId: 'ext-valid' } })).toBe(0);
  });

  it('needs a bearer token, and a token of another workspace sees none of these conversations', async () => {
    const anonymous = await app.call('POST', '/fin/start', { body: valid(), token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0]).toMatchObject({ code: 'unauthorized' });
    const wrong = await app.call('POST', '/fin/reply', { body: valid(), token: 'not-a-token' });
    expect(wrong.status).toBe(401);

    await start('ext-private', 'Hello', { id: 'user-private' });
    const other = await app.newWorkspaceToken();
    const res = await app.call('POST', '/fin/reply', { body: { conversation_id: 'ext-private', message: message('hi'), user: { id: 'user-private' } }, token: other });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'conversation_id' });
  });

  it('accepts every request example of the document (copied from the reference)', () => {
    const doc = loadOpenApiDocument();
    const examples = (path: string) =>
      Object.values(((((doc.paths[path] as any).post.requestBody.content['application/json'].examples) ?? {}) as Record<string, { value: unknown }>)).map((e) => e.value);
    const check = (schema: z.ZodType, values: unknown[]) => {
      expect(values.length).toBeGreaterThan(1);
      for (const value of values) expect(schema.safeParse(value).error?.issues ?? []).toEqual([]);
    };
    check(finStartSchema, examples('/fin/start'));
    check(finReplySchema, examples('/fin/reply'));
  });
});

describe('webhook settings', () => {
  it('rotates the secret (shown once), refuses URLs the connector rules refuse, and is for admins only', async () => {
    const read = await app.call('GET', '/fin_agent_settings');
    expect(read.body).toMatchObject({ webhook_secret_set: true, webhook_secret: null });
    expect(JSON.stringify(read.body)).not.toContain(secret);
    const stored = await app.db.workspace.findUniqueOrThrow({ where: { id: app.workspaceId } });
    expect(stored.finWebhookSecretEncrypted).not.toContain(secret);
    expect(app.secrets.decrypt(stored.finWebhookSecretEncrypted!)).toBe(secret);

    for (const [url, rule] of [
      ['http://10.0.0.7/hooks', /https is required|private/],
      ['https://10.0.0.7/hooks', /10\.0\.0\.7 is .*private|blocked/],
      ['https://169.254.169.254/latest', /blocked/],
      ['ftp://example.com/hooks', /unsupported URL scheme/],
      ['https://user:pw@example.com/hooks', /credentials/],
      ['not a url', /valid absolute URL/],
    ] as const) {
      const res = await app.call('PATCH', '/fin_agent_settings', { body: { webhook_url: url } });
      expect(res.status, url).toBe(422);
      expect(res.body.errors[0], url).toMatchObject({ code: 'parameter_invalid', field: 'webhook_url', message: expect.stringMatching(rule) });
    }
    expect((await app.call('PATCH', '/fin_agent_settings', { body: {} })).body.errors[0]).toMatchObject({ field: 'webhook_url' });

    const rotated = await app.call('POST', '/fin_agent_settings/rotate_webhook_secret');
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhook_secret).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.body.webhook_secret).not.toBe(secret);
    const old = secret;
    secret = rotated.body.webhook_secret;

    await start('ext-rotated', 'Do I owe anything on my account?', { id: 'user-rotated', attributes: { account_id: 'ACC-1' } });
    const { request } = (await eventsAfter('ext-rotated', 2))[0]!;
    expect(verifyFinSignature(secret, request.body, request.headers[SIGNATURE] as string)).toBe(true);
    expect(verifyFinSignature(old, request.body, request.headers[SIGNATURE] as string)).toBe(false);

    const agent = await app.db.admin.create({ data: { workspaceId: app.workspaceId, email: 'agent@example.test', name: 'Agent', passwordHash: 'x', role: 'agent' } });
    const { createApiToken } = await import('../../../server/identity/api-tokens.ts');
    const { token } = await createApiToken(app.db, { workspaceId: app.workspaceId, name: 'agent', createdByAdminId: agent.id });
    expect((await app.call('GET', '/fin_agent_settings', { token })).status).toBe(403);
    // Agents (and their integrations) may still use the Fin Agent API itself, but not set protected attributes.
    const defined = await app.call('POST', '/custom_attribute_definitions', { body: { target: 'contact', name: 'billing_ref', data_type: 'string', protected: true } });
    expect(defined.status).toBe(201);
    const byAgent = await app.call('POST', '/fin/start', { token, body: { conversation_id: 'ext-agent', message: message('Hello'), user: { id: 'user-agent', attributes: { billing_ref: 'B-1' } } } });
    expect(byAgent.status).toBe(200);
    expect(byAgent.body.errors.user.attributes.billing_ref).toMatch(/is protected/);
    const byAdmin = await app.call('POST', '/fin/start', { body: { conversation_id: 'ext-admin', message: message('Hello'), user: { id: 'user-admin', attributes: { billing_ref: 'B-2' } } } });
    expect(byAdmin.body.errors).toBeUndefined();
    expect((await conversationOf('ext-agent')).conversation.contact.customAttributes).toEqual({});
    expect((await conversationOf('ext-admin')).conversation.contact.customAttributes).toEqual({ billing_ref: 'B-2' });
  });
});

describe('a webhook receiver that is down', () => {
  it('is retried, then logged without the secret; the API answers as usual and later deliveries work again', async () => {
    receiverReply = () => ({ status: 503, body: { error: 'maintenance' } });
    const begin = Date.now();
    const started = await start('ext-down', 'Do I owe anything on my account?', { id: 'user-down', attributes: { account_id: 'ACC-1' } });
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('thinking');
    expect(Date.now() - begin).toBeLessThan(2_000);

    // fin_replied tried three times, then fin_status_updated three times.
    await eventsAfter('ext-down', 2 * WEBHOOK_RETRY_POLICY.maxAttempts);
    const refused = await waitFor(
      () => logLines.filter((l) => l.msg === 'fin agent webhook refused by the receiver' && l.conversationId === 'ext-down'),
      (lines) => lines.length === 2,
      'two refusal log lines',
    );
    expect(refused.map((l) => [l.event, l.httpStatus, l.attempts])).toEqual([
      ['fin_replied', 503, 3],
      ['fin_status_updated', 503, 3],
    ]);
    const ids = eventsOf('ext-down').map(({ request }) => request.headers['idempotency-key']);
    expect(new Set(ids).size).toBe(2); // one key per event, the same on its retries

    // Nobody listening at all: connection refused, retried, logged.
    const gone = await startUpstream();
    const goneUrl = `${gone.url}/fin-hooks`;
    await gone.close();
    expect((await app.call('PATCH', '/fin_agent_settings', { body: { webhook_url: goneUrl } })).status).toBe(200);
    const again = await start('ext-gone', 'Do I owe anything on my account?', { id: 'user-gone', attributes: { account_id: 'ACC-2' } });
    expect(again.status).toBe(200);
    const failed = await waitFor(
      () => logLines.filter((l) => l.msg === 'fin agent webhook could not be delivered' && l.conversationId === 'ext-gone'),
      (lines) => lines.length === 2,
      'two delivery failure log lines',
    );
    expect(failed[0]).toMatchObject({ event: 'fin_replied', attempts: 3, target: gone.url });
    // The agent's work is done regardless.
    expect((await conversationOf('ext-gone')).status).toBe('awaiting_user_reply');

    const logged = JSON.stringify(logLines);
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain('sha256=');

    receiverReply = () => ({ status: 204, body: '' });
    expect((await app.call('PATCH', '/fin_agent_settings', { body: { webhook_url: `${receiver.url}/fin-hooks` } })).body.webhook_secret).toBeNull();
    await start('ext-back', 'Do I owe anything on my account?', { id: 'user-back', attributes: { account_id: 'ACC-1' } });
    await eventsAfter('ext-back', 2);
  });
});
