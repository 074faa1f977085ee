// Sockets of the customer's messenger: `messenger.join {conversation_id}` joins
// `messenger:<id>` for conversations the session may see, and nothing else.
// Those rooms only carry customer-safe events (messenger.part.created,
// messenger.typing, messenger.handoff: see roomsOf in realtime-events.ts).
// Each socket is also in its session's room, `messenger-session:<session id>`,
// through which the server calls the host page's client-side functions.
import type { Server, Socket } from 'socket.io';
import { readClientFunctionReplies, type ClientFunctionCaller } from '../connectors/pipeline/client-side-function.ts';
import { parseId } from '../connectors/load-connector.ts';
import type { Db } from '../db/client.ts';
import { canJoinMessengerConversation, type MessengerCaller } from '../messenger/messenger-conversations.ts';
import { messengerRoom } from './realtime-events.ts';

type Ack = (reply: { ok: true } | { ok: false; error: string }) => void;

function conversationIdOf(payload: unknown): number | null {
  const raw = typeof payload === 'object' && payload !== null ? (payload as { conversation_id?: unknown }).conversation_id : undefined;
  return typeof raw === 'string' || typeof raw === 'number' ? parseId(String(raw)) : null;
}

// Keyed by the session row's id (a hash of the token): room names never leave the server.
export const messengerSessionRoom = (sessionId: string) => `messenger-session:${sessionId}`;

const CLIENT_FUNCTION_EVENT = 'messenger.client_function';

/**
 * Client-side connectors: `messenger.client_function { name, inputs }` with an
 * ack to every socket of one messenger session (the widget answers
 * `{ ok: true, result }` or `{ ok: false, error }`, contract 4). Through the
 * adapter, so it reaches sockets connected to other processes too.
 */
export function messengerClientFunctions(io: Server): ClientFunctionCaller {
  return {
    callClientFunction: (sessionId, call, timeoutMs) =>
      new Promise((resolve) => {
        io.to(messengerSessionRoom(sessionId))
          .timeout(timeoutMs)
          .emit(CLIENT_FUNCTION_EVENT, { name: call.name, inputs: call.inputs }, (error: Error | null, replies: unknown[] | undefined) => {
            // On a timeout the replies that did arrive are still handed over.
            resolve(readClientFunctionReplies(call.name, Array.isArray(replies) ? replies : [], error !== null, timeoutMs));
          });
      }),
  };
}

export function attachMessengerSocket(socket: Socket, db: Db, caller: MessengerCaller): void {
  void socket.join(messengerSessionRoom(caller.sessionId));

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
