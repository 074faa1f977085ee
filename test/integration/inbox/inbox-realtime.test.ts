// The inbox's live updates through a real socket.io client that signs in
// with the session cookie, as the browser does: what another teammate (here
// the API token) does reaches it as events, in the right rooms only.
import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../../server/identity/api-tokens.ts';
import { authFetch, createTestAdmin, signInAs, withSession, type BrowserSession } from '../../support/admin-session.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { createContact, createConversation, liveConnector, nextEvent, openSocket, refusedSocket, type RecordingSocket } from './inbox-fixtures.ts';

let app: TestApp;
let upstream: Upstream;
let session: BrowserSession;
let inbox: RecordingSocket;

beforeAll(async () => {
  app = await startTestApp();
  upstream = await startUpstream(() => ({ body: { account: { plan: 'enterprise' }, order: { status: 'shipped' } } }));
  await app.db.customAttributeDefinition.createMany({
    data: [
      { workspaceId: app.workspaceId, target: 'contact', name: 'plan' },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'order_status' },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'order_id' },
    ],
  });
  const agent = await createTestAdmin(app, { role: 'agent' });
  session = await signInAs(app, agent.email);
  inbox = await openSocket(app, { cookie: session.cookie });
});
afterAll(async () => {
  inbox?.close();
  await upstream?.close();
  await app?.close();
});

async function openConversation(socket: RecordingSocket, conversationId: number) {
  expect(await socket.socket.emitWithAck('conversation.join', { conversation_id: String(conversationId) })).toEqual({ ok: true });
}

describe('a signed-in inbox socket', () => {
  it('sees replies: the list row in the workspace room, the part in the open conversation', async () => {
    const conversation = await createConversation(app);
    await openConversation(inbox, conversation.id);
    const reply = await app.call('POST', '/conversations/{id}/reply', { params: { id: String(conversation.id) }, body: { message_type: 'comment', body: 'On its way!' } });
    expect(reply.status).toBe(201);

    const created = await nextEvent(inbox, 'conversation.part.created', (e) => e.part.id === reply.body.id);
    expect(created).toEqual({ type: 'conversation.part.created', workspace_id: String(app.workspaceId), conversation_id: String(conversation.id), part: reply.body });
    const updated = await nextEvent(inbox, 'conversation.updated', (e) => e.conversation_id === String(conversation.id));
    expect(updated).toMatchObject({ type: 'conversation.updated', workspace_id: String(app.workspaceId), conversation: { id: String(conversation.id), unread: false, preview: { body: 'On its way!' }, last_activity_at: reply.body.created_at } });
    // The summary in the event is what the list endpoint shows.
    const listed = await app.call('GET', '/conversations', { query: { state: 'all' } });
    expect(listed.body.data.find((c: any) => c.id === String(conversation.id))).toEqual(updated.conversation);
  });

  it('gets list updates of conversations it has not opened, but not their parts', async () => {
    const watched = await createConversation(app);
    const unopened = await createConversation(app);
    await openConversation(inbox, watched.id);
    await app.call('POST', '/conversations/{id}/reply', { params: { id: String(unopened.id) }, body: { message_type: 'note', body: 'Not for this view' } });
    await nextEvent(inbox, 'conversation.updated', (e) => e.conversation_id === String(unopened.id));
    // Events arrive in order: once this one is here, the other part would have been too.
    const marker = await app.call('POST', '/conversations/{id}/reply', { params: { id: String(watched.id) }, body: { message_type: 'note', body: 'marker' } });
    await nextEvent(inbox, 'conversation.part.created', (e) => e.part.id === marker.body.id);
    expect(inbox.of('conversation.part.created').filter((e) => e.conversation_id === String(unopened.id))).toEqual([]);
  });

  it('sees state, assignee, tag and read changes, and attributes a teammate set', async () => {
    const contact = await createContact(app);
    const conversation = await createConversation(app, { contactId: contact.id });
    await openConversation(inbox, conversation.id);
    const id = String(conversation.id);
    const patched = await app.call('PATCH', '/conversations/{id}', { params: { id }, body: { state: 'closed', assignee_id: String(app.adminId), custom_attributes: { order_id: 'ORD-9' } } });
    expect(patched.status).toBe(200);
    expect(await nextEvent(inbox, 'conversation.updated', (e) => e.conversation_id === id && e.conversation.state === 'closed')).toMatchObject({ conversation: { assignee: { id: String(app.adminId), name: 'Admin' } } });
    expect(await nextEvent(inbox, 'attribute.updated', (e) => e.id === id)).toEqual({
      type: 'attribute.updated',
      workspace_id: String(app.workspaceId),
      target: 'conversation',
      id,
      conversation_id: id,
      changes: { order_id: 'ORD-9' },
      source: { type: 'teammate', id: String(app.adminId) },
    });
    await app.call('POST', '/conversations/{id}/tags', { params: { id }, body: { name: 'vip' } });
    expect(await nextEvent(inbox, 'conversation.updated', (e) => e.conversation_id === id && e.conversation.tags.includes('vip'))).toBeTruthy();
    await app.call('POST', '/conversations/{id}/read', { params: { id } });
    expect(await nextEvent(inbox, 'conversation.updated', (e) => e.conversation_id === id && e.conversation.unread === false)).toBeTruthy();
    await app.call('PATCH', '/contacts/{id}', { params: { id: String(contact.id) }, body: { custom_attributes: { plan: 'pro' } } });
    expect(await nextEvent(inbox, 'attribute.updated', (e) => e.target === 'contact' && e.id === String(contact.id))).toMatchObject({ conversation_id: null, changes: { plan: 'pro' }, source: { type: 'teammate' } });
  });

  it('sees a connector run: the mapped attributes, the result part and the list row', async () => {
    const contact = await createContact(app);
    const conversation = await createConversation(app, { contactId: contact.id });
    const id = String(conversation.id);
    await openConversation(inbox, conversation.id);
    const connectorId = await liveConnector(app, {
      name: 'Account sync',
      url: `${upstream.url}/account`,
      object_mappings: [
        { response_object_path: 'account', intercom_object_type: 'user', attribute_mappings: [{ response_attribute_path: 'plan', intercom_attribute_identifier: 'plan' }] },
        { response_object_path: 'order', intercom_object_type: 'conversation', attribute_mappings: [{ response_attribute_path: 'status', intercom_attribute_identifier: 'order_status' }] },
      ],
    });
    const res = await app.call('POST', '/conversations/{id}/run_connector', { params: { id }, body: { data_connector_id: connectorId } });
    expect(res.body.success).toBe(true);
    const source = { type: 'inbox', id: null, data_connector_id: connectorId, execution_result_id: res.body.execution_result_id };
    expect(await nextEvent(inbox, 'attribute.updated', (e) => e.target === 'contact' && e.id === String(contact.id))).toMatchObject({ conversation_id: id, changes: { plan: 'enterprise' }, source });
    expect(await nextEvent(inbox, 'attribute.updated', (e) => e.target === 'conversation' && e.id === id)).toMatchObject({ changes: { order_status: 'shipped' }, source });
    expect((await nextEvent(inbox, 'conversation.part.created', (e) => e.conversation_id === id)).part).toEqual(res.body.part);
    expect((await nextEvent(inbox, 'conversation.updated', (e) => e.conversation_id === id && e.conversation.preview?.part_type === 'connector_result')).conversation.id).toBe(id);
    expect(await nextEvent(inbox, 'connector_run.logged', (e) => e.conversation_id === id)).toEqual({
      type: 'connector_run.logged',
      workspace_id: String(app.workspaceId),
      conversation_id: id,
      data_connector_id: connectorId,
      execution_result_id: res.body.execution_result_id,
      success: true,
      source_type: 'inbox',
    });
  });

  it('sees a failed connector run logged, though it adds no part and changes nothing', async () => {
    const failing = await startUpstream(() => ({ status: 422, body: { error: 'unknown order' } }));
    try {
      const conversation = await createConversation(app);
      const id = String(conversation.id);
      await openConversation(inbox, conversation.id);
      const connectorId = await liveConnector(app, { name: 'Failing lookup', url: `${failing.url}/orders` });
      const res = await app.call('POST', '/conversations/{id}/run_connector', { params: { id }, body: { data_connector_id: connectorId } });
      expect(res.body).toMatchObject({ success: false, part: null });
      const logged = await nextEvent(inbox, 'connector_run.logged', (e) => e.conversation_id === id);
      expect(logged).toMatchObject({ success: false, execution_result_id: res.body.execution_result_id, data_connector_id: connectorId });
      expect(inbox.events.filter((e) => e.name === 'conversation.part.created' && e.payload.conversation_id === id)).toEqual([]);
    } finally {
      await failing.close();
    }
  });

  it('hears nothing of another workspace', async () => {
    const otherWorkspace = await app.db.workspace.create({ data: { name: 'Other' } });
    const { token: otherToken } = await createApiToken(app.db, { workspaceId: otherWorkspace.id, name: 'other' });
    const other = await openSocket(app, { token: otherToken });
    try {
      const conversation = await createConversation(app);
      expect(await other.socket.emitWithAck('conversation.join', { conversation_id: conversation.id })).toEqual({ ok: false, error: `conversation ${conversation.id} not found` });
      await app.call('POST', '/conversations/{id}/reply', { params: { id: String(conversation.id) }, body: { message_type: 'comment', body: 'Private' } });
      await nextEvent(inbox, 'conversation.updated', (e) => e.conversation_id === String(conversation.id));
      // The other workspace's own event is the barrier: anything leaked would have come before it.
      const own = await createConversation(app, { workspaceId: otherWorkspace.id });
      expect((await app.call('POST', '/conversations/{id}/read', { params: { id: String(own.id) }, token: otherToken })).status).toBe(200);
      await nextEvent(other, 'conversation.updated', (e) => e.conversation_id === String(own.id));
      expect(other.events.map((e) => e.name)).toEqual(['conversation.updated']);
    } finally {
      other.close();
    }
  });
});

describe('socket handshake', () => {
  it('refuses sockets without a session cookie or token, and with an unknown or ended session', async () => {
    expect((await refusedSocket(app)).message).toMatch(/^unauthorized/);
    expect((await refusedSocket(app, { cookie: 'patchbay_session=not-a-session' })).message).toMatch(/^unauthorized: your session has ended/);
    expect((await refusedSocket(app, { token: 'pb_wrong' })).message).toMatch(/^unauthorized/);
    const agent = await createTestAdmin(app, { role: 'agent' });
    const ended = await signInAs(app, agent.email);
    const logout = await authFetch(app, 'POST', '/auth/logout', { headers: { Cookie: ended.cookie, 'X-CSRF-Token': ended.csrfToken } });
    expect(logout.status).toBeLessThan(300);
    expect((await refusedSocket(app, { cookie: ended.cookie })).message).toMatch(/^unauthorized: your session has ended/);
  });

  it('recovers a dropped socket with what it missed, but authenticates it again: not once its session has ended', async () => {
    const agent = await createTestAdmin(app, { role: 'agent' });
    const own = await signInAs(app, agent.email);
    const socket: Socket = connectSocket(app.baseUrl, { transports: ['websocket'], extraHeaders: { Cookie: own.cookie }, reconnectionDelay: 20, reconnectionDelayMax: 50 });
    const parts: any[] = [];
    socket.on('conversation.part.created', (event) => parts.push(event.part));
    const connected = () => new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    try {
      await connected();
      const conversation = await createConversation(app);
      expect(await socket.emitWithAck('conversation.join', { conversation_id: String(conversation.id) })).toEqual({ ok: true });
      // Recovery resumes after the last event the socket got.
      const first = await app.call('POST', '/conversations/{id}/reply', { params: { id: String(conversation.id) }, body: { message_type: 'comment', body: 'Hello' } });
      await expect.poll(() => parts.map((part) => part.id)).toContain(first.body.id);

      const back = connected();
      socket.io.engine.close();
      const missed = await app.call('POST', '/conversations/{id}/reply', { params: { id: String(conversation.id) }, body: { message_type: 'comment', body: 'Sent while you were away' } });
      await back;
      expect(socket.recovered).toBe(true);
      await expect.poll(() => parts.map((part) => part.id)).toContain(missed.body.id);

      const logout = await authFetch(app, 'POST', '/auth/logout', { headers: { Cookie: own.cookie, 'X-CSRF-Token': own.csrfToken } });
      expect(logout.status).toBeLessThan(300);
      const refused = connected().then(() => null, (error: Error) => error);
      socket.io.engine.close();
      expect((await refused)?.message).toMatch(/^unauthorized: your session has ended/);
    } finally {
      socket.disconnect();
    }
  });

  it("accepts the cookie from the app's own origin only", async () => {
    const sameOrigin = await openSocket(app, { cookie: session.cookie, origin: app.baseUrl });
    sameOrigin.close();
    expect((await refusedSocket(app, { cookie: session.cookie, origin: 'https://evil.example' })).message).toMatch(/origin/);
    expect((await refusedSocket(app, { cookie: session.cookie, origin: 'null' })).message).toMatch(/origin/);
  });

  it('still accepts API tokens', async () => {
    const socket = await openSocket(app, { token: app.token });
    const conversation = await createConversation(app);
    await openConversation(socket, conversation.id);
    socket.close();
  });

  it('uses the session for the API too: a cookie-authenticated reply reaches the socket', async () => {
    const conversation = await createConversation(app);
    await openConversation(inbox, conversation.id);
    const reply = await app.call('POST', '/conversations/{id}/reply', { params: { id: String(conversation.id) }, body: { message_type: 'comment', body: 'From the browser' }, ...withSession(session) });
    expect((await nextEvent(inbox, 'conversation.part.created', (e) => e.part.id === reply.body.id)).part.author.type).toBe('admin');
  });
});
