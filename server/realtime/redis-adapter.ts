// Realtime fan-out between several Patchbay processes (REDIS_URL). Redis
// streams rather than plain pub/sub, because a stream keeps what was published
// while a browser was away, so connection state recovery works whichever
// process the browser reconnects to.
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import type { ServerOptions } from 'socket.io';
import type { Logger } from '../logger.ts';

export interface RedisRealtimeAdapter {
  // For createRealtimeServer's `adapter` option.
  adapter: NonNullable<ServerOptions['adapter']>;
  // After the realtime server has closed (its sessions are written to Redis on close).
  close(): Promise<void>;
}

// The URL as it may appear in logs and errors: without its password.
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid REDIS_URL>';
  }
}

// Resolves once Redis answers, or rejects at the first failed attempt: a
// process that cannot reach Redis would silently miss other processes' events,
// so it must not start. Later outages are logged and retried.
export async function connectRedisAdapter(url: string, logger: Logger): Promise<RedisRealtimeAdapter> {
  const where = redactRedisUrl(url);
  let connected = false;
  let down = false;
  const client = createClient({
    url,
    // Shows up in CLIENT LIST, so operators can tell Patchbay's connections apart.
    name: 'patchbay',
    socket: { reconnectStrategy: (retries, cause) => (connected ? Math.min(100 * 2 ** retries, 5_000) : cause) },
  });
  // The adapter duplicates the client for its blocking stream reads and its
  // subscriptions and only lets them go after a read returns (up to 5 s): they
  // are closed here with the client so that shutting down is immediate.
  const duplicates: { destroy(): void }[] = [];
  const duplicate = client.duplicate.bind(client);
  client.duplicate = ((...args: Parameters<typeof duplicate>) => {
    const copy = duplicate(...args);
    duplicates.push(copy);
    return copy;
  }) as typeof client.duplicate;

  client.on('error', (error: Error) => {
    if (!connected || down) return;
    down = true;
    logger.error({ redis: where, error: error.message }, 'lost the Redis connection; live updates from other processes wait until it is back');
  });
  client.on('ready', () => {
    if (down) logger.info({ redis: where }, 'Redis connection restored');
    down = false;
  });

  try {
    await client.connect();
  } catch (error) {
    client.destroy();
    throw new Error(`Could not connect to Redis at REDIS_URL (${where}): ${(error as Error).message}`);
  }
  connected = true;
  logger.info({ redis: where }, 'realtime fan-out through Redis');

  // Created with the first namespace, and closed here as well: the adapter's
  // stream reader stops only once its namespaces are closed, and would spin on
  // its destroyed connection otherwise.
  let factory: ReturnType<typeof createAdapter> | undefined;
  const namespaces: { close(): unknown }[] = [];
  return {
    // A function, not an arrow: socket.io calls it with `new`.
    adapter: function redisStreamsAdapter(nsp: unknown) {
      factory ??= createAdapter(client);
      const adapter = factory(nsp);
      namespaces.push(adapter);
      return adapter;
    },
    async close() {
      for (const adapter of namespaces) adapter.close();
      for (const copy of duplicates) copy.destroy();
      // Waits for pending writes, such as the sessions of the sockets just closed.
      if (client.isOpen) await client.close();
    },
  };
}
