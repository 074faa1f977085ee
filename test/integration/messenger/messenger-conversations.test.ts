// The customer's side of conversations through the messenger endpoints and a
// messenger socket: customers see comments only, of their own conversations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerMessageEvent } from '../../../server/messenger/messenger-conversations.ts';
import { createMessengerSession } from '../../../server/messenger/messenger-sessions.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { createContact, createConversation, nextEvent, openSocket, type RecordingSocket } from '../inbox/inbox-fixtures.ts';
import { boot } from '../identity/messenger-test-helpers.ts';

let app: TestApp;
const hookCalls: CustomerMessageEvent[] = [];
let hookCalled: (() => void) | null = null;

beforeAll(async () => {
  app = await startTestApp({
    onCustomerMessage: (event) => {
      hookCalls.push(event);
      hookCalled?.();
    },
  });
});
afterAll(async () => {
  await app?.close();
});

async function call(method: string, path: string, token: string | null, body?: unknown) {
  const response = await fetch(`${app.baseUrl}/messenger${path}`, {
    method,
    headers: { ...(token && { Authorization: `Bearer ${token}` }), ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function lead() {
  const booted = await boot(app, { workspace_id: String(app.workspaceId) });
  expect(booted.status).toBe(200);
  return { token: booted.body.session_token as string, contactId: Number(booted.body.contact.id) };
}

const messengerSocket = (token: string): Promise<RecordingSocket> => openSocket(app, { messengerToken: token });

describe('messenger conversation routes', () => {
  it('starts a conversation, lists it, adds a message and calls the customer-message hook', async () => {
    const { token } = await lead();
    const inbox = await openSocket(app, { token: app.token });
    try {
      const firstHook = new Promise<void>((resolve) => (hookCalled = resolve));
      const started = await call('POST', '/conversations', token, { body: '  Do I owe anything?  ' });
      expect(started.status).toBe(201);
      await firstHook;
      expect(started.body).toMatchObject({ type: 'messenger_conversation', open: true, parts: [{ type: 'messenger_part', author: { type: 'customer', name: null }, body: 'Do I owe anything?' }] });
      const id = started.body.id as string;
      expect(hookCalls.at(-1)).toEqual({ workspaceId: app.workspaceId, conversationId: Number(id), partId: Number(started.body.parts[0].id), customer: { identityVerified: false }, session: { id: expect.any(String) } });

      const second = await call('POST', '/conversations', token, { body: 'Another question' });
      const listed = await call('GET', '/conversations', token);
      expect(listed.status).toBe(200);
      expect(listed.body.data.map((c: any) => c.id)).toEqual([second.body.id, id]);

      const hookDone = new Promise<void>((resolve) => (hookCalled = resolve));
      const posted = await call('POST', `/conversations/${id}/messages`, token, { body: 'Hello?' });
      expect(posted.status).toBe(201);
      expect(posted.body).toMatchObject({ type: 'messenger_part', conversation_id: id, author: { type: 'customer' }, body: 'Hello?' });
      await hookDone;
      expect(hookCalls.at(-1)).toMatchObject({ conversationId: Number(id), partId: Number(posted.body.id) });
      // Teammates see it live.
      const updated = await nextEvent(inbox, 'conversation.updated', (e) => e.conversation_id === id && e.conversation.preview?.body === 'Hello?');
      expect(updated.conversation.unread).toBe(true);
      const row = await app.db.conversation.findUniqueOrThrow({ where: { id: Number(id) } });
      expect(row.lastActivityAt.toISOString().slice(0, 19)).toBe(posted.body.created_at.slice(0, 19));
    } finally {
      inbox.close();
      hookCalled = null;
    }
  });

  it('refuses bad input naming the field, and changes nothing', async () => {
    const { token, contactId } = await lead();
    for (const body of [{}, { body: '   ' }, { body: 'x'.repeat(5001) }, { body: 'ok', extra: 1 }]) {
      const response = await call('POST', '/conversations', token, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.body.errors[0].field).toMatch(/body|extra/);
    }
    expect(await app.db.conversation.count({ where: { contactId } })).toBe(0);
    const started = await call('POST', '/conversations', token, { body: 'x'.repeat(5000) });
    expect(started.status).toBe(201);
    const tooLong = await call('POST', `/conversations/${started.body.id}/messages`, token, { body: 'x'.repeat(5001) });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.errors[0]).toMatchObject({ field: 'body' });
    expect(await app.db.conversationPart.count({ where: { conversationId: Number(started.body.id) } })).toBe(1);
    expect((await call('GET', '/conversations', null)).status).toBe(401);
  });

  it("answers 404 for another contact's conversation", async () => {
    const { token } = await lead();
    const other = await createConversation(app);
    expect((await call('GET', `/conversations/${other.id}`, token)).status).toBe(404);
    expect((await call('GET', '/conversations/abc', token)).status).toBe(404);
    const posted = await call('POST', `/conversations/${other.id}/messages`, token, { body: 'hi' });
    expect(posted.status).toBe(404);
    expect(await app.db.conversationPart.count({ where: { conversationId: other.id } })).toBe(1);
    expect((await call('GET', '/conversations', token)).body.data).toEqual([]);
  });

  it('never shows notes or connector results', async () => {
    const { token, contactId } = await lead();
    const conversation = await createConversation(app, {
      contactId,
      parts: [
        { author: 'customer', body: 'Balance?' },
        { author: 'admin', body: 'internal: check billing', type: 'note', adminId: app.adminId },
        { author: 'admin', body: 'Balance: 42', type: 'connector_result', adminId: app.adminId },
        { author: 'bot', body: 'You owe 42.' },
        { author: 'admin', body: 'Anything else?', adminId: app.adminId },
      ],
    });
    const detail = await call('GET', `/conversations/${conversation.id}`, token);
    expect(detail.status).toBe(200);
    expect(detail.body.parts.map((p: any) => [p.author.type, p.body])).toEqual([
      ['customer', 'Balance?'],
      ['bot', 'You owe 42.'],
      ['admin', 'Anything else?'],
    ]);
    expect(JSON.stringify(detail.body)).not.toMatch(/internal|Balance: 42/);
  });

  it('shows history only to verified sessions; a claimed user_id sees only its own session', async () => {
    const contact = await createContact(app);
    const old = await createConversation(app, { contactId: contact.id });
    const claimed = await boot(app, { workspace_id: String(app.workspaceId), user_id: contact.externalId });
    expect(claimed.body.identity_verified).toBe(false);
    const token = claimed.body.session_token as string;
    expect((await call('GET', '/conversations', token)).body.data).toEqual([]);
    expect((await call('GET', `/conversations/${old.id}`, token)).status).toBe(404);
    const mine = await call('POST', '/conversations', token, { body: 'hi' });
    expect((await call('GET', '/conversations', token)).body.data.map((c: any) => c.id)).toEqual([mine.body.id]);

    const verified = await createMessengerSession(app.db, { workspaceId: app.workspaceId, contactId: contact.id, identityVerified: true, now: new Date() });
    expect((await call('GET', '/conversations', verified.token)).body.data.map((c: any) => c.id).sort()).toEqual([mine.body.id, String(old.id)].sort());
  });
});

describe('a messenger socket', () => {
  it('gets teammate comments as messenger.part.created, not notes, and no workspace events', async () => {
    const { token } = await lead();
    const started = await call('POST', '/conversations', token, { body: 'Help' });
    const id = started.body.id as string;
    const socket = await messengerSocket(token);
    try {
      expect(await socket.socket.emitWithAck('messenger.join', { conversation_id: id })).toEqual({ ok: true });
      const note = await app.call('POST', '/conversations/{id}/reply', { params: { id }, body: { message_type: 'note', body: 'secret note' } });
      expect(note.status).toBe(201);
      const reply = await app.call('POST', '/conversations/{id}/reply', { params: { id }, body: { message_type: 'comment', body: 'Here to help' } });
      expect(reply.status).toBe(201);
      const event = await nextEvent(socket, 'messenger.part.created', (e) => e.part.id === reply.body.id);
      expect(event).toEqual({
        type: 'messenger.part.created',
        workspace_id: String(app.workspaceId),
        conversation_id: id,
        part: { type: 'messenger_part', id: reply.body.id, conversation_id: id, author: { type: 'admin', name: reply.body.author.name }, body: 'Here to help', created_at: reply.body.created_at },
      });
      // Events arrive in order: the note came before the reply, and did not come.
      expect(socket.of('messenger.part.created').map((e) => e.part.body)).toEqual(['Here to help']);
      expect(socket.events.map((e) => e.name)).toEqual(['messenger.part.created']);
    } finally {
      socket.close();
    }
  });

  it("cannot join another contact's conversation, nor the inbox's rooms", async () => {
    const { token } = await lead();
    const other = await createConversation(app);
    const socket = await messengerSocket(token);
    try {
      expect(await socket.socket.emitWithAck('messenger.join', { conversation_id: String(other.id) })).toEqual({ ok: false, error: `conversation ${other.id} not found` });
      expect(await socket.socket.emitWithAck('messenger.join', { conversation_id: 'x' })).toMatchObject({ ok: false });
      // No handler answers inbox joins for a messenger socket.
      socket.socket.emit('conversation.join', { conversation_id: String(other.id) });
      const reply = await app.call('POST', '/conversations/{id}/reply', { params: { id: String(other.id) }, body: { message_type: 'comment', body: 'not yours' } });
      expect(reply.status).toBe(201);
      // A later event in a room it did join proves the earlier ones would have arrived.
      const own = await call('POST', '/conversations', token, { body: 'mine' });
      expect(await socket.socket.emitWithAck('messenger.join', { conversation_id: own.body.id })).toEqual({ ok: true });
      const marker = await app.call('POST', '/conversations/{id}/reply', { params: { id: own.body.id }, body: { message_type: 'comment', body: 'marker' } });
      await nextEvent(socket, 'messenger.part.created', (e) => e.part.id === marker.body.id);
      // Its own first message (the session's sockets join a conversation it starts), then the marker: nothing of the other one.
      expect(socket.events.map((e) => [e.name, e.payload.part.body])).toEqual([
        ['messenger.part.created', 'mine'],
        ['messenger.part.created', 'marker'],
      ]);
    } finally {
      socket.close();
    }
  });

  it('refuses an unknown messenger token', async () => {
    await expect(messengerSocket('pbm_nope')).rejects.toThrow(/messenger session/);
  });
});
