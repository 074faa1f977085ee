// The deterministic agent's turn against a real SQLite app and a real upstream:
// it picks the connector, fills inputs, runs it as `fin`, answers from the
// shaped data, asks for what is missing, and hands off when unsure or failing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIRM_KEY, PENDING_KEY, VERIFY_KEY } from '../../../server/agent/agent-memory.ts';
import { answerCustomerMessage, NO_EMAIL_REPLY, NOT_AVAILABLE_REPLY } from '../../../server/agent/answer-customer-message.ts';
import { CANCELLED_REPLY } from '../../../server/agent/deterministic/confirm-action.ts';
import { HANDOFF_REPLY, RUN_FAILURE_REPLY } from '../../../server/agent/deterministic/compose-reply.ts';
import type { RealtimeEvent } from '../../../server/realtime/realtime-events.ts';
import { accountBalanceConnector, agentConnector, BALANCE_QUESTIONS, shapedBalance } from '../../support/agent-fixtures.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

let app: TestApp;
let upstream: Upstream;
let balanceId: number;
let ordersId: number;
const balances: Record<string, number> = { 'ACC-1': 120.5, 'ACC-2': 7, 'ACC-42': 99 };
const published: RealtimeEvent[] = [];

beforeAll(async () => {
  app = await startTestApp();
  upstream = await startUpstream((req) => {
    const match = /^\/accounts\/([^/]+)\/balance$/.exec(req.url);
    if (match?.[1] === 'ACC-500') return { status: 500, body: { error: 'boom' } };
    if (match) return { body: { balance: balances[decodeURIComponent(match[1]!)] ?? 0, currency: 'EUR', internal_note: 'vip' } };
    if (req.url === '/orders') return { body: { last_order: 'ORD-1', status: 'shipped' } };
    if (req.url === '/subscriptions/cancel') return { body: { cancelled: true, effective: 'today' } };
    return { status: 404, body: { error: 'not found' } };
  });
  balanceId = await liveConnector(accountBalanceConnector(upstream.url, { example_questions: BALANCE_QUESTIONS, ...shapedBalance() }));
  ordersId = await liveConnector({
    name: 'Order tracking',
    description: 'Where the customer latest order is and its shipping status',
    example_questions: ['Where is my order?', 'Has my order shipped?'],
    url: `${upstream.url}/orders`,
    customer_authentication: true,
  });
});
afterAll(async () => {
  await upstream?.close();
  await app?.close();
});

const liveConnector = (body: Record<string, unknown>) => agentConnector(app, body);

let contactCount = 0;
async function conversationFor(customAttributes: Record<string, string> = {}, assigneeAdminId: number | null = null) {
  contactCount += 1;
  const contact = await app.db.contact.create({
    data: { workspaceId: app.workspaceId, role: 'user', externalId: `cust-${contactCount}`, email: `cust-${contactCount}@example.test`, name: `Customer ${contactCount}`, customAttributes },
  });
  return (await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId: contact.id, assigneeAdminId } })).id;
}

async function ask(conversationId: number, body: string, identityVerified = false) {
  const part = await app.db.conversationPart.create({ data: { conversationId, authorType: 'customer', partType: 'comment', body } });
  // The app's bus, with every event it is handed recorded.
  const bus = { publish: (event: RealtimeEvent) => (published.push(event), app.deps.bus.publish(event)) };
  return answerCustomerMessage({ ...app.deps, bus }, { workspaceId: app.workspaceId, conversationId, partId: part.id, customer: { identityVerified } });
}

const partOf = (id: number | null) => app.db.conversationPart.findUniqueOrThrow({ where: { id: id! } });
const runsOf = (conversationId: number) => app.db.executionResult.findMany({ where: { conversationId }, orderBy: { id: 'asc' } });
const temporaryOf = async (conversationId: number) => (await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).temporaryAttributes as Record<string, unknown>;

describe('answerCustomerMessage (deterministic agent)', () => {
  it("answers with this contact's balance from the shaped data, logs a fin run, and publishes the part", async () => {
    const conversationId = await conversationFor({ account_id: 'ACC-1' });
    const before = upstream.requests.length;

    const turn = await ask(conversationId, 'Do I owe anything on my account?');

    expect(turn).toMatchObject({ kind: 'answered', connectorId: balanceId });
    expect(turn.trace.decision).toMatchObject({ kind: 'confident', connectorId: balanceId });
    expect(turn.trace.candidates.map((c) => c.connectorId)).toContain(ordersId);
    expect(turn.trace.candidates[0]).toMatchObject({ connectorId: balanceId });
    expect(turn.trace.candidates[0]!.score).toBeGreaterThan(0);
    expect(turn.trace.inputs).toEqual([{ name: 'account_id', value: 'ACC-1', source: 'context' }]);
    expect(upstream.requests.slice(before).map((r) => r.url)).toEqual(['/accounts/ACC-1/balance']);

    const reply = await partOf(turn.replyPartId);
    expect(reply).toMatchObject({ conversationId, authorType: 'bot', partType: 'comment' });
    expect(reply.body).toContain('Balance due: 120.5');
    expect(reply.body).not.toContain('vip');

    const [run] = await runsOf(conversationId);
    expect(run).toMatchObject({ dataConnectorId: balanceId, sourceType: 'fin', success: true, version: 'live' });
    expect(turn.trace.outcome).toMatchObject({ executionResultId: String(run!.id), success: true, fromTemporaryAttributes: false });

    const temporary = await temporaryOf(conversationId);
    expect(temporary['Account balance > Balance due']).toBe(120.5);
    expect(temporary['Account balance > currency']).toBe('EUR');
    expect(Object.keys(temporary).some((k) => k.includes('internal_note'))).toBe(false);
    // Open inboxes hear about the new temporary attributes, and only about them.
    const attributeEvents = published.filter((e) => e.type === 'attribute.updated' && e.conversation_id === String(conversationId));
    expect(attributeEvents).toEqual([
      {
        type: 'attribute.updated',
        workspace_id: String(app.workspaceId),
        target: 'conversation_temporary',
        id: String(conversationId),
        conversation_id: String(conversationId),
        changes: { 'Account balance > Balance due': 120.5, 'Account balance > currency': 'EUR' },
        source: { type: 'fin', id: null, data_connector_id: String(balanceId), execution_result_id: String(run!.id) },
      },
    ]);

    const created = published.filter((e) => e.type === 'conversation.part.created' && e.conversation_id === String(conversationId));
    expect(created.map((e) => (e as { part: { id: string } }).part.id)).toEqual([String(turn.replyPartId)]);
    expect(published.some((e) => e.type === 'conversation.updated' && e.conversation_id === String(conversationId))).toBe(true);
  });

  it('gives a second contact their own number', async () => {
    const conversationId = await conversationFor({ account_id: 'ACC-2' });
    const turn = await ask(conversationId, 'Do I owe anything on my account?');
    expect(turn.kind).toBe('answered');
    const reply = await partOf(turn.replyPartId);
    expect(reply.body).toContain('Balance due: 7');
    expect(reply.body).not.toContain('120.5');
  });

  it('answers the same question again from the temporary attributes without calling the API', async () => {
    const conversationId = await conversationFor({ account_id: 'ACC-1' });
    await ask(conversationId, 'Do I owe anything on my account?');
    const before = upstream.requests.length;

    const again = await ask(conversationId, 'Do I owe anything on my account?');

    expect(again).toMatchObject({ kind: 'answered', connectorId: balanceId });
    expect(again.trace.outcome).toMatchObject({ fromTemporaryAttributes: true, executionResultId: null });
    expect(upstream.requests).toHaveLength(before);
    expect(await runsOf(conversationId)).toHaveLength(1);
    expect((await partOf(again.replyPartId)).body).toContain('Balance due: 120.5');
  });

  it('asks for a missing input, then answers with the value from the next message', async () => {
    const conversationId = await conversationFor();

    const asked = await ask(conversationId, 'Do I owe anything on my account?');
    expect(asked).toMatchObject({ kind: 'asked_for_inputs', connectorId: balanceId });
    expect(asked.trace.missing).toEqual(['account_id']);
    const question = await partOf(asked.replyPartId);
    expect(question).toMatchObject({ authorType: 'bot', partType: 'comment' });
    expect(question.body).toMatch(/account ID/);
    expect(await runsOf(conversationId)).toHaveLength(0);
    expect((await temporaryOf(conversationId))[PENDING_KEY]).toMatchObject({ connectorId: balanceId });

    const answered = await ask(conversationId, 'ACC-42');
    expect(answered).toMatchObject({ kind: 'answered', connectorId: balanceId });
    expect(answered.trace.decision.kind).toBe('pending');
    expect(answered.trace.inputs).toEqual([{ name: 'account_id', value: 'ACC-42', source: 'message' }]);
    expect((await partOf(answered.replyPartId)).body).toContain('Balance due: 99');
    expect((await temporaryOf(conversationId))[PENDING_KEY]).toBeUndefined();
  });

  describe('a connector that changes data', () => {
    let cancelId: number;
    beforeAll(async () => {
      cancelId = await liveConnector({
        name: 'Cancel subscription',
        http_method: 'post',
        description: 'Cancels the customer subscription immediately',
        example_questions: ['Please cancel my subscription', 'Cancel my plan'],
        url: `${upstream.url}/subscriptions/cancel`,
      });
    });
    const cancelRequests = () => upstream.requests.filter((r) => r.url === '/subscriptions/cancel');

    it('asks the customer to confirm first and sends nothing; "No" cancels without sending anything', async () => {
      const conversationId = await conversationFor({ account_id: 'ACC-1' });
      const before = cancelRequests().length;

      const asked = await ask(conversationId, 'Please cancel my subscription');

      expect(asked).toMatchObject({ kind: 'confirmation_requested', connectorId: cancelId });
      expect(cancelRequests()).toHaveLength(before);
      expect(await runsOf(conversationId)).toEqual([]);
      const question = await partOf(asked.replyPartId);
      expect(question.body).toBe('I can cancel subscription for you. Shall I go ahead?');
      expect(question.metadata).toEqual({ agentAction: { type: 'confirm_action', connector_name: 'Cancel subscription' } });
      const messengerEvent = published.find((e) => e.type === 'messenger.part.created' && e.part.id === String(asked.replyPartId));
      expect(messengerEvent).toMatchObject({ part: { action: { type: 'confirm_action', connector_name: 'Cancel subscription' } } });
      expect((await temporaryOf(conversationId))[CONFIRM_KEY]).toMatchObject({ connectorId: cancelId });

      const declined = await ask(conversationId, 'No.');

      expect(declined).toMatchObject({ kind: 'cancelled', connectorId: cancelId });
      expect((await partOf(declined.replyPartId)).body).toBe(CANCELLED_REPLY);
      expect(cancelRequests()).toHaveLength(before);
      expect(await runsOf(conversationId)).toEqual([]);
      expect((await temporaryOf(conversationId))[CONFIRM_KEY]).toBeUndefined();
    });

    it('"Yes" sends exactly one request and answers; asked again, it asks again (a write is never answered from memory)', async () => {
      const conversationId = await conversationFor({ account_id: 'ACC-1' });
      await ask(conversationId, 'Cancel my plan');
      const before = cancelRequests().length;

      const done = await ask(conversationId, '  yes, go ahead! ');

      expect(done).toMatchObject({ kind: 'answered', connectorId: cancelId });
      expect(done.trace.decision).toMatchObject({ kind: 'confirmation' });
      expect(cancelRequests()).toHaveLength(before + 1);
      expect(cancelRequests().at(-1)!.method).toBe('POST');
      expect((await partOf(done.replyPartId)).body).toContain('Cancelled: Yes');
      const runs = await runsOf(conversationId);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ dataConnectorId: cancelId, success: true, sourceType: 'fin', httpMethod: 'post' });

      const again = await ask(conversationId, 'Please cancel my subscription');
      expect(again.kind).toBe('confirmation_requested');
      expect(cancelRequests()).toHaveLength(before + 1);
    });

    it('asks once more on an unclear answer, then takes the next unclear one as a new question', async () => {
      const conversationId = await conversationFor({ account_id: 'ACC-1' });
      await ask(conversationId, 'Please cancel my subscription');
      const before = cancelRequests().length;

      const reasked = await ask(conversationId, 'hmm, what happens to my data?');
      expect(reasked).toMatchObject({ kind: 'confirmation_requested', connectorId: cancelId });
      expect((await partOf(reasked.replyPartId)).body).toMatch(/^Sorry, I need a clear yes or no.*Shall I go ahead\?$/);

      const newQuestion = await ask(conversationId, 'Do I owe anything on my account?');
      expect(newQuestion).toMatchObject({ kind: 'answered', connectorId: balanceId });
      expect(cancelRequests()).toHaveLength(before);
      expect((await temporaryOf(conversationId))[CONFIRM_KEY]).toBeUndefined();
    });
  });

  it('hands off an unrelated question: unassigned, with a note and a reply to the customer', async () => {
    const conversationId = await conversationFor({ account_id: 'ACC-1' }, app.adminId);
    const before = upstream.requests.length;

    const turn = await ask(conversationId, 'Can you recommend a good pizza recipe?');

    expect(turn).toMatchObject({ kind: 'handed_off', connectorId: null });
    expect(turn.trace.decision.kind).toBe('unsure');
    expect(upstream.requests).toHaveLength(before);
    const parts = await app.db.conversationPart.findMany({ where: { conversationId, authorType: 'bot' }, orderBy: { id: 'asc' } });
    expect(parts.map((p) => p.partType)).toEqual(['note', 'comment']);
    expect(parts[0]!.body).toContain('pizza recipe');
    expect(parts[1]!.body).toBe(HANDOFF_REPLY);
    expect(turn.replyPartId).toBe(parts[1]!.id);
    const conversation = await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(conversation).toMatchObject({ state: 'open', assigneeAdminId: null });
    const updated = published.filter((e) => e.type === 'conversation.updated' && e.conversation_id === String(conversationId)).at(-1) as { conversation: { assignee: unknown } } | undefined;
    expect(updated?.conversation.assignee).toBeNull();
  });

  it('says so and hands off when the upstream fails, leaving a failed execution result', async () => {
    const conversationId = await conversationFor({ account_id: 'ACC-500' });

    const turn = await ask(conversationId, 'Do I owe anything on my account?');

    expect(turn).toMatchObject({ kind: 'handed_off', connectorId: balanceId });
    const runs = await runsOf(conversationId);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ success: false, sourceType: 'fin', httpStatus: 500 });
    const parts = await app.db.conversationPart.findMany({ where: { conversationId, authorType: 'bot' }, orderBy: { id: 'asc' } });
    expect(parts.map((p) => p.partType)).toEqual(['note', 'comment']);
    expect(parts[0]!.body).toContain('Account balance');
    expect(parts[1]!.body).toBe(RUN_FAILURE_REPLY);
    expect(Object.keys(await temporaryOf(conversationId)).some((k) => k.startsWith('Account balance >'))).toBe(false);
  });

  it('asks an unverified customer to verify for a connector with customer authentication, and logs the refusal', async () => {
    const conversationId = await conversationFor();
    const before = upstream.requests.length;

    const turn = await ask(conversationId, 'Where is my order? Has it shipped?');

    expect(turn).toMatchObject({ kind: 'otp_required', connectorId: ordersId });
    expect(upstream.requests).toHaveLength(before);
    const runs = await runsOf(conversationId);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ dataConnectorId: ordersId, success: false, sourceType: 'fin', errorType: 'fin_action_identity_verification_error' });
    const prompt = await partOf(turn.replyPartId);
    expect(prompt.body).toMatch(/one-time code/);
    expect(prompt.metadata).toEqual({ agentAction: { type: 'verify_email' } });
    const question = await app.db.conversationPart.findFirstOrThrow({ where: { conversationId, authorType: 'customer' }, orderBy: { id: 'desc' } });
    expect((await temporaryOf(conversationId))[VERIFY_KEY]).toEqual({ partId: question.id, identityVerified: false });

    const verified = await ask(conversationId, 'Where is my order? Has it shipped?', true);
    expect(verified).toMatchObject({ kind: 'answered', connectorId: ordersId });
    expect((await partOf(verified.replyPartId)).body).toContain('shipped');
  });

  it('refuses a customer without an email for a connector with customer authentication: says so, hands off, logs the refusal', async () => {
    const contact = await app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'user', externalId: 'no-email-1', name: 'No Email' } });
    const conversationId = (await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId: contact.id } })).id;
    const before = upstream.requests.length;

    const turn = await ask(conversationId, 'Where is my order? Has it shipped?');

    expect(turn).toMatchObject({ kind: 'handed_off', connectorId: ordersId });
    expect(upstream.requests).toHaveLength(before);
    expect(await runsOf(conversationId)).toMatchObject([{ dataConnectorId: ordersId, success: false, sourceType: 'fin', errorType: 'email_verification_error' }]);
    expect((await partOf(turn.replyPartId)).body).toBe(NO_EMAIL_REPLY);
  });

  it('when the answer to its question still lacks a valid value, logs a request_validation_error run, says so and hands off', async () => {
    const conversationId = await conversationFor();
    await ask(conversationId, 'Do I owe anything on my account?');
    const before = upstream.requests.length;

    const turn = await ask(conversationId, "I don't remember it, sorry");

    expect(turn).toMatchObject({ kind: 'handed_off', connectorId: balanceId });
    expect(turn.trace.missing).toEqual(['account_id']);
    expect(upstream.requests).toHaveLength(before);
    const runs = await runsOf(conversationId);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ dataConnectorId: balanceId, success: false, sourceType: 'fin', errorType: 'request_validation_error', requestUrl: null });
    expect(runs[0]!.errorMessage).toContain('account_id is required');
    const parts = await app.db.conversationPart.findMany({ where: { conversationId, authorType: 'bot' }, orderBy: { id: 'asc' } });
    expect(parts.map((p) => p.partType)).toEqual(['comment', 'note', 'comment']);
    expect(parts[1]!.body).toContain(`execution result ${runs[0]!.id}`);
    expect(parts[2]!.body).toBe("I still don't have a valid account ID, so I can't look that up. I've passed your question to the team; someone will reply here.");
    expect(await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).toMatchObject({ state: 'open', assigneeAdminId: null });
  });

  it('takes a clear new question instead of an answer to its question about inputs', async () => {
    const conversationId = await conversationFor();
    await ask(conversationId, 'Do I owe anything on my account?');

    const turn = await ask(conversationId, 'Actually, where is my order? Has it shipped?', true);

    expect(turn).toMatchObject({ kind: 'answered', connectorId: ordersId });
    expect((await runsOf(conversationId)).map((r) => r.dataConnectorId)).toEqual([ordersId]);
  });

  it("refuses a question for a connector outside the customer's audience: says so, hands off, logs the gate's refusal and sends nothing", async () => {
    await app.db.customAttributeDefinition.create({ data: { workspaceId: app.workspaceId, target: 'contact', name: 'plan', type: 'string' } });
    const invoicesId = await liveConnector({
      name: 'Enterprise invoices',
      description: 'Lists the invoices of an enterprise customer',
      example_questions: ['Can I download my enterprise invoices?'],
      url: `${upstream.url}/enterprise/invoices`,
      audience_mode: 'custom',
      audience_rules: { all: [{ type: 'attribute', attribute: 'plan', operator: 'equals', value: 'enterprise' }] },
    });
    const requests = () => upstream.requests.filter((r) => r.url.startsWith('/enterprise/')).length;

    const outside = await conversationFor({ plan: 'free' });
    const turn = await ask(outside, 'Can I download my enterprise invoices?');
    expect(turn).toMatchObject({ kind: 'handed_off', connectorId: invoicesId });
    expect((await partOf(turn.replyPartId)).body).toBe(NOT_AVAILABLE_REPLY);
    expect(requests()).toBe(0);
    const [run] = await runsOf(outside);
    expect(run).toMatchObject({ dataConnectorId: invoicesId, success: false, errorType: 'request_configuration_error', sourceType: 'fin', requestUrl: null });
    expect(run!.errorMessage).toContain('Not available for this customer');
    const note = await app.db.conversationPart.findFirstOrThrow({ where: { conversationId: outside, partType: 'note' } });
    expect(note.body).toContain('Enterprise invoices');
    expect((await app.db.conversation.findUniqueOrThrow({ where: { id: outside } })).assigneeAdminId).toBeNull();

    // Inside the audience, the same question does reach the API.
    const inside = await conversationFor({ plan: 'enterprise' });
    await ask(inside, 'Can I download my enterprise invoices?');
    expect(requests()).toBe(1);
  });
});
