// Opening, reading, replying to, updating and tagging a conversation: happy
// paths, bad input that changes nothing, and other workspaces' ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAdmin, signInAs, withSession, type BrowserSession } from '../../support/admin-session.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { createContact, createConversation } from './inbox-fixtures.ts';

let app: TestApp;
let agent: Awaited<ReturnType<typeof createTestAdmin>>;
let agentSession: BrowserSession;
let otherWorkspaceId: number;

beforeAll(async () => {
  app = await startTestApp();
  agent = await createTestAdmin(app, { role: 'agent' });
  agentSession = await signInAs(app, agent.email);
  await app.db.customAttributeDefinition.createMany({
    data: [
      { workspaceId: app.workspaceId, target: 'conversation', name: 'order_id', type: 'string' },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'priority', type: 'integer' },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'vip', type: 'boolean' },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'due', type: 'datetime' },
      // A contact attribute of the same name is not a conversation attribute.
      { workspaceId: app.workspaceId, target: 'contact', name: 'plan', type: 'string' },
    ],
  });
  otherWorkspaceId = (await app.db.workspace.create({ data: { name: 'Other' } })).id;
});
afterAll(async () => {
  await app?.close();
});

const conversationRow = (id: string | number) => app.db.conversation.findUniqueOrThrow({ where: { id: Number(id) }, include: { parts: true } });
const params = (id: number | string) => ({ params: { id: String(id) } });

describe('GET /conversations/{id}', () => {
  it('returns the conversation with custom attributes and every part, oldest first', async () => {
    const contact = await createContact(app, { name: 'Ann' });
    const conversation = await createConversation(app, {
      contactId: contact.id,
      data: { title: 'Refund', customAttributes: { order_id: 'ORD-1' }, tags: ['billing'] },
      parts: [
        { author: 'customer', body: 'I was charged twice' },
        { author: 'admin', body: 'Looking into it', adminId: agent.id },
        { author: 'admin', type: 'note', body: 'Check with finance', adminId: agent.id },
        { author: 'bot', body: 'Anything else?' },
      ],
    });
    const res = await app.call('GET', '/conversations/{id}', params(conversation.id));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'conversation', id: String(conversation.id), title: 'Refund', tags: ['billing'], custom_attributes: { order_id: 'ORD-1' }, contact: { id: String(contact.id), name: 'Ann' } });
    expect(res.body.parts.map((p: any) => [p.part_type, p.author, p.body])).toEqual([
      ['comment', { type: 'customer', id: String(contact.id), name: 'Ann' }, 'I was charged twice'],
      ['comment', { type: 'admin', id: String(agent.id), name: agent.name }, 'Looking into it'],
      ['note', { type: 'admin', id: String(agent.id), name: agent.name }, 'Check with finance'],
      ['comment', { type: 'bot', id: null, name: null }, 'Anything else?'],
    ]);
    expect(res.body.parts.every((p: any) => p.connector_result === null && /Z$/.test(p.created_at))).toBe(true);
    expect(res.body.preview).toEqual({ author_type: 'bot', part_type: 'comment', body: 'Anything else?' });
  });

  it('does not find conversations of another workspace, nor ids that cannot exist', async () => {
    const foreign = await createConversation(app, { workspaceId: otherWorkspaceId });
    for (const id of [String(foreign.id), 'abc', '0', '99999999999']) {
      const res = await app.call('GET', '/conversations/{id}', params(id));
      expect(res.status, id).toBe(404);
      expect(res.body.errors[0].code).toBe('conversation_not_found');
    }
  });
});

describe('POST /conversations/{id}/read', () => {
  it('marks what the customer wrote as read, until they write again', async () => {
    const conversation = await createConversation(app);
    expect((await app.call('GET', '/conversations/{id}', params(conversation.id))).body.unread).toBe(true);
    const res = await app.call('POST', '/conversations/{id}/read', { ...params(conversation.id), ...withSession(agentSession) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'conversation', id: String(conversation.id), unread: false });
    expect((await conversationRow(conversation.id)).adminReadAt).not.toBeNull();
    await app.db.conversationPart.create({ data: { conversationId: conversation.id, authorType: 'customer', body: 'Still there?', createdAt: new Date(Date.now() + 1000) } });
    expect((await app.call('GET', '/conversations/{id}', params(conversation.id))).body.unread).toBe(true);
  });

  it('needs the CSRF token with a session cookie, and a conversation of the workspace', async () => {
    const conversation = await createConversation(app);
    const noCsrf = await app.call('POST', '/conversations/{id}/read', { ...params(conversation.id), ...withSession(agentSession, null) });
    expect(noCsrf.status).toBe(403);
    expect((await conversationRow(conversation.id)).adminReadAt).toBeNull();
    const foreign = await createConversation(app, { workspaceId: otherWorkspaceId });
    expect((await app.call('POST', '/conversations/{id}/read', params(foreign.id))).status).toBe(404);
    expect((await conversationRow(foreign.id)).adminReadAt).toBeNull();
  });
});

describe('POST /conversations/{id}/reply', () => {
  it('adds a comment by the signed-in teammate, which is activity and marks the conversation read', async () => {
    const conversation = await createConversation(app);
    const before = await conversationRow(conversation.id);
    const res = await app.call('POST', '/conversations/{id}/reply', { ...params(conversation.id), ...withSession(agentSession), body: { message_type: 'comment', body: '  We refunded you.  ' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: 'conversation_part', part_type: 'comment', body: 'We refunded you.', author: { type: 'admin', id: String(agent.id), name: agent.name }, connector_result: null });
    const after = await conversationRow(conversation.id);
    expect(after.parts).toHaveLength(2);
    expect(after.parts.find((p) => String(p.id) === res.body.id)).toMatchObject({ authorType: 'admin', authorAdminId: agent.id, partType: 'comment' });
    expect(after.lastActivityAt.getTime()).toBeGreaterThan(before.lastActivityAt.getTime());
    expect(after.adminReadAt).not.toBeNull();
    const detail = await app.call('GET', '/conversations/{id}', params(conversation.id));
    expect(detail.body).toMatchObject({ unread: false, last_activity_at: res.body.created_at, preview: { author_type: 'admin', body: 'We refunded you.' } });
    expect(detail.body.parts.at(-1)).toEqual(res.body);
  });

  it('adds an internal note without counting it as activity', async () => {
    const conversation = await createConversation(app);
    const before = await conversationRow(conversation.id);
    const res = await app.call('POST', '/conversations/{id}/reply', { ...params(conversation.id), body: { message_type: 'note', body: 'Customer is on the old plan' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ part_type: 'note', author: { type: 'admin', id: String(app.adminId), name: 'Admin' } });
    expect((await conversationRow(conversation.id)).lastActivityAt).toEqual(before.lastActivityAt);
  });

  it('rejects an empty or unknown reply without adding anything', async () => {
    const conversation = await createConversation(app);
    const cases: [unknown, string][] = [
      [{ message_type: 'comment', body: '   ' }, 'body'],
      [{ message_type: 'comment' }, 'body'],
      [{ message_type: 'comment', body: 'x'.repeat(20_001) }, 'body'],
      [{ message_type: 'email', body: 'Hi' }, 'message_type'],
      [{ message_type: 'comment', body: 'Hi', admin_id: '1' }, 'admin_id'],
    ];
    for (const [body, field] of cases) {
      const res = await app.call('POST', '/conversations/{id}/reply', { ...params(conversation.id), body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(res.body.errors[0]).toMatchObject({ field });
    }
    expect((await conversationRow(conversation.id)).parts).toHaveLength(1);
    const foreign = await createConversation(app, { workspaceId: otherWorkspaceId });
    expect((await app.call('POST', '/conversations/{id}/reply', { ...params(foreign.id), body: { message_type: 'comment', body: 'Hi' } })).status).toBe(404);
    expect((await conversationRow(foreign.id)).parts).toHaveLength(1);
  });
});

describe('PATCH /conversations/{id}', () => {
  const patch = (id: number, body: unknown, options = {}) => app.call('PATCH', '/conversations/{id}', { ...params(id), body, ...options });

  it('closes, snoozes until a time and reopens', async () => {
    const conversation = await createConversation(app);
    const closed = await patch(conversation.id, { state: 'closed' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ state: 'closed', snoozed_until: null });
    const until = new Date(Date.now() + 3 * 3600_000);
    until.setMilliseconds(0);
    const snoozed = await patch(conversation.id, { state: 'snoozed', snoozed_until: until.toISOString() });
    expect(snoozed.body).toMatchObject({ state: 'snoozed', snoozed_until: until.toISOString().replace('.000', '') });
    const later = new Date(until.getTime() + 3600_000);
    expect((await patch(conversation.id, { snoozed_until: later.toISOString() })).body.snoozed_until).toBe(later.toISOString().replace('.000', ''));
    const reopened = await patch(conversation.id, { state: 'open' });
    expect(reopened.body).toMatchObject({ state: 'open', snoozed_until: null });
    expect(await conversationRow(conversation.id)).toMatchObject({ state: 'open', snoozedUntil: null });
  });

  it('assigns to a teammate of the workspace and unassigns', async () => {
    const conversation = await createConversation(app);
    const assigned = await patch(conversation.id, { assignee_id: String(agent.id) }, withSession(agentSession));
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignee).toEqual({ id: String(agent.id), name: agent.name });
    const unassigned = await patch(conversation.id, { assignee_id: null });
    expect(unassigned.body.assignee).toBeNull();
    expect((await conversationRow(conversation.id)).assigneeAdminId).toBeNull();
  });

  it('sets custom attributes by their defined types, merging them, and clears with null', async () => {
    const conversation = await createConversation(app, { data: { customAttributes: { order_id: 'ORD-1', vip: true } } });
    const res = await patch(conversation.id, { custom_attributes: { priority: '3', vip: 'false', due: '2026-05-01T10:00:00Z' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.custom_attributes).toEqual({ order_id: 'ORD-1', vip: false, priority: 3, due: '2026-05-01T10:00:00Z' });
    const cleared = await patch(conversation.id, { custom_attributes: { order_id: null } });
    expect(cleared.body.custom_attributes).toMatchObject({ order_id: null, priority: 3 });
    expect((await conversationRow(conversation.id)).customAttributes).toMatchObject({ order_id: null, priority: 3, vip: false });
  });

  it('rejects bad input, naming each field, and changes nothing', async () => {
    const conversation = await createConversation(app, { data: { customAttributes: { order_id: 'ORD-1' } } });
    const foreignAdmin = await app.db.admin.create({ data: { workspaceId: otherWorkspaceId, email: `foreign-${Date.now()}@example.test`, name: 'Foreign', passwordHash: 'x' } });
    const past = new Date(Date.now() - 60_000).toISOString();
    const future = new Date(Date.now() + 60_000).toISOString();
    const cases: [unknown, string[]][] = [
      [{ state: 'snoozed' }, ['snoozed_until']],
      [{ state: 'snoozed', snoozed_until: past }, ['snoozed_until']],
      [{ state: 'closed', snoozed_until: future }, ['snoozed_until']],
      [{ snoozed_until: future }, ['snoozed_until']],
      [{ state: 'snoozed', snoozed_until: 'tomorrow' }, ['snoozed_until']],
      [{ state: 'pending' }, ['state']],
      [{ state: 'closed', assignee_id: String(foreignAdmin.id) }, ['assignee_id']],
      [{ assignee_id: 'me' }, ['assignee_id']],
      [{ state: 'closed', custom_attributes: { plan: 'pro' } }, ['custom_attributes.plan']],
      [{ custom_attributes: { priority: 'high', vip: 'yes', order_id: 5, due: 'soon' } }, ['custom_attributes.priority', 'custom_attributes.vip', 'custom_attributes.due']],
      [{ custom_attributes: { order_id: { nested: true } } }, ['custom_attributes.order_id']],
      [{ custom_attributes: ['x'] }, ['custom_attributes']],
      [{ title: 'New title' }, ['title']],
    ];
    const before = await conversationRow(conversation.id);
    for (const [body, fields] of cases) {
      const res = await patch(conversation.id, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors.map((e: any) => e.field), JSON.stringify(body)).toEqual(fields);
      expect(res.body.errors.every((e: any) => e.message.includes(e.field)), JSON.stringify(res.body.errors)).toBe(true);
    }
    const after = await conversationRow(conversation.id);
    expect(after).toEqual(before);
  });

  it('does not update conversations of another workspace', async () => {
    const foreign = await createConversation(app, { workspaceId: otherWorkspaceId });
    const res = await patch(foreign.id, { state: 'closed' });
    expect(res.status).toBe(404);
    expect((await conversationRow(foreign.id)).state).toBe('open');
  });
});

describe('conversation tags', () => {
  const add = (id: number, name: unknown) => app.call('POST', '/conversations/{id}/tags', { ...params(id), body: { name } });
  const remove = (id: number, name: string) => app.call('DELETE', '/conversations/{id}/tags/{name}', { params: { id: String(id), name } });

  it('adds trimmed tags once (ignoring case) and removes them', async () => {
    const conversation = await createConversation(app);
    expect((await add(conversation.id, '  billing ')).body.tags).toEqual(['billing']);
    expect((await add(conversation.id, 'Needs refund / urgent')).body.tags).toEqual(['billing', 'Needs refund / urgent']);
    const duplicate = await add(conversation.id, 'BILLING');
    expect(duplicate.status).toBe(200);
    expect(duplicate.body.tags).toEqual(['billing', 'Needs refund / urgent']);
    const removed = await remove(conversation.id, 'needs refund / URGENT');
    expect(removed.status).toBe(200);
    expect(removed.body.tags).toEqual(['billing']);
    expect((await remove(conversation.id, 'not-there')).body.tags).toEqual(['billing']);
    expect((await conversationRow(conversation.id)).tags).toEqual(['billing']);
  });

  it('rejects empty, overlong and non-text tags without changing anything', async () => {
    const conversation = await createConversation(app, { data: { tags: ['vip'] } });
    for (const name of ['', '   ', 'x'.repeat(101), 42, null]) {
      const res = await add(conversation.id, name);
      expect(res.status, String(name)).toBe(422);
      expect(res.body.errors[0].field).toBe('name');
    }
    expect((await add(conversation.id, 'x'.repeat(100))).status).toBe(200);
    expect((await remove(conversation.id, ' ')).status).toBe(422);
    expect((await conversationRow(conversation.id)).tags).toEqual(['vip', 'x'.repeat(100)]);
  });

  it('does not tag conversations of another workspace', async () => {
    const foreign = await createConversation(app, { workspaceId: otherWorkspaceId, data: { tags: ['vip'] } });
    expect((await add(foreign.id, 'mine')).status).toBe(404);
    expect((await remove(foreign.id, 'vip')).status).toBe(404);
    expect((await conversationRow(foreign.id)).tags).toEqual(['vip']);
  });
});
