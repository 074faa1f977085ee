// The AI agent wired to the messenger as start-server.ts wires it (agentHooks),
// seen through the real messenger endpoints and a real socket.io client joined
// as the customer's messenger: typing indicator, the OTP step-up that resumes
// the original question by itself, the handoff event for the host page, and
// the agent's temporary attributes reaching open inboxes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentHooks, type AgentHooks } from '../../../server/agent/agent-hooks.ts';
import { VERIFY_KEY } from '../../../server/agent/agent-memory.ts';
import { OTP_REPLY } from '../../../server/agent/answer-customer-message.ts';
import { accountBalanceConnector, agentConnector, BALANCE_QUESTIONS, messengerCall } from '../../support/agent-fixtures.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { nextEvent, openSocket, type RecordingSocket } from '../inbox/inbox-fixtures.ts';
import { boot } from '../identity/messenger-test-helpers.ts';

let app: TestApp;
let upstream: Upstream;
let hooks: AgentHooks;
// Every hook run, so tests can wait for the agent to finish.
let running: Promise<unknown>[] = [];
let balanceId: number;

beforeAll(async () => {
  app = await startTestApp({
    onCustomerMessage: (event) => void running.push(hooks.onCustomerMessage(event)),
    onOtpVerified: (event) => void running.push(hooks.onOtpVerified(event)),
  });
  hooks = agentHooks(app.deps);
  upstream = await startUpstream((req) => {
    const match = /^\/accounts\/([^/]+)\/balance$/.exec(req.url);
    if (match?.[1] === 'ACC-500') return { status: 500, body: { error: 'database exploded at shard 7' } };
    if (match) return { body: { balance: match[1] === 'ACC-7' ? 77.25 : 12, currency: 'EUR' } };
    return { status: 404, body: {} };
  });
  balanceId = await liveConnector(accountBalanceConnector(upstream.url, { example_questions: BALANCE_QUESTIONS, customer_authentication: true }));
});
afterAll(async () => {
  await upstream?.close();
  await app?.close();
});

const liveConnector = (body: Record<string, unknown>) => agentConnector(app, body);

const call = (method: string, path: string, token: string | null, body?: unknown) => messengerCall(app.baseUrl, method, path, token, body);

// Waits until every agent run started so far (and any it started) is done.
async function settled() {
  while (running.length > 0) {
    const batch = running;
    running = [];
    await Promise.all(batch);
  }
}

async function customer(userId: string, accountId: string) {
  await app.db.contact.upsert({
    where: { workspaceId_externalId: { workspaceId: app.workspaceId, externalId: userId } },
    create: { workspaceId: app.workspaceId, role: 'user', externalId: userId, email: `${userId}@example.test`, customAttributes: { account_id: accountId } },
    update: {},
  });
  const booted = await boot(app, { workspace_id: String(app.workspaceId), user_id: userId, email: `${userId}@example.test` });
  expect(booted.status, JSON.stringify(booted.body)).toBe(200);
  return { token: booted.body.session_token as string, contactId: Number(booted.body.contact.id) };
}

async function messengerSocket(token: string, conversationId: string): Promise<RecordingSocket> {
  const recording = await openSocket(app, { messengerToken: token });
  expect(await recording.socket.emitWithAck('messenger.join', { conversation_id: conversationId })).toEqual({ ok: true });
  return recording;
}

const botParts = async (token: string, conversationId: string) =>
  (await call('GET', `/conversations/${conversationId}`, token)).body.parts.filter((p: any) => p.author.type === 'bot');

describe('the AI agent in the messenger', () => {
  it('asks an unverified customer to verify, and answers the original question by itself once the right code is entered', async () => {
    const { token } = await customer('otp-1', 'ACC-7');
    const started = await call('POST', '/conversations', token, { body: 'Do I owe anything on my account?' });
    expect(started.status).toBe(201);
    const conversationId: string = started.body.id;
    const questionPartId = Number(started.body.parts[0].id);
    await settled();
    const socket = await messengerSocket(token, conversationId);
    try {
      const [prompt] = await botParts(token, conversationId);
      expect(prompt).toMatchObject({ body: OTP_REPLY, action: { type: 'verify_email' } });
      const before = upstream.requests.length;

      const requested = await fetch(`${app.baseUrl}/messenger/otp/request`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ conversation_id: conversationId }),
      });
      expect(requested.status).toBe(201);
      const email = await app.db.outboxEmail.findFirstOrThrow({ where: { workspaceId: app.workspaceId, to: 'otp-1@example.test' }, orderBy: { id: 'desc' } });
      const code = /(\d{6})/.exec(email.text)![1]!;
      const verify = (value: string) =>
        fetch(`${app.baseUrl}/messenger/otp/verify`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ conversation_id: conversationId, code: value }),
        });

      expect((await verify(code === '000000' ? '111111' : '000000')).status).toBe(422);
      await settled();
      expect(await botParts(token, conversationId)).toHaveLength(1);
      expect(upstream.requests).toHaveLength(before);

      expect((await verify(code)).status).toBe(200);
      const answer = await nextEvent(socket, 'messenger.part.created', (e) => e.part.author.type === 'bot' && /77\.25/.test(e.part.body));
      await settled();
      expect(answer.part.action).toBeUndefined();
      expect(upstream.requests.slice(before).map((r) => r.url)).toEqual(['/accounts/ACC-7/balance']);
      // No new customer message: the answer follows the remembered question.
      const customerParts = await app.db.conversationPart.count({ where: { conversationId: Number(conversationId), authorType: 'customer' } });
      expect(customerParts).toBe(1);
      const runs = await app.db.executionResult.findMany({ where: { conversationId: Number(conversationId) }, orderBy: { id: 'asc' } });
      expect(runs.map((r) => [r.dataConnectorId, r.success, r.errorType])).toEqual([
        [balanceId, false, 'fin_action_identity_verification_error'],
        [balanceId, true, null],
      ]);
      const temporary = (await app.db.conversation.findUniqueOrThrow({ where: { id: Number(conversationId) } })).temporaryAttributes as Record<string, unknown>;
      expect(temporary[VERIFY_KEY]).toBeUndefined();
      expect(questionPartId).toBeGreaterThan(0);
      // The messenger saw the agent typing around the resumed answer.
      expect(socket.of('messenger.typing')).toEqual([
        { type: 'messenger.typing', workspace_id: String(app.workspaceId), conversation_id: conversationId, typing: true },
        { type: 'messenger.typing', workspace_id: String(app.workspaceId), conversation_id: conversationId, typing: false },
      ]);
    } finally {
      socket.close();
    }
  });

  it('shows the agent typing, and tells the host page when it hands off (customer-safe summary, email only once verified)', async () => {
    const { token } = await customer('handoff-1', 'ACC-500');
    const started = await call('POST', '/conversations', token, { body: 'Hello there' });
    await settled();
    const conversationId: string = started.body.id;
    const socket = await messengerSocket(token, conversationId);
    try {
      // Unrelated question: handed off; the email is not verified.
      const posted = await call('POST', `/conversations/${conversationId}/messages`, token, { body: 'Can you recommend a pizza recipe?' });
      expect(posted.status).toBe(201);
      const handoff = await nextEvent(socket, 'messenger.handoff', (e) => /pizza/.test(e.summary));
      await settled();
      expect(handoff).toEqual({
        type: 'messenger.handoff',
        workspace_id: String(app.workspaceId),
        conversation_id: conversationId,
        summary: expect.stringContaining('Customer asked: "Can you recommend a pizza recipe?"'),
        email: null,
      });
      const typing = socket.of('messenger.typing').map((e) => e.typing);
      expect(typing).toEqual([true, false]);
      const order = socket.events.map((e) => (e.name === 'messenger.part.created' ? `part:${e.payload.part.author.type}` : e.name));
      expect(order).toEqual(['part:customer', 'messenger.typing', 'part:bot', 'messenger.handoff', 'messenger.typing']);

      // Verified email, failing upstream: the summary says nothing of the connector's internals.
      await app.db.contact.update({ where: { workspaceId_externalId: { workspaceId: app.workspaceId, externalId: 'handoff-1' } }, data: { emailVerifiedAt: new Date(), verifiedEmail: 'handoff-1@example.test' } });
      const secondHandoff = nextEvent(socket, 'messenger.handoff', (e) => e.email !== null);
      const asked = await call('POST', `/conversations/${conversationId}/messages`, token, { body: 'Do I owe anything on my account?' });
      expect(asked.status).toBe(201);
      await settled();
      // The email verification alone does not pass the gate in this conversation: it asks for the code.
      expect((await botParts(token, conversationId)).at(-1)).toMatchObject({ action: { type: 'verify_email' } });
      const requested = await fetch(`${app.baseUrl}/messenger/otp/request`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ conversation_id: conversationId }) });
      expect(requested.status).toBe(201);
      const email = await app.db.outboxEmail.findFirstOrThrow({ where: { workspaceId: app.workspaceId, to: 'handoff-1@example.test' }, orderBy: { id: 'desc' } });
      const verified = await fetch(`${app.baseUrl}/messenger/otp/verify`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ conversation_id: conversationId, code: /(\d{6})/.exec(email.text)![1] }) });
      expect(verified.status).toBe(200);
      const failed = await secondHandoff;
      await settled();
      expect(failed.email).toBe('handoff-1@example.test');
      expect(failed.summary).toContain('Do I owe anything on my account?');
      const run = await app.db.executionResult.findFirstOrThrow({ where: { conversationId: Number(conversationId), success: false, httpStatus: 500 } });
      for (const internal of ['shard 7', '3rd_party_error', String(run.id), 'Account balance', 'HTTP 500']) expect(failed.summary).not.toContain(internal);
      // The team's note keeps the details.
      const note = await app.db.conversationPart.findFirstOrThrow({ where: { conversationId: Number(conversationId), partType: 'note' }, orderBy: { id: 'desc' } });
      expect(note.body).toContain('3rd_party_error');
    } finally {
      socket.close();
    }
  });

  it('sends the temporary attributes it keeps to open inboxes', async () => {
    const { token } = await customer('attrs-1', 'ACC-7');
    const started = await call('POST', '/conversations', token, { body: 'Do I owe anything on my account?' });
    await settled();
    const conversationId: string = started.body.id;
    const inbox = await openSocket(app, { token: app.token });
    try {
      expect(await inbox.socket.emitWithAck('conversation.join', { conversation_id: conversationId })).toEqual({ ok: true });
      const requested = await fetch(`${app.baseUrl}/messenger/otp/request`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ conversation_id: conversationId }) });
      expect(requested.status).toBe(201);
      const email = await app.db.outboxEmail.findFirstOrThrow({ where: { workspaceId: app.workspaceId, to: 'attrs-1@example.test' }, orderBy: { id: 'desc' } });
      await fetch(`${app.baseUrl}/messenger/otp/verify`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ conversation_id: conversationId, code: /(\d{6})/.exec(email.text)![1] }) });
      const event = await nextEvent(inbox, 'attribute.updated', (e) => e.target === 'conversation_temporary' && e.conversation_id === conversationId);
      await settled();
      expect(event).toMatchObject({
        workspace_id: String(app.workspaceId),
        id: conversationId,
        changes: { 'Account balance > balance': 77.25, 'Account balance > currency': 'EUR' },
        source: { type: 'fin', data_connector_id: String(balanceId) },
      });
      expect(Object.keys(event.changes).some((k: string) => k.startsWith('__agent'))).toBe(false);
      // Both the workspace room and the conversation room carry it: the inbox socket is in both.
      expect(inbox.of('attribute.updated').filter((e) => e.target === 'conversation_temporary' && e.conversation_id === conversationId)).toHaveLength(1);
    } finally {
      inbox.close();
    }
  });

  it('stays out once a teammate has taken the conversation over (a reply or an assignee), and helps again in a new one', async () => {
    const { token } = await customer('takeover-1', 'ACC-7');
    const started = await call('POST', '/conversations', token, { body: 'Can you recommend a pizza recipe?' });
    await settled();
    const conversationId: string = started.body.id;
    // Handed off (nothing matched): the agent may still help until someone picks it up.
    expect(await botParts(token, conversationId)).toHaveLength(1);
    await call('POST', `/conversations/${conversationId}/messages`, token, { body: 'What is my account balance?' });
    await settled();
    expect(await botParts(token, conversationId)).toHaveLength(2);

    // A teammate answers: from now on the team does.
    const reply = await app.call('POST', '/conversations/{id}/reply', { params: { id: conversationId }, body: { message_type: 'comment', body: 'Hi, Sam here. Let me look into it.' } });
    expect(reply.status).toBe(201);
    const socket = await messengerSocket(token, conversationId);
    try {
      const requestsBefore = upstream.requests.length;
      await call('POST', `/conversations/${conversationId}/messages`, token, { body: 'Do I owe anything on my account?' });
      await settled();
      expect(await botParts(token, conversationId)).toHaveLength(2);
      expect(socket.of('messenger.typing')).toEqual([]);
      expect(upstream.requests.length).toBe(requestsBefore);
    } finally {
      socket.close();
    }

    // Assigned without a reply yet: the same.
    const other = await call('POST', '/conversations', token, { body: 'Hello' });
    await settled();
    const assignedId: string = other.body.id;
    // A new conversation: the agent answers again.
    const parts = (await botParts(token, assignedId)).length;
    expect(parts).toBe(1);
    const admin = await app.db.admin.findFirstOrThrow({ where: { workspaceId: app.workspaceId } });
    await app.db.conversation.update({ where: { id: Number(assignedId) }, data: { assigneeAdminId: admin.id } });
    await call('POST', `/conversations/${assignedId}/messages`, token, { body: 'What is my account balance?' });
    await settled();
    expect(await botParts(token, assignedId)).toHaveLength(parts);
  });
});
