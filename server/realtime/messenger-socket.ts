// Sockets of the customer's messenger: `messenger.join {conversation_id}` joins
// `messenger:<id>` for conversations the session may see, and nothing else.
// Those rooms only carry customer-safe events (messenger.part.created).
import type { Socket } from 'socket.io';
import { parseId } from '../connectors/load-connector.ts';
import type { Db } from '../db/client.ts';
import { canJoinMessengerConversation, type MessengerCaller } from '../messenger/messenger-conversations.ts';
import { messengerRoom } from './realtime-events.ts';

type Ack = (reply: { ok: true } | { ok: false; error: string }) => void;

function conversationIdOf(payload: unknown): number | null {
  const raw = typeof payload === 'object' && payload !== null ? (payload as { conversation_id?: unknown }).conversation_id : undefined;
  return typeof raw === 'string' || typeof raw === 'number' ? parseId(String(raw)) : null;
}

export function attachMessengerSocket(socket: Socket, db: Db, caller: MessengerCaller): void {
  socket.on('messenger.join', async (payload: unknown, ack?: Ack) => {
    const reply: Ack = typeof ack === 'function' ? ack : () => {};
    const id = conversationIdOf(payload);
    if (id === null) return reply({ ok: false, error: 'conversation_id must be a positive integer' });
    // Same rule as the HTTP routes; an unknown and another contact's conversation look alike.
    if (!(await canJoinMessengerConversation(db, caller, id).catch(() => false))) return reply({ ok: false, error: `conversation ${id} not found` });
    await socket.join(messengerRoom(id));
    reply({ ok: true });
  });

  socket.on('messenger.leave', async (payload: unknown, ack?: Ack) => {
    const id = conversationIdOf(payload);
    if (id !== null) await socket.leave(messengerRoom(id));
    if (typeof ack === 'function') ack(id !== null ? { ok: true } : { ok: false, error: 'conversation_id must be a positive integer' });
  });
}
