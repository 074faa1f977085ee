// A real HTTP server on 127.0.0.1 that plays a connector's API in tests and
// records every request it receives.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type UpstreamHandler = (request: ReceivedRequest) => Reply | Promise<Reply>;

export interface Upstream {
  url: string;
  requests: ReceivedRequest[];
  handle(handler: UpstreamHandler): void;
  close(): Promise<void>;
}

export async function startUpstream(handler: UpstreamHandler = () => ({ body: { ok: true } })): Promise<Upstream> {
  let current = handler;
  const requests: ReceivedRequest[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    requests.push(received);
    const reply = await current(received);
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? null);
    const type = typeof reply.body === 'string' ? 'text/plain' : 'application/json';
    res.writeHead(reply.status ?? 200, { 'content-type': type, ...reply.headers });
    res.end(text);
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    handle(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
