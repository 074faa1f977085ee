// Client-side connectors: the AI agent's run asks the customer's messenger
// (a real socket.io client connected with its messenger token) to call a host
// page function, through `messenger.client_function` with an ack, and answers
// with the shaped result; failures and timeouts are client_side_action_error.
import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { answerCustomerMessage, type AgentTurn } from '../../../server/agent/answer-customer-message.ts';
import { runConnector } from '../../../server/connectors/pipeline/run-connector.ts';
import { messengerClientFunctions } from '../../../server/realtime/messenger-socket.ts';
import type { RealtimeServer } from '../../../server/realtime/realtime-server.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { liveConnector } from '../inbox/inbox-fixtures.ts';
import { boot } from '../identity/messenger-test-helpers.ts';

const TIMEOUT_MS = 1000;
let app: TestApp;
let connectorId: number;
const turns: Promise<AgentTurn>[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  app = await startTestApp({
    // The test app's realtime server exists only once the app does.
    clientFunctions: { callClientFunction: (...args) => messengerClientFunctions((app.deps.bus as RealtimeServer).io).callClientFunction(...args) },
    onCustomerMessage: (event) => {
      const turn = answerCustomerMessage(app.deps, event);
      turns.push(turn);
      return turn.then(() => undefined);
    },
  });
  await app.db.customAttributeDefinition.createMany({
    data: [
      { workspaceId: app.workspaceId, target: 'contact', name: 'account_id', type: 'string', protected: true },
      { workspaceId: app.workspaceId, target: 'contact', name: 'cart_size', type: 'integer' },
      // Connectors may trust a protected conversation attribute to identify the customer, too.
      { workspaceId: app.workspaceId, target: 'conversation', name: 'billing_account', type: 'string', protected: true },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'cart_total', type: 'decimal' },
    ],
  });
  connectorId = Number(
    await liveConnector(app, {
      name: 'Shopping cart',
      description: 'What is in the customer shopping cart right now',
      example_questions: ['What is in my shopping cart?'],
      direct_fin_usage: true,
      execution_type: 'client_side',
      client_function_name: 'getCart',
      client_function_timeout_ms: TIMEOUT_MS,
      data_inputs: [{ name: 'account_id', type: 'string', description: 'The account', required: true }],
      data_transformation_type: 'redacted_access',
      response_fields: [
        { path: 'total', type: 'decimal', label: 'Cart total', selected: true },
        { path: 'items', type: 'integer', label: 'Items', selected: true },
      ],
      response_logging: 'full',
      // The result comes from the customer's browser: the protected attribute must not be written from it.
      object_mappings: [
        {
          intercom_object_type: 'user',
          attribute_mappings: [
            { response_attribute_path: 'items', intercom_attribute_identifier: 'cart_size' },
            { response_attribute_path: 'account_id', intercom_attribute_identifier: 'account_id' },
          ],
        },
        {
          intercom_object_type: 'conversation',
          attribute_mappings: [
            { response_attribute_path: 'total', intercom_attribute_identifier: 'cart_total' },
            { response_attribute_path: 'account_id', intercom_attribute_identifier: 'billing_account' },
          ],
        },
      ],
    }),
  );
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});
afterAll(async () => {
  await app?.close();
});

interface Customer {
  token: string;
  contactId: number;
  anonymousId: string;
}

// A lead, or another session of the same lead when given its anonymous id.
async function bootCustomer(anonymousId?: string): Promise<Customer> {
  const booted = await boot(app, { workspace_id: app.workspaceId, ...(anonymousId && { anonymous_id: anonymousId }) });
  expect(booted.status).toBe(200);
  await app.db.contact.update({ where: { id: Number(booted.body.contact.id) }, data: { customAttributes: { account_id: 'ACC-9' } } });
  return { token: booted.body.session_token, anonymousId: booted.body.contact.anonymous_id, contactId: Number(booted.body.contact.id) };
}

// The widget's side of contract 4: answers `messenger.client_function` with `reply` (or never).
async function widget(token: string, reply: ((payload: any) => unknown) | 'never') {
  const socket = connectSocket(app.baseUrl, { transports: ['websocket'], reconnection: false, auth: { messenger_token: token } });
  sockets.push(socket);
  const calls: any[] = [];
  socket.on('messenger.client_function', (payload: unknown, ack: (answer: unknown) => void) => {
    calls.push(payload);
    if (reply !== 'never') ack(reply(payload));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return calls;
}

async function ask(token: string, question: string) {
  const before = turns.length;
  const response = await fetch(`${app.baseUrl}/messenger/conversations`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ body: question }),
  });
  expect(response.status).toBe(201);
  const conversationId = Number(((await response.json()) as { id: string }).id);
  await vi.waitFor(() => expect(turns.length).toBe(before + 1));
  const turn = await turns[before]!;
  const run = await app.db.executionResult.findFirstOrThrow({ where: { conversationId } });
  const reply = await app.db.conversationPart.findUniqueOrThrow({ where: { id: turn.replyPartId! } });
  return { turn, run, reply };
}

describe('client-side connectors in the messenger', () => {
  it("calls the function in this session's messenger only and answers with the shaped result", async () => {
    const customer = await bootCustomer();
    const otherSession = await bootCustomer(customer.anonymousId);
    const calls = await widget(customer.token, () => ({ ok: true, result: { total: 42.5, items: 3, coupon_secret: 'HIDDEN-COUPON', account_id: 'ACC-STOLEN' } }));
    const otherCalls = await widget(otherSession.token, () => ({ ok: true, result: { total: 999, items: 99 } }));

    const { turn, run, reply } = await ask(customer.token, 'What is in my shopping cart?');

    expect(calls).toEqual([{ name: 'getCart', inputs: { account_id: 'ACC-9' } }]);
    // Another session of the same contact never gets the call.
    expect(otherCalls).toEqual([]);
    expect(turn).toMatchObject({ kind: 'answered', connectorId });
    expect(reply.body).toContain('Cart total: 42.5');
    expect(reply.body).not.toContain('999');
    expect(reply.body).not.toContain('HIDDEN-COUPON');
    // Logged like an HTTP response: shaped body, the raw result in full, and what was asked.
    expect(run).toMatchObject({ success: true, sourceType: 'fin', errorType: null, requestUrl: null, httpStatus: null });
    expect(JSON.parse(run.responseBody!)).toEqual({ 'Cart total': 42.5, Items: 3 });
    expect(JSON.parse(run.rawResponseBody!)).toEqual({ total: 42.5, items: 3, coupon_secret: 'HIDDEN-COUPON', account_id: 'ACC-STOLEN' });
    expect(JSON.parse(run.requestBody!)).toEqual({ function: 'getCart', inputs: { account_id: 'ACC-9' } });
    // Mapped like an HTTP response, except onto a protected attribute.
    const contact = await app.db.contact.findUniqueOrThrow({ where: { id: customer.contactId } });
    expect(contact.customAttributes).toEqual({ account_id: 'ACC-9', cart_size: 3 });
    const conversation = await app.db.conversation.findUniqueOrThrow({ where: { id: run.conversationId! } });
    expect(conversation.customAttributes).toEqual({ cart_total: 42.5 });
  });

  it('records a failure reported by the host page as client_side_action_error', async () => {
    const customer = await bootCustomer();
    const calls = await widget(customer.token, () => ({ ok: false, error: 'getCart is not registered on this page' }));

    const { turn, run } = await ask(customer.token, 'What is in my shopping cart?');

    expect(calls).toHaveLength(1);
    expect(turn.kind).toBe('handed_off');
    expect(run).toMatchObject({ success: false, errorType: 'client_side_action_error' });
    expect(run.errorMessage).toContain('getCart is not registered on this page');
  });

  it('times out after client_function_timeout_ms with client_side_action_error', async () => {
    const customer = await bootCustomer();
    const calls = await widget(customer.token, 'never');

    const { turn, run } = await ask(customer.token, 'What is in my shopping cart?');

    expect(calls).toHaveLength(1);
    expect(turn.kind).toBe('handed_off');
    expect(run).toMatchObject({ success: false, errorType: 'client_side_action_error' });
    expect(run.errorMessage).toContain(`did not answer within ${TIMEOUT_MS} ms`);
    expect(run.executionTimeMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(run.executionTimeMs).toBeLessThan(TIMEOUT_MS + 2000);
  });

  it('refuses a result larger than the connector allows (max_response_bytes), as for an HTTP body', async () => {
    const live = { dataConnectorId: connectorId, kind: 'live' as const };
    await app.db.dataConnectorVersion.updateMany({ where: live, data: { maxResponseBytes: 200 } });
    try {
      const customer = await bootCustomer();
      await widget(customer.token, () => ({ ok: true, result: { total: 1, items: 1, note: 'x'.repeat(300) } }));
      const { turn, run } = await ask(customer.token, 'What is in my shopping cart?');
      expect(turn.kind).toBe('handed_off');
      expect(run).toMatchObject({ success: false, errorType: 'client_side_action_error' });
      expect(run.errorMessage).toMatch(/returned \d+ bytes, more than the 200 allowed/);
    } finally {
      await app.db.dataConnectorVersion.updateMany({ where: live, data: { maxResponseBytes: null } });
    }
  });

  it('rejects a reply that breaks the contract', async () => {
    const customer = await bootCustomer();
    await widget(customer.token, () => ({ total: 1 }));
    const { run } = await ask(customer.token, 'What is in my shopping cart?');
    expect(run).toMatchObject({ success: false, errorType: 'client_side_action_error' });
    expect(run.errorMessage).toContain('invalid reply');
  });

  it('fails at once when no messenger of the session is connected', async () => {
    const customer = await bootCustomer();
    const other = await bootCustomer(customer.anonymousId);
    const otherCalls = await widget(other.token, () => ({ ok: true, result: { total: 1, items: 1 } }));
    const started = performance.now();

    const { run } = await ask(customer.token, 'What is in my shopping cart?');

    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS);
    expect(otherCalls).toEqual([]);
    expect(run).toMatchObject({ success: false, errorType: 'client_side_action_error' });
    expect(run.errorMessage).toContain('no messenger');
  });

  it('refuses runs outside the messenger (inbox, test) as before', async () => {
    const contact = await app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'user', externalId: 'inbox-user' } });
    const conversation = await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId: contact.id } });
    const outcome = await runConnector(app.deps, {
      workspaceId: app.workspaceId,
      connectorId,
      version: 'live',
      source: { type: 'inbox', id: null },
      conversationId: conversation.id,
      inputs: { account_id: 'ACC-9' },
    });
    expect(outcome).toMatchObject({ success: false, errorType: 'client_side_action_error', calledApi: false });
    expect(outcome.errorMessage).toContain('only the messenger can run it');
  });
});
