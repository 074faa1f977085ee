// socket.io for open inboxes: every authenticated socket joins its workspace's
// room and may join the rooms of conversations in that workspace.
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import { parseId } from '../connectors/load-connector.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { conversationRoom, messengerRoom, roomsOf, workspaceRoom, type RealtimeBus, type RealtimeEvent } from './realtime-events.ts';
import type { MessengerCaller } from '../messenger/messenger-conversations.ts';
import { attachMessengerSocket, messengerSessionRoom } from './messenger-socket.ts';
import { authenticateSocket, type SocketAuthDeps } from './socket-auth.ts';

export interface RealtimeServer extends RealtimeBus {
  io: Server;
  close(): Promise<void>;
}

// `{ conversation_id }` as a string or a number, checked like path ids.
function conversationIdOf(payload: unknown): number | null {
  const raw = typeof payload === 'object' && payload !== null ? (payload as { conversation_id?: unknown }).conversation_id : undefined;
  return typeof raw === 'string' || typeof raw === 'number' ? parseId(String(raw)) : null;
}
const INVALID_ID = 'conversation_id must be a positive integer';

type Ack = (reply: { ok: true } | { ok: false; error: string }) => void;

// options.adapter: the Redis adapter when several processes serve one workspace
// (server/realtime/redis-adapter.ts); socket.io's in-memory one otherwise.
export function createRealtimeServer(httpServer: HttpServer, deps: SocketAuthDeps & { db: Db; logger: Logger }, options: { adapter?: ServerOptions['adapter'] } = {}): RealtimeServer {
  const io = new Server(httpServer, {
    ...(options.adapter && { adapter: options.adapter }),
    serveClient: false,
    // skipMiddlewares false: a recovering socket is authenticated again, so a
    // session that ended while it was away cannot come back for its missed events.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
  });

  io.use(async (socket, next) => {
    const result = await authenticateSocket(deps, socket.handshake);
    if (!result.ok) return next(new Error(result.message));
    if (result.messenger) {
      socket.data.messenger = result.messenger;
      return next();
    }
    socket.data.workspaceId = result.principal.workspaceId;
    socket.data.adminId = result.principal.adminId;
    next();
  });

  io.on('connection', (socket) => {
    // The customer's widget: messenger rooms only, never the workspace's.
    if (socket.data.messenger) return attachMessengerSocket(socket, deps.db, socket.data.messenger as MessengerCaller);
    const workspaceId = socket.data.workspaceId as number;
    void socket.join(workspaceRoom(workspaceId));

    socket.on('conversation.join', async (payload: unknown, ack?: Ack) => {
      const reply: Ack = typeof ack === 'function' ? ack : () => {};
      const id = conversationIdOf(payload);
      if (id === null) return reply({ ok: false, error: INVALID_ID });
      const conversation = await deps.db.conversation.findFirst({ where: { id, workspaceId }, select: { id: true } });
      if (!conversation) return reply({ ok: false, error: `conversation ${id} not found` });
      await socket.join(conversationRoom(id));
      reply({ ok: true });
    });

    socket.on('conversation.leave', async (payload: unknown, ack?: Ack) => {
      const id = conversationIdOf(payload);
      if (id !== null) await socket.leave(conversationRoom(id));
      if (typeof ack === 'function') ack(id !== null ? { ok: true } : { ok: false, error: INVALID_ID });
    });
  });

  return {
    io,
    publish(event: RealtimeEvent) {
      const rooms = roomsOf(event);
      io.to(rooms).emit(event.type, event);
      deps.logger.debug({ type: event.type, rooms }, 'realtime event published');
    },
    joinMessengerSession: async (sessionId, conversationId) => {
      io.in(messengerSessionRoom(sessionId)).socketsJoin(messengerRoom(conversationId));
    },
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}
