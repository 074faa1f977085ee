// The inbox's live connection. socket.io authenticates with the session cookie
// the browser sends on the same origin, joins the workspace room by itself and
// replays what was missed after a short drop (connection state recovery). When
// it could not recover, what is on screen may be stale, so `syncCount` moves
// on and the inbox refetches from the database.
import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface InboxSocket {
  socket: Socket | null;
  status: LiveStatus;
  // Changes on every connect that did not replay missed events; data shown
  // before it may be stale.
  syncCount: number;
}

// After the server refused the handshake (e.g. the session cookie arrived
// before the session was readable), socket.io stops trying; try again later.
const REFUSED_RETRY_MS = 15_000;

export function useInboxSocket(): InboxSocket {
  const [socket, setSocket] = useState<Socket | null>(null);
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [syncCount, setSyncCount] = useState(0);

  useEffect(() => {
    const client = io({ withCredentials: true });
    let retry: ReturnType<typeof setTimeout> | undefined;
    const retryLater = () => {
      clearTimeout(retry);
      retry = setTimeout(() => {
        if (!client.connected) client.connect();
      }, REFUSED_RETRY_MS);
    };
    const offlineNow = () => !navigator.onLine;

    client.on('connect', () => {
      clearTimeout(retry);
      setStatus('live');
      if (!client.recovered) setSyncCount((n) => n + 1);
    });
    client.on('disconnect', (reason) => {
      if (offlineNow() || !client.active) setStatus('offline');
      else setStatus('reconnecting');
      // The server closed the connection on purpose; socket.io will not reconnect by itself.
      if (reason === 'io server disconnect') retryLater();
    });
    client.on('connect_error', () => {
      if (client.active && !offlineNow()) {
        setStatus((current) => (current === 'connecting' ? 'connecting' : 'reconnecting'));
      } else {
        setStatus('offline');
        if (!client.active) retryLater();
      }
    });

    const wentOffline = () => {
      if (!client.connected) setStatus('offline');
    };
    const cameOnline = () => {
      if (client.connected) return;
      setStatus('reconnecting');
      client.connect();
    };
    window.addEventListener('offline', wentOffline);
    window.addEventListener('online', cameOnline);

    setSocket(client);
    return () => {
      clearTimeout(retry);
      window.removeEventListener('offline', wentOffline);
      window.removeEventListener('online', cameOnline);
      client.removeAllListeners();
      client.disconnect();
      setSocket(null);
      setStatus('connecting');
    };
  }, []);

  return { socket, status, syncCount };
}

// Joins the open conversation's room for as long as it is open, again after
// every reconnect (a new connection starts in the workspace room only).
// Returns whether the server has acknowledged the join.
export function useConversationRoom(socket: Socket | null, conversationId: string | null): boolean {
  const [joinedId, setJoinedId] = useState<string | null>(null);
  const current = useRef(conversationId);
  current.current = conversationId;

  useEffect(() => {
    if (!socket || !conversationId) return;
    const join = () => {
      socket.timeout(10_000).emit('conversation.join', { conversation_id: conversationId }, (error: Error | null, reply?: { ok: boolean }) => {
        if (current.current !== conversationId) return;
        setJoinedId(!error && reply?.ok ? conversationId : null);
      });
    };
    const dropped = () => setJoinedId(null);
    if (socket.connected) join();
    socket.on('connect', join);
    socket.on('disconnect', dropped);
    return () => {
      socket.off('connect', join);
      socket.off('disconnect', dropped);
      if (socket.connected) socket.emit('conversation.leave', { conversation_id: conversationId });
      setJoinedId(null);
    };
  }, [socket, conversationId]);

  return joinedId !== null && joinedId === conversationId;
}
