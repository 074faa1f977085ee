// socket.io for open inboxes: every authenticated socket joins its workspace's
// room and may join the rooms of conversations in that workspace.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { parseId } from '../connectors/load-connector.ts';
import type { Db } from '../db/client.ts';
import { authenticateApiToken } from '../identity/api-tokens.ts';
import type { Logger } from '../logger.ts';
import { conversationRoom, workspaceRoom, type RealtimeBus, type RealtimeEvent } from './realtime-events.ts';

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

export function createRealtimeServer(httpServer: HttpServer, deps: { db: Db; logger: Logger }): RealtimeServer {
  const io = new Server(httpServer, {
    serveClient: false,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 },
  });

  io.use(async (socket, next) => {
    // Bearer API tokens for now; signed-in inbox sessions arrive with identity and access.
    const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : '';
    const principal = token ? await authenticateApiToken(deps.db, token).catch(() => null) : null;
    if (!principal) return next(new Error('unauthorized: a valid API token is required'));
    socket.data.workspaceId = principal.workspaceId;
    next();
  });

  io.on('connection', (socket) => {
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
      // Inbox lists listen on the workspace room; an open conversation view on its own room.
      const rooms = [workspaceRoom(event.workspace_id)];
      if (event.conversation_id) rooms.push(conversationRoom(event.conversation_id));
      io.to(rooms).emit(event.type, event);
      deps.logger.debug({ type: event.type, rooms }, 'realtime event published');
    },
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}
