// POST /conversations/{id}/apply_macro: the macro's actions run in order
// through the inbox's functions against a real upstream; the first failing
// step stops the macro and is named in the answer.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../../../server/identity/api-tokens.ts';
import { createTestAdmin } from '../../support/admin-session.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

let app: TestApp;
let upstream: Upstream;
let contactId: number;
let connectorId: string;
let agentToken: string;
let otherAdminToken: string;

beforeAll(async () => {
  app = await startTestApp();
  upstream = await startUpstream();
  await app.db.admin.update({ where: { id: app.adminId }, data: { name: 'Bo Admin' } });
  await app.db.customAttributeDefinition.createMany({
    data: [
      { workspaceId: app.workspaceId, target: 'contact', name: 'plan' },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'order_id' },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'order_status' },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'order_count', type: 'integer' },
    ],
  });
  const company = await app.db.company.create({ data: { workspaceId: app.workspaceId, name: 'Acme' } });
  contactId = (await app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'user', email: 'ann@example.test', name: 'Ann Lee', companyId: company.id, customAttributes: { plan: 'free' } } })).id;

  const created = await app.call('POST', '/data_connectors', {
    body: {
      name: 'Order lookup',
      http_method: 'get',
      url: `${upstream.url}/orders/{{order_id}}`,
      data_inputs: [{ name: 'order_id', type: 'string', required: true }],
      object_mappings: [{ response_object_path: 'order', intercom_object_type: 'conversation', attribute_mappings: [{ response_attribute_path: 'status', intercom_attribute_identifier: 'order_status' }] }],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  connectorId = created.body.id;
  const live = await app.call('PATCH', '/data_connectors/{id}', { params: { id: connectorId }, body: { state: 'live', security_acknowledgement: true } });
  expect(live.status, JSON.stringify(live.body)).toBe(200);

  const agent = await createTestAdmin(app, { role: 'agent' });
  agentToken = (await createApiToken(app.db, { workspaceId: app.workspaceId, name: 'agent', createdByAdminId: agent.id })).token;
  const other = await createTestAdmin(app);
  otherAdminToken = (await createApiToken(app.db, { workspaceId: app.workspaceId, name: 'other admin', createdByAdminId: other.id })).token;
});
afterAll(async () => {
  await upstream?.close();
  await app?.close();
});

beforeEach(() => {
  upstream.handle((req) => ({ body: { order: { id: req.url.split('/').at(-1), status: 'shipped' } } }));
});

const newConversation = async () =>
  (await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId, customAttributes: { order_id: 'A-17' } } })).id;

async function createMacro(body: Record<string, unknown>, token?: string): Promise<string> {
  const res = await app.call('POST', '/macros', { body: { name: 'Macro', ...body }, ...(token && { token }) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

const apply = (conversationId: number | string, macroId: string, token?: string) =>
  app.call('POST', '/conversations/{id}/apply_macro', { params: { id: String(conversationId) }, body: { macro_id: macroId }, ...(token && { token }) });

describe('applying a macro', () => {
  it('replies, tags, sets an attribute, runs a connector and notes its result, in order', async () => {
    const conversationId = await newConversation();
    const macroId = await createMacro({
      actions: [
        { type: 'reply', body: 'Hi {{contact.first_name|fallback:"there"}} from {{company.name}}, I am {{teammate.name}}. Checking order {{conversation.custom_attributes.order_id}}.' },
        { type: 'add_tag', tag: 'refund' },
        { type: 'set_attribute', target: 'contact', name: 'plan', value: 'gold for {{user.email}}' },
        { type: 'run_connector', data_connector_id: connectorId, inputs: { order_id: '{{conversation.custom_attributes.order_id}}' } },
        { type: 'note', body: 'Order status is now {{conversation.custom_attributes.order_status|fallback:"unknown"}}' },
        { type: 'assign', assignee_id: 'me' },
      ],
    });
    const before = upstream.requests.length;

    const res = await apply(conversationId, macroId);

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ type: 'macro.application', macro_id: macroId, success: true, steps_completed: 6, failed_step: null });
    const conversation = res.body.conversation;
    expect(conversation).toMatchObject({ id: String(conversationId), tags: ['refund'], assignee: { id: String(app.adminId), name: 'Bo Admin' }, state: 'open' });
    // The connector's object mapping wrote the attribute the later note shows.
    expect(conversation.custom_attributes).toMatchObject({ order_id: 'A-17', order_status: 'shipped' });
    const parts = conversation.parts.map((p: { part_type: string; body: string }) => [p.part_type, p.body]);
    expect(parts).toEqual([
      ['comment', 'Hi Ann from Acme, I am Bo Admin. Checking order A-17.'],
      ['connector_result', expect.stringContaining('Order lookup')],
      ['note', 'Order status is now shipped'],
    ]);

    expect(upstream.requests.slice(before).map((r) => r.url)).toEqual(['/orders/A-17']);
    const runs = await app.db.executionResult.findMany({ where: { conversationId } });
    expect(runs).toEqual([expect.objectContaining({ dataConnectorId: Number(connectorId), success: true, sourceType: 'inbox', sourceId: macroId, version: 'live' })]);
    expect((await app.db.contact.findUniqueOrThrow({ where: { id: contactId } })).customAttributes).toMatchObject({ plan: 'gold for ann@example.test' });
  });

  it('stops at a failing connector step: earlier steps stay, later ones do not happen, the step is named', async () => {
    const conversationId = await newConversation();
    const macroId = await createMacro({
      actions: [
        { type: 'add_tag', tag: 'escalated' },
        { type: 'run_connector', data_connector_id: connectorId, inputs: { order_id: '{{conversation.custom_attributes.order_id}}' } },
        { type: 'reply', body: 'All sorted!' },
        { type: 'close' },
      ],
    });
    upstream.handle(() => ({ status: 500, body: { error: 'database down' } }));

    const res = await apply(conversationId, macroId);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: false, steps_completed: 1, failed_step: { index: 1, type: 'run_connector', message: expect.stringMatching(/500/) } });
    expect(res.body.conversation).toMatchObject({ state: 'open', tags: ['escalated'], parts: [] });
    const stored = await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(stored.state).toBe('open');
    expect(await app.db.conversationPart.count({ where: { conversationId } })).toBe(0);
    const runs = await app.db.executionResult.findMany({ where: { conversationId } });
    expect(runs).toEqual([expect.objectContaining({ success: false, httpStatus: 500, sourceType: 'inbox', sourceId: macroId })]);
    // The teammate reads the same reason as the connector's log.
    expect(res.body.failed_step.message).toBe(runs[0]!.errorMessage);
  });

  it('stops at a step the inbox refuses, with the inbox’s message', async () => {
    const conversationId = await newConversation();
    const macroId = await createMacro({
      actions: [
        { type: 'snooze', minutes: 30 },
        // Renders to "Ann Lee", which is no integer: only known when applied.
        { type: 'set_attribute', target: 'conversation', name: 'order_count', value: '{{contact.name}}' },
        { type: 'close' },
      ],
    });

    const res = await apply(conversationId, macroId);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: false, steps_completed: 1, failed_step: { index: 1, type: 'set_attribute', message: expect.stringMatching(/order_count: must be an integer, got "Ann Lee"/) } });
    expect(res.body.conversation.state).toBe('snoozed');
    expect((await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).state).toBe('snoozed');
  });

  it('fails a connector step when the connector is no longer live', async () => {
    const draft = await app.call('POST', '/data_connectors', { body: { name: 'Never published', http_method: 'get', url: `${upstream.url}/draft` } });
    const conversationId = await newConversation();
    const macroId = await createMacro({ actions: [{ type: 'run_connector', data_connector_id: draft.body.id }, { type: 'close' }] });
    const res = await apply(conversationId, macroId);
    expect(res.body).toMatchObject({ success: false, steps_completed: 0, failed_step: { index: 0, type: 'run_connector', message: expect.stringMatching(/not live/) } });
    expect((await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).state).toBe('open');
  });

  it('is open to agents, for the macros they can see', async () => {
    const conversationId = await newConversation();
    const macroId = await createMacro({ actions: [{ type: 'add_tag', tag: 'vip' }, { type: 'assign', assignee_id: 'me' }] });
    const res = await apply(conversationId, macroId, agentToken);
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.conversation.tags).toEqual(['vip']);
    expect(res.body.conversation.assignee).not.toBeNull();
    expect(res.body.conversation.assignee.id).not.toBe(String(app.adminId));
  });

  it('answers 404 for a macro it cannot see or a conversation that is not there, and changes nothing', async () => {
    const conversationId = await newConversation();
    const privateMacro = await createMacro({ visible_to: 'me', actions: [{ type: 'close' }] }, otherAdminToken);
    const shared = await createMacro({ actions: [{ type: 'close' }] });

    const hidden = await apply(conversationId, privateMacro);
    expect(hidden.status).toBe(404);
    expect(hidden.body.errors).toEqual([{ code: 'not_found', message: 'Macro not found' }]);
    expect((await apply(conversationId, '999999')).status).toBe(404);
    expect((await apply(999999, shared)).status).toBe(404);
    expect((await apply('not-an-id', shared)).status).toBe(404);
    expect((await apply(conversationId, shared, await app.newWorkspaceToken())).status).toBe(404);
    expect((await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).state).toBe('open');

    const bad = await app.call('POST', '/conversations/{id}/apply_macro', { params: { id: String(conversationId) }, body: { macro_id: 12 } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'macro_id' })]);
  });

  it('refuses a macro that is not available in the inbox', async () => {
    const conversationId = await newConversation();
    const macroId = await createMacro({ available_on: ['messenger'], actions: [{ type: 'close' }] });
    const res = await apply(conversationId, macroId);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'macro_id', message: expect.stringMatching(/not available in the inbox/) })]);
    expect((await app.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).state).toBe('open');
  });
});
