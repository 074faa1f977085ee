// The gate of the pipeline against a real upstream on 127.0.0.1: a refused
// run never reaches the API and is logged like any other failure.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listConnectorsForCustomer } from '../../../server/connectors/audiences/list-connectors-for-customer.ts';
import { checkConnectorGate } from '../../../server/connectors/pipeline/connector-gate.ts';
import { runConnector, type RunConnectorRequest } from '../../../server/connectors/pipeline/run-connector.ts';
import type { Contact } from '../../../server/db/generated/sqlite/client.ts';
import { createMailer } from '../../../server/email/mailer.ts';
import type { OtpDeps } from '../../../server/identity/otp/otp-deps.ts';
import { requestOtp } from '../../../server/identity/otp/request-otp.ts';
import { verifyOtp } from '../../../server/identity/otp/verify-otp.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

let app: TestApp;
let upstream: Upstream;
let clock: Date;
const MINUTE = 60_000;

beforeAll(async () => {
  app = await startTestApp();
  upstream = await startUpstream(() => ({ body: { balance: 42, email: 'ann@example.test' } }));
  await app.db.customAttributeDefinition.create({ data: { workspaceId: app.workspaceId, target: 'contact', name: 'plan' } });
});
afterAll(async () => {
  await upstream?.close();
  await app?.close();
});
beforeEach(() => {
  clock = new Date('2026-04-01T09:00:00Z');
});

async function liveConnector(body: Record<string, unknown>): Promise<number> {
  const created = await app.call('POST', '/data_connectors', { body: { http_method: 'get', url: `${upstream.url}/balance`, ...body } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const live = await app.call('PATCH', '/data_connectors/{id}', { params: { id: created.body.id }, body: { state: 'live', security_acknowledgement: true } });
  expect(live.status, JSON.stringify(live.body)).toBe(200);
  return Number(created.body.id);
}

async function customer(data: Partial<Contact> = {}) {
  const contact = await app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'user', email: `c${Math.random().toString(36).slice(2)}@example.test`, name: 'Ann', customAttributes: { plan: 'enterprise' }, ...data } as never });
  const conversation = await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId: contact.id } });
  return { contact, conversationId: conversation.id };
}

const pipeline = () => ({ ...app.deps, now: () => clock });
const otpDeps = (): OtpDeps => ({ db: app.db, secrets: app.secrets, mailer: createMailer({ db: app.db }), now: () => clock });

async function run(connectorId: number, extra: Partial<RunConnectorRequest>) {
  const before = upstream.requests.length;
  const outcome = await runConnector(pipeline(), { workspaceId: app.workspaceId, connectorId, version: 'live', source: { type: 'fin', id: null }, ...extra });
  return { outcome, reachedApi: upstream.requests.length > before };
}

async function expectRefused(connectorId: number, extra: Partial<RunConnectorRequest>, errorType: string) {
  const { outcome, reachedApi } = await run(connectorId, extra);
  expect(outcome.success).toBe(false);
  expect(outcome.errorType).toBe(errorType);
  expect(reachedApi).toBe(false);
  expect(outcome.calledApi).toBe(false);
  const logged = await app.db.executionResult.findUniqueOrThrow({ where: { id: Number(outcome.executionResultId) } });
  expect(logged).toMatchObject({ success: false, errorType, errorMessage: outcome.errorMessage, httpStatus: null, requestUrl: null, dataConnectorId: connectorId });
  return outcome;
}

async function expectAllowed(connectorId: number, extra: Partial<RunConnectorRequest>) {
  const { outcome, reachedApi } = await run(connectorId, extra);
  expect(outcome.errorMessage).toBeNull();
  expect(outcome.success).toBe(true);
  expect(reachedApi).toBe(true);
  return outcome;
}

async function verifyByEmail(contactId: number, conversationId: number | null) {
  await requestOtp(otpDeps(), { workspaceId: app.workspaceId, contactId, conversationId });
  const email = await app.db.outboxEmail.findFirstOrThrow({ orderBy: { id: 'desc' } });
  await verifyOtp(otpDeps(), { workspaceId: app.workspaceId, contactId, conversationId, code: /code is (\d{6})/.exec(email.text)![1]! });
}

describe('audience', () => {
  it('refuses contacts of other roles, with request_configuration_error', async () => {
    const connectorId = await liveConnector({ name: 'Users only', audiences: ['users'] });
    const lead = await customer({ role: 'lead' });
    const refused = await expectRefused(connectorId, { conversationId: lead.conversationId }, 'request_configuration_error');
    expect(refused.errorMessage).toBe('Not available for this customer: "Users only" is only available to users; this contact is a lead');
    expect(refused.otpAvailable).toBe(false);
    await expectAllowed(connectorId, { conversationId: (await customer()).conversationId });
  });

  it('admits members of at least one reusable audience', async () => {
    const enterprise = await app.call('POST', '/audiences', { body: { name: 'Enterprise', rules: { all: [{ type: 'attribute', attribute: 'plan', operator: 'equals', value: 'enterprise' }] } } });
    const beta = await app.call('POST', '/audiences', { body: { name: 'Beta', rules: { all: [{ type: 'attribute', attribute: 'plan', operator: 'equals', value: 'beta' }] } } });
    const connectorId = await liveConnector({ name: 'Enterprise balance', audience_ids: [enterprise.body.id, beta.body.id] });
    await expectAllowed(connectorId, { conversationId: (await customer()).conversationId });
    await expectAllowed(connectorId, { conversationId: (await customer({ customAttributes: { plan: 'beta' } })).conversationId });
    const free = await customer({ customAttributes: { plan: 'free' } });
    const refused = await expectRefused(connectorId, { conversationId: free.conversationId }, 'request_configuration_error');
    expect(refused.errorMessage).toContain('not in the audience of "Enterprise balance"');
    // The same rule for every caller, not only the AI agent.
    await expectRefused(connectorId, { conversationId: free.conversationId, source: { type: 'inbox', id: null } }, 'request_configuration_error');
  });

  it('evaluates custom rules on verification: an emailed code puts the contact in', async () => {
    const connectorId = await liveConnector({ name: 'Verified only', audience_rules: { any: [{ type: 'email_verified', value: true }, { type: 'identity_verified', value: true }] } });
    const { contact, conversationId } = await customer();
    await expectRefused(connectorId, { conversationId }, 'request_configuration_error');
    await expectAllowed(connectorId, { conversationId, customer: { identityVerified: true } });
    await verifyByEmail(contact.id, conversationId);
    await expectAllowed(connectorId, { conversationId });
  });

  it('does not apply without a contact (a teammate or the API chose the inputs)', async () => {
    const connectorId = await liveConnector({ name: 'Leads only', audiences: ['leads'] });
    await expectAllowed(connectorId, { source: { type: 'inbox', id: null } });
  });
});

describe('customer authentication', () => {
  let connectorId: number;
  beforeAll(async () => {
    connectorId = await liveConnector({ name: 'Balance', url: `${upstream.url}/balance?user={{user.user_id}}`, customer_authentication: true });
  });

  it('refuses an unverified customer: fin and non-fin error types, OTP offered when there is an email', async () => {
    const { conversationId } = await customer();
    const fin = await expectRefused(connectorId, { conversationId }, 'fin_action_identity_verification_error');
    expect(fin.otpAvailable).toBe(true);
    expect(fin.errorMessage).toContain('one-time code');
    for (const type of ['workflow', 'custom_bot', 'answer', null] as const) {
      const other = await expectRefused(connectorId, { conversationId, source: { type, id: null } }, 'non_fin_standalone_action_identity_verification_error');
      expect(other.otpAvailable).toBe(true);
    }
  });

  it('never refuses a teammate in the inbox: they are not the customer', async () => {
    const { conversationId } = await customer();
    const noEmail = await customer({ email: null });
    for (const type of ['inbox', 'saved_reply'] as const) {
      await expectAllowed(connectorId, { conversationId, source: { type, id: null } });
      await expectAllowed(connectorId, { conversationId: noEmail.conversationId, source: { type, id: '42' } });
    }
    // The same contact is still refused to the AI agent and the messenger.
    await expectRefused(connectorId, { conversationId }, 'fin_action_identity_verification_error');
    await expectRefused(connectorId, { conversationId: noEmail.conversationId, source: { type: 'custom_bot', id: null } }, 'email_verification_error');
  });

  it('cannot offer a code to a contact without an email', async () => {
    const { conversationId } = await customer({ email: null });
    const refused = await expectRefused(connectorId, { conversationId }, 'email_verification_error');
    expect(refused.otpAvailable).toBe(false);
    expect(refused.errorMessage).toContain('no email address');
  });

  it('lets a customer with a verified identity JWT through', async () => {
    const { conversationId } = await customer({ email: null });
    await expectAllowed(connectorId, { conversationId, customer: { identityVerified: true } });
    await expectRefused(connectorId, { conversationId, customer: { identityVerified: false } }, 'email_verification_error');
  });

  it('accepts a code verified in this conversation, for the current email, for 30 minutes', async () => {
    const { contact, conversationId } = await customer();
    const other = await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId: contact.id } });
    await verifyByEmail(contact.id, conversationId);
    await expectAllowed(connectorId, { conversationId });
    // Not in another conversation of the same contact.
    await expectRefused(connectorId, { conversationId: other.id }, 'fin_action_identity_verification_error');
    clock = new Date(clock.getTime() + 30 * MINUTE - 1000);
    await expectAllowed(connectorId, { conversationId });
    clock = new Date(clock.getTime() + 1000);
    await expectRefused(connectorId, { conversationId }, 'fin_action_identity_verification_error');
  });

  it('stops accepting the code when the email changes', async () => {
    const { contact, conversationId } = await customer();
    await verifyByEmail(contact.id, conversationId);
    await expectAllowed(connectorId, { conversationId });
    await app.db.contact.update({ where: { id: contact.id }, data: { email: 'someone-else@example.test' } });
    await expectRefused(connectorId, { conversationId }, 'fin_action_identity_verification_error');
  });

  it('refuses a customer-facing run without a contact, but not a teammate run', async () => {
    const refused = await expectRefused(connectorId, { source: { type: 'fin', id: null } }, 'fin_action_identity_verification_error');
    expect(refused.otpAvailable).toBe(false);
    await expectRefused(connectorId, { source: { type: 'workflow', id: null } }, 'non_fin_standalone_action_identity_verification_error');
    const teammate = await run(connectorId, { source: { type: 'inbox', id: null } });
    expect(teammate.outcome.errorType).toBeNull();
    expect(teammate.reachedApi).toBe(true);
  });

  it('is skipped with bypass_authentication', async () => {
    const bypassed = await liveConnector({ name: 'Public', customer_authentication: true, bypass_authentication: true });
    await expectAllowed(bypassed, { conversationId: (await customer()).conversationId });
  });

  it('reports instead of refusing in a test run of the draft', async () => {
    const { conversationId } = await customer();
    const before = upstream.requests.length;
    const outcome = await runConnector(pipeline(), { workspaceId: app.workspaceId, connectorId, version: 'draft', source: { type: null, id: null }, conversationId, writeAttributes: false });
    expect(outcome.success).toBe(true);
    expect(upstream.requests.length).toBe(before + 1);
    expect(outcome.warnings).toContain('Customers would be refused (non_fin_standalone_action_identity_verification_error): "Balance" needs the customer to verify their identity first: they can confirm a one-time code sent to their email address');
  });

  it('is what the REST execute endpoint reports too', async () => {
    const { contact } = await customer();
    const res = await app.call('POST', '/data_connectors/{id}/execute', { params: { id: String(connectorId) }, body: { contact_id: contact.id, source_type: 'fin' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: false, error_type: 'fin_action_identity_verification_error', http_status: null });
  });
});

describe('listConnectorsForCustomer and checkConnectorGate', () => {
  it('hides connectors outside the audience and says which need verification', async () => {
    const hidden = await liveConnector({ name: 'Leads only list', audiences: ['leads'] });
    const open = await liveConnector({ name: 'Open list', direct_fin_usage: true });
    const guarded = await liveConnector({ name: 'Guarded list', customer_authentication: true, direct_fin_usage: true });
    const { contact, conversationId } = await customer();
    const list = await listConnectorsForCustomer(app.db, { workspaceId: app.workspaceId, contact, conversationId, customer: undefined, now: clock });
    const byId = new Map(list.map((c) => [c.connectorId, c]));
    expect(byId.has(hidden)).toBe(false);
    expect(byId.get(open)).toMatchObject({ authentication: 'not_required', otpAvailable: false });
    expect(byId.get(guarded)).toMatchObject({ authentication: 'unverified', otpAvailable: true });
    expect(byId.get(guarded)!.version.name).toBe('Guarded list');

    const direct = await listConnectorsForCustomer(app.db, { workspaceId: app.workspaceId, contact, conversationId, customer: { identityVerified: true }, now: clock, directOnly: true });
    expect(direct.every((c) => c.version.directFinUsage)).toBe(true);
    expect(direct.find((c) => c.connectorId === guarded)).toMatchObject({ authentication: 'verified', otpAvailable: false });
    expect(direct.some((c) => c.connectorId === open)).toBe(true);

    const version = await app.db.dataConnectorVersion.findFirstOrThrow({ where: { dataConnectorId: guarded, kind: 'live' } });
    expect(await checkConnectorGate(app.db, { workspaceId: app.workspaceId, version, contact, conversationId, customer: undefined, sourceType: 'fin', now: clock })).toEqual({
      errorType: 'fin_action_identity_verification_error',
      message: '"Guarded list" needs the customer to verify their identity first: they can confirm a one-time code sent to their email address',
      otpAvailable: true,
    });
    expect(await checkConnectorGate(app.db, { workspaceId: app.workspaceId, version, contact, conversationId, customer: { identityVerified: true }, sourceType: 'fin', now: clock })).toBeNull();
  });
});
