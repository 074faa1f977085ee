// The step-up a customer goes through in the messenger: boot, a connector that
// needs customer authentication is refused, a code is requested and verified
// through the real /messenger/otp routes, and the same connector then runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConnector } from '../../../server/connectors/pipeline/run-connector.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { boot } from './messenger-test-helpers.ts';

let app: TestApp;
let upstream: Upstream;
beforeAll(async () => {
  app = await startTestApp();
  upstream = await startUpstream(() => ({ body: { balance: 0 } }));
});
afterAll(async () => {
  await upstream?.close();
  await app?.close();
});

const post = async (path: string, token: string | null, body: unknown) => {
  const response = await fetch(`${app.baseUrl}/messenger/otp${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
};

describe('OTP step-up through the messenger routes', () => {
  it('refuses the connector, sends a code, verifies it, and then runs the connector for that conversation only', async () => {
    const booted = await boot(app, { workspace_id: String(app.workspaceId), user_id: 'cust-1', email: 'cust@example.test' });
    expect(booted.status, JSON.stringify(booted.body)).toBe(200);
    expect(booted.body.identity_verified).toBe(false);
    const token: string = booted.body.session_token;
    const contactId = Number(booted.body.contact.id);
    const conversation = await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId } });

    const created = await app.call('POST', '/data_connectors', { body: { name: 'Balance', http_method: 'get', url: `${upstream.url}/balance`, customer_authentication: true } });
    await app.call('PATCH', '/data_connectors/{id}', { params: { id: created.body.id }, body: { state: 'live', security_acknowledgement: true } });
    const run = () =>
      runConnector(app.deps, { workspaceId: app.workspaceId, connectorId: Number(created.body.id), version: 'live', source: { type: 'fin', id: null }, conversationId: conversation.id, customer: { identityVerified: false } });

    const before = upstream.requests.length;
    expect(await run()).toMatchObject({ success: false, errorType: 'fin_action_identity_verification_error', otpAvailable: true });
    expect(upstream.requests).toHaveLength(before);

    expect((await post('/request', null, { conversation_id: conversation.id })).status).toBe(401);
    const requested = await post('/request', token, { conversation_id: conversation.id });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    expect(requested.body).toMatchObject({ attempts_left: 3, email: 'c***@example.test' });
    const email = await app.db.outboxEmail.findFirstOrThrow({ where: { workspaceId: app.workspaceId, to: 'cust@example.test' }, orderBy: { id: 'desc' } });
    const code = /(\d{6})/.exec(email.text)![1]!;
    const wrong = await post('/verify', token, { conversation_id: conversation.id, code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(422);
    const verified = await post('/verify', token, { conversation_id: conversation.id, code });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);

    expect(await run()).toMatchObject({ success: true, data: { balance: 0 } });
    expect(upstream.requests).toHaveLength(before + 1);

    const otherConversation = await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId } });
    const elsewhere = await runConnector(app.deps, { workspaceId: app.workspaceId, connectorId: Number(created.body.id), version: 'live', source: { type: 'fin', id: null }, conversationId: otherConversation.id, customer: { identityVerified: false } });
    expect(elsewhere).toMatchObject({ success: false, errorType: 'fin_action_identity_verification_error' });
  });
});
