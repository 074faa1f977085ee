// POST /api/agent/preview against a real app and a real upstream: the decision
// trace for a sample message and contact, with nothing sent upstream and
// nothing written to any conversation unless a live run is asked for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTP_REPLY } from '../../../server/agent/answer-customer-message.ts';
import { accountBalanceConnector, agentConnector, BALANCE_QUESTIONS, previewCounts, shapedBalance } from '../../support/agent-fixtures.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

let app: TestApp;
let upstream: Upstream;
let balanceId: string;
let leadsOnlyId: string;
let refundId: string;
let ordersId: string;
let contactId: string;
let bareContactId: string;

beforeAll(async () => {
  app = await startTestApp();
  upstream = await startUpstream((req) => {
    if (req.url.startsWith('/accounts/')) return { body: { balance: 42.5, currency: 'EUR', internal_note: 'vip' } };
    return { body: { ok: true } };
  });
  balanceId = await liveConnector(
    accountBalanceConnector(upstream.url, { example_questions: BALANCE_QUESTIONS, url: `${upstream.url}/accounts/{{account_id}}/balance?key=secret-key-123`, ...shapedBalance() }),
  );
  leadsOnlyId = await liveConnector({ name: 'Lead balance offers', description: 'Offers about account balance for leads', url: `${upstream.url}/offers`, audiences: ['leads'] });
  refundId = await liveConnector({
    name: 'Request a refund',
    http_method: 'post',
    description: 'Files a refund request for an order',
    example_questions: ['I was charged twice, can I get a refund?'],
    url: `${upstream.url}/refunds`,
    body: '{"order_id": "{{order_id}}"}',
    data_inputs: [{ name: 'order_id', type: 'string', description: 'The order to refund', required: true }],
  });
  ordersId = await liveConnector({ name: 'Order tracking', description: 'Where the latest order is and its shipping status', example_questions: ['Where is my order?'], url: `${upstream.url}/orders`, customer_authentication: true });
  contactId = String((await app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'user', externalId: 'p-1', email: 'p1@example.test', customAttributes: { account_id: 'ACC-9' } } })).id);
  bareContactId = String((await app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'user', externalId: 'p-2', email: 'p2@example.test' } })).id);
});
afterAll(async () => {
  await upstream?.close();
  await app?.close();
});

// A live connector the AI agent may use, by id as the API gives it.
const liveConnector = async (body: Record<string, unknown>) => String(await agentConnector(app, body));

const preview = (body: unknown) => app.call('POST', '/agent/preview', { body });
const counts = () => previewCounts(app, upstream);

describe('POST /api/agent/preview', () => {
  it('returns the decision trace without sending anything or writing to any conversation', async () => {
    const before = await counts();

    const res = await preview({ message: 'Do I owe anything on my account?', contact_id: contactId });

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await counts()).toEqual(before);
    const body = res.body;
    expect(body).toMatchObject({
      type: 'agent.preview',
      agent: 'deterministic',
      contact_id: contactId,
      decision: { kind: 'confident', data_connector_id: balanceId },
      action: 'answer',
      inputs: [{ name: 'account_id', value: 'ACC-9', source: 'context' }],
      missing: [],
      question: null,
      request: { method: 'GET', url: expect.stringMatching(/\/accounts\/ACC-9\/balance\?/) },
      run: null,
      reply: null,
    });
    expect(body.request.url).not.toContain('secret-key-123');
    const balance = body.connectors.find((c: any) => c.data_connector_id === balanceId);
    expect(balance).toMatchObject({ candidate: true, write: false, gate: { allowed: true, audience: { passed: true }, authentication: { required: false, status: 'not_required' } } });
    expect(balance.score).toBeGreaterThan(0);
    expect(balance.matched_terms).toContain('owe');
    // Outside the audience: shown, never a candidate, and the trace says why.
    const leadsOnly = body.connectors.find((c: any) => c.data_connector_id === leadsOnlyId);
    expect(leadsOnly).toMatchObject({ candidate: false, score: null, gate: { allowed: false, audience: { passed: false } } });
    expect(leadsOnly.gate.reason).toMatch(/outside the customer’s audience: the AI agent does not offer it, and a question that clearly asks for it is refused, logged/);
    expect(body.connectors.find((c: any) => c.data_connector_id === ordersId)).toMatchObject({
      candidate: true,
      gate: { allowed: false, authentication: { required: true, status: 'unverified', otp_available: true }, reason: expect.stringMatching(/one-time code/) },
    });
  });

  it('runs the connector through the pipeline only with run_live, and shows the shaped data and the reply', async () => {
    const before = await counts();

    const res = await preview({ message: 'Do I owe anything on my account?', contact_id: Number(contactId), run_live: true });

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(upstream.requests.length).toBe(before.requests + 1);
    expect(upstream.requests.at(-1)!.url).toBe('/accounts/ACC-9/balance?key=secret-key-123');
    expect(res.body.run).toMatchObject({ success: true, called_api: true, http_status: 200, shaped_response: { 'Balance due': 42.5, currency: 'EUR' } });
    expect(res.body.reply).toContain('Balance due: 42.5');
    expect(res.body.reply).not.toContain('vip');
    const run = await app.db.executionResult.findUniqueOrThrow({ where: { id: Number(res.body.run.execution_result_id) } });
    expect(run).toMatchObject({ dataConnectorId: Number(balanceId), sourceType: null, conversationId: null, contactId: Number(contactId), version: 'live', success: true });
    expect(await app.db.conversationPart.count()).toBe(before.parts);
    expect(await app.db.conversation.count()).toBe(before.conversations);
  });

  it('shows the question for missing inputs, the confirmation for a write, and the step-up for customer authentication', async () => {
    const before = await counts();

    const missing = await preview({ message: 'Do I owe anything on my account?', contact_id: bareContactId, run_live: true });
    expect(missing.body).toMatchObject({ action: 'ask_for_inputs', missing: ['account_id'], request: null, run: null });
    expect(missing.body.question).toMatch(/account ID/);
    expect(missing.body.reply).toBe(missing.body.question);

    const write = await preview({ message: 'I was charged twice for order ORD-12, can I get a refund?', contact_id: contactId });
    expect(write.body).toMatchObject({
      action: 'confirm_action',
      decision: { data_connector_id: refundId },
      inputs: [{ name: 'order_id', value: 'ORD-12', source: 'message' }],
      question: 'I can request a refund with order ID ORD-12. Shall I go ahead?',
      request: { method: 'POST', url: `${upstream.url}/refunds` },
      run: null,
    });
    expect(write.body.connectors.find((c: any) => c.data_connector_id === refundId)).toMatchObject({ write: true, http_method: 'post' });

    const orders = await preview({ message: 'Where is my order?', contact_id: contactId, run_live: true });
    expect(orders.body).toMatchObject({ action: 'verify_email', decision: { data_connector_id: ordersId }, run: null, reply: OTP_REPLY });
    const verified = await preview({ message: 'Where is my order?', contact_id: contactId, identity_verified: true });
    expect(verified.body).toMatchObject({ action: 'answer' });

    const unrelated = await preview({ message: 'Can you recommend a pizza recipe?', contact_id: contactId, run_live: true });
    expect(unrelated.body).toMatchObject({ action: 'hand_off', decision: { kind: 'unsure', data_connector_id: null }, request: null, run: null });

    expect(await counts()).toEqual(before);
  });

  it('names the field and the rule for bad input, and 404s an unknown contact', async () => {
    const empty = await preview({ message: '   ', contact_id: contactId });
    expect(empty.status).toBe(422);
    expect(empty.body.errors).toEqual([expect.objectContaining({ field: 'message', message: 'message: must not be empty' })]);
    const badFlag = await preview({ message: 'hi', contact_id: contactId, run_live: 'yes' });
    expect(badFlag.status).toBe(422);
    expect(badFlag.body.errors[0]).toMatchObject({ field: 'run_live' });
    const unknown = await preview({ message: 'hi', contact_id: '999999' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0]).toMatchObject({ code: 'contact_not_found' });
    const other = await app.call('POST', '/agent/preview', { body: { message: 'hi', contact_id: contactId }, token: await app.newWorkspaceToken() });
    expect(other.status).toBe(404);
  });
});
