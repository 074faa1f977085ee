import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GuardedAgent, type DnsLookup } from '../../../../server/connectors/http/guarded-agent.ts';
import { withIdempotencyKey } from '../../../../server/connectors/http/idempotency-key.ts';
import { parseResponseBody } from '../../../../server/connectors/http/parse-response-body.ts';
import { DEFAULT_RETRY_POLICY } from '../../../../server/connectors/http/retry-policy.ts';
import { SendError } from '../../../../server/connectors/http/send-error.ts';
import { sendRequest, type SendDeps, type SendRequestInput, type SendResult } from '../../../../server/connectors/http/send-request.ts';
import { parseTargetAllowList } from '../../../../server/connectors/http/target-allow-list.ts';

// Real node:http upstreams on 127.0.0.1, reached through the real guarded
// agent. Waits between retries go through a fake sleep that only advances the
// clock, so Retry-After values of seconds cost no real time.

interface Hit {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Upstream {
  port: number;
  url: (path: string) => string;
  hits: Hit[];
  hitsOn: (path: string) => Hit[];
  close: () => Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, hit: Hit, hitNumber: number) => void;

async function startUpstream(handler: Handler, host = '127.0.0.1', port = 0): Promise<Upstream> {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit: Hit = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      hits.push(hit);
      handler(req, res, hit, hits.filter((h) => h.path === hit.path).length);
    });
  });
  server.listen(port, host);
  await once(server, 'listening');
  const actualPort = (server.address() as net.AddressInfo).port;
  return {
    port: actualPort,
    url: (path) => `http://${host}:${actualPort}${path}`,
    hits,
    hitsOn: (path) => hits.filter((h) => h.path === path),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function fakeTime() {
  let offset = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => Date.now() + offset,
    sleep: async (ms: number) => {
      slept.push(ms);
      offset += ms;
    },
    random: () => 0.5,
  };
}

const fastRetries = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 20, maxDelayMs: 200, minAttemptMs: 100 };
const allowLoopback = parseTargetAllowList('127.0.0.1');

async function expectSendError(promise: Promise<SendResult>): Promise<SendError> {
  const outcome = await promise.then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a SendError, got status ${outcome.result.status}`);
  expect(outcome.error).toBeInstanceOf(SendError);
  return outcome.error as SendError;
}

describe('sendRequest against real upstreams', () => {
  let agent: GuardedAgent;
  let upstream: Upstream;
  let other: Upstream;
  let time: ReturnType<typeof fakeTime>;
  const deps = (): SendDeps => ({ agent, now: time.now, sleep: time.sleep, random: time.random, retryPolicy: fastRetries });
  const send = (input: Partial<SendRequestInput> & { url: string }) => sendRequest({ method: 'GET', ...input }, deps());

  beforeAll(async () => {
    agent = new GuardedAgent({ allowList: allowLoopback, lookup: async () => [] });
    upstream = await startUpstream((req, res, hit, n) => {
      const url = new URL(hit.path, 'http://x');
      const route = url.pathname;
      const failTimes = Number(url.searchParams.get('fail') ?? '0');
      const status = Number(url.searchParams.get('status') ?? '503');

      if (route === '/flaky') {
        if (n <= failTimes) {
          if (url.searchParams.has('retryAfter')) res.setHeader('retry-after', url.searchParams.get('retryAfter')!);
          if (url.searchParams.has('retryAfterDate')) {
            res.setHeader('retry-after', new Date(Date.now() + Number(url.searchParams.get('retryAfterDate'))).toUTCString());
          }
          res.writeHead(status, { 'content-type': 'text/plain' }).end(`failure ${n}`);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'sid=1', 'X-Request-Count': String(n) }).end(`{"attempt":${n}}`);
        return;
      }
      if (route === '/status') {
        res.writeHead(status, { 'content-type': 'application/json' }).end(`{"status":${status}}`);
        return;
      }
      if (route === '/reset') {
        if (n <= failTimes) {
          if (url.searchParams.get('how') === 'close') req.socket.destroy();
          else req.socket.resetAndDestroy();
          return;
        }
        res.writeHead(200).end('recovered');
        return;
      }
      if (route.startsWith('/hop/')) {
        const left = Number(route.slice('/hop/'.length));
        if (left === 0) res.writeHead(200, { 'content-type': 'text/plain' }).end('arrived');
        else res.writeHead(302, { location: `/hop/${left - 1}` }).end();
        return;
      }
      if (route === '/redirect') {
        res.writeHead(Number(url.searchParams.get('code') ?? '302'), { location: url.searchParams.get('to')! }).end('moved');
        return;
      }
      if (route === '/echo') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: hit.method, body: hit.body }));
        return;
      }
      if (route === '/xml') {
        res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' });
        res.end('<?xml version="1.0"?><order id="7"><total>19.90</total><item>a</item><item>b</item></order>');
        return;
      }
      if (route === '/bad-json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": 7, "name": ');
        return;
      }
      if (route === '/gzip') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(JSON.stringify({ zipped: true })));
        return;
      }
      res.writeHead(404).end('no route');
    });
    other = await startUpstream((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('other origin'));
  });

  afterAll(async () => {
    await agent.close();
    await upstream.close();
    await other.close();
  });

  beforeEach(() => {
    time = fakeTime();
    upstream.hits.length = 0;
    other.hits.length = 0;
  });

  describe('retries', () => {
    it.each([429, 500, 502, 503, 504])('retries %d with full-jitter backoff, then succeeds', async (status) => {
      const result = await send({ url: upstream.url(`/flaky?fail=2&status=${status}&s=${status}`) });
      expect(result.status).toBe(200);
      expect(result.bodyText).toBe('{"attempt":3}');
      expect(result.attempts.map((a) => a.status)).toEqual([status, status, 200]);
      // random 0.5 of ceilings 20 and 40
      expect(time.slept).toEqual([10, 20]);
      expect(result.attempts.map((a) => a.delayBeforeMs)).toEqual([0, 10, 20]);
      expect(upstream.hits).toHaveLength(3);
    });

    it.each([400, 401, 404, 410, 422])('returns %d after a single attempt', async (status) => {
      const result = await send({ url: upstream.url(`/status?status=${status}`) });
      expect(result.status).toBe(status);
      expect(JSON.parse(result.bodyText)).toEqual({ status });
      expect(result.attempts).toHaveLength(1);
      expect(upstream.hits).toHaveLength(1);
      expect(time.slept).toEqual([]);
    });

    it('stops after 4 attempts and returns the last response', async () => {
      const result = await send({ url: upstream.url('/flaky?fail=99&status=503') });
      expect(result.status).toBe(503);
      expect(result.bodyText).toBe('failure 4');
      expect(result.attempts).toHaveLength(4);
      expect(upstream.hits).toHaveLength(4);
    });

    it('honours Retry-After in seconds', async () => {
      const result = await send({ url: upstream.url('/flaky?fail=1&status=429&retryAfter=3') });
      expect(result.status).toBe(200);
      expect(time.slept).toEqual([3000]);
      expect(result.attempts[1]?.delayBeforeMs).toBe(3000);
    });

    it('honours Retry-After as an HTTP date', async () => {
      const result = await send({ url: upstream.url('/flaky?fail=1&status=503&retryAfterDate=4000') });
      expect(result.status).toBe(200);
      expect(time.slept).toHaveLength(1);
      // the date has one-second resolution
      expect(time.slept[0]).toBeGreaterThan(2500);
      expect(time.slept[0]).toBeLessThanOrEqual(4000);
    });

    it('does not wait for a Retry-After beyond the budget and returns that response', async () => {
      const result = await send({ url: upstream.url('/flaky?fail=1&status=429&retryAfter=60'), budgetMs: 5000 });
      expect(result.status).toBe(429);
      expect(result.bodyText).toBe('failure 1');
      expect(result.attempts).toHaveLength(1);
      expect(time.slept).toEqual([]);
      expect(upstream.hits).toHaveLength(1);
    });

    it.each([
      ['a TCP reset', 'reset', /ECONNRESET/],
      ['a socket closed before the response', 'close', /other side closed/],
    ])('retries after %s', async (_what, how, message) => {
      const result = await send({ url: upstream.url(`/reset?fail=1&how=${how}`) });
      expect(result.status).toBe(200);
      expect(result.bodyText).toBe('recovered');
      expect(result.attempts[0]?.error).toMatch(message);
      expect(result.attempts[1]?.status).toBe(200);
      expect(upstream.hits).toHaveLength(2);
    });

    it('does not retry a POST without an Idempotency-Key, on a status or on a reset', async () => {
      const result = await send({ method: 'POST', url: upstream.url('/flaky?fail=1&status=503'), body: '{"a":1}' });
      expect(result.status).toBe(503);
      expect(upstream.hits).toHaveLength(1);

      const error = await expectSendError(send({ method: 'POST', url: upstream.url('/reset?fail=1'), body: '{"a":1}' }));
      expect(error.errorType).toBe('faraday_error');
      expect(error.message).toMatch(/ECONNRESET/);
      expect(error.attempts).toHaveLength(1);
      expect(upstream.hitsOn('/reset?fail=1')).toHaveLength(1);
    });

    it('retries a POST with an Idempotency-Key, sending the same key and body every time', async () => {
      let minted = 0;
      const headers = withIdempotencyKey({ 'content-type': 'application/json' }, () => `key-${++minted}`);
      const result = await send({ method: 'POST', url: upstream.url('/flaky?fail=2&status=502'), headers, body: '{"order":1}' });
      expect(result.status).toBe(200);
      expect(upstream.hits).toHaveLength(3);
      expect(upstream.hits.map((h) => h.headers['idempotency-key'])).toEqual(['key-1', 'key-1', 'key-1']);
      expect(upstream.hits.map((h) => h.body)).toEqual(['{"order":1}', '{"order":1}', '{"order":1}']);
      expect(minted).toBe(1);
    });

    it('retries a refused connection, even for a POST, because nothing was sent', async () => {
      const probe = await startUpstream(() => {});
      const port = probe.port;
      await probe.close();
      let revived: Upstream | undefined;
      const sleep = async (ms: number) => {
        await time.sleep(ms);
        revived ??= await startUpstream((_req, res) => res.writeHead(201).end('created'), '127.0.0.1', port);
      };
      try {
        const result = await sendRequest(
          { method: 'POST', url: `http://127.0.0.1:${port}/orders`, body: 'x' },
          { ...deps(), sleep },
        );
        expect(result.status).toBe(201);
        expect(result.attempts[0]?.error).toMatch(/ECONNREFUSED/);
        expect(revived?.hits).toHaveLength(1);
      } finally {
        await revived?.close();
      }
    });
  });

  describe('results and parsing', () => {
    it('returns lower-case headers without set-cookie, the final URL and timings', async () => {
      const result = await send({ url: upstream.url('/flaky?fail=0') });
      expect(result.headers['content-type']).toBe('application/json');
      expect(result.headers['x-request-count']).toBe('1');
      expect(result.headers).not.toHaveProperty('set-cookie');
      expect(result.finalUrl).toBe(upstream.url('/flaky?fail=0'));
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
      expect(result.attempts).toEqual([{ status: 200, durationMs: expect.any(Number), delayBeforeMs: 0 }]);
    });

    it('converts an XML response to JSON', async () => {
      const result = await send({ url: upstream.url('/xml') });
      expect(parseResponseBody(result.bodyText, result.headers['content-type'])).toEqual({
        format: 'xml',
        data: { order: { '@_id': 7, total: 19.9, item: ['a', 'b'] } },
      });
    });

    it('reports invalid JSON as a response_mapping_error', async () => {
      const result = await send({ url: upstream.url('/bad-json') });
      expect(result.status).toBe(200);
      let thrown: unknown;
      try {
        parseResponseBody(result.bodyText, result.headers['content-type']);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SendError);
      expect((thrown as SendError).errorType).toBe('response_mapping_error');
      expect((thrown as SendError).message).toMatch(/^invalid JSON: /);
    });

    it('decompresses a gzip body', async () => {
      const result = await send({ url: upstream.url('/gzip') });
      expect(JSON.parse(result.bodyText)).toEqual({ zipped: true });
    });
  });

  describe('redirects', () => {
    it('follows a 3-hop chain', async () => {
      const result = await send({ url: upstream.url('/hop/3') });
      expect(result.status).toBe(200);
      expect(result.bodyText).toBe('arrived');
      expect(result.finalUrl).toBe(upstream.url('/hop/0'));
      expect(upstream.hits.map((h) => h.path)).toEqual(['/hop/3', '/hop/2', '/hop/1', '/hop/0']);
      expect(result.attempts).toHaveLength(1);
    });

    it('follows 5 redirects but refuses a 6th', async () => {
      expect((await send({ url: upstream.url('/hop/5') })).status).toBe(200);
      upstream.hits.length = 0;
      const error = await expectSendError(send({ url: upstream.url('/hop/6') }));
      expect(error.errorType).toBe('faraday_error');
      expect(error.message).toBe('too many redirects (more than 5) starting at 127.0.0.1');
      expect(upstream.hits.map((h) => h.path)).toEqual(['/hop/6', '/hop/5', '/hop/4', '/hop/3', '/hop/2', '/hop/1']);
    });

    it('turns a POST into a GET without body on 303, and keeps both on 307', async () => {
      const see = await send({ method: 'POST', url: upstream.url('/redirect?code=303&to=/echo'), body: 'payload', headers: { 'content-type': 'text/plain' } });
      expect(JSON.parse(see.bodyText)).toEqual({ method: 'GET', body: '' });
      expect(upstream.hitsOn('/echo')[0]?.headers['content-type']).toBeUndefined();
      const temporary = await send({ method: 'POST', url: upstream.url('/redirect?code=307&to=/echo'), body: 'payload' });
      expect(JSON.parse(temporary.bodyText)).toEqual({ method: 'POST', body: 'payload' });
    });

    it('drops credentials when a redirect changes origin, and keeps them on the same origin', async () => {
      const target = encodeURIComponent(`/redirect?code=307&to=${encodeURIComponent(other.url('/landing'))}`);
      const result = await send({
        url: upstream.url(`/redirect?to=${target}`),
        headers: { Authorization: 'Bearer top-secret', Cookie: 'session=1', 'X-Api-Key': 'k-123', 'X-Trace': 'trace-1' },
        credentialHeaders: ['X-Api-Key'],
      });
      expect(result.status).toBe(200);
      expect(result.bodyText).toBe('other origin');
      const sameOrigin = upstream.hits[1]!;
      expect(sameOrigin.path).toMatch(/^\/redirect\?code=307/);
      expect(sameOrigin.headers.authorization).toBe('Bearer top-secret');
      expect(sameOrigin.headers['x-api-key']).toBe('k-123');
      const crossOrigin = other.hits[0]!;
      expect(crossOrigin.headers.authorization).toBeUndefined();
      expect(crossOrigin.headers.cookie).toBeUndefined();
      expect(crossOrigin.headers['x-api-key']).toBeUndefined();
      expect(crossOrigin.headers['x-trace']).toBe('trace-1');
    });
  });

  describe('timeouts and size', () => {
    let slow: Upstream;
    let closedEarly: Promise<{ bytesWritten: number; finished: boolean }>;
    const TOTAL = 64 * 1024 * 1024;

    beforeAll(async () => {
      slow = await startUpstream((req, res, hit) => {
        if (hit.path === '/no-headers') return; // never answers
        if (hit.path === '/trickle') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          const timer = setInterval(() => res.write('.'), 50);
          res.on('close', () => clearInterval(timer));
          return;
        }
        if (hit.path === '/huge' || hit.path === '/huge-declared') {
          const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/octet-stream' };
          if (hit.path === '/huge-declared') headers['content-length'] = TOTAL;
          res.writeHead(200, headers);
          const chunk = Buffer.alloc(64 * 1024, 97);
          let written = 0;
          closedEarly = new Promise((resolve) => res.on('close', () => resolve({ bytesWritten: written, finished: written >= TOTAL })));
          const pump = () => {
            while (written < TOTAL && !res.destroyed) {
              written += chunk.length;
              if (!res.write(chunk)) {
                res.once('drain', pump);
                return;
              }
            }
            if (written >= TOTAL) res.end();
          };
          pump();
          return;
        }
        if (hit.path === '/gzip-bomb') {
          res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
          res.end(gzipSync(Buffer.alloc(20 * 1024 * 1024, 0)));
          return;
        }
        res.writeHead(404).end();
      });
    });
    afterAll(() => slow.close());

    it('ends a request whose headers never come at the budget', async () => {
      const started = Date.now();
      const error = await expectSendError(send({ url: slow.url('/no-headers'), budgetMs: 300 }));
      const elapsed = Date.now() - started;
      expect(error.errorType).toBe('faraday_error');
      expect(error.message).toBe('no response within 300 ms');
      expect(error.attempts).toHaveLength(1);
      expect(elapsed).toBeGreaterThanOrEqual(280);
      expect(elapsed).toBeLessThan(2000);
    });

    it('ends a body that trickles in at the budget', async () => {
      const started = Date.now();
      const error = await expectSendError(send({ url: slow.url('/trickle'), budgetMs: 400 }));
      const elapsed = Date.now() - started;
      expect(error.errorType).toBe('faraday_error');
      expect(error.message).toBe('no response within 400 ms (the body was still arriving)');
      expect(elapsed).toBeGreaterThanOrEqual(380);
      expect(elapsed).toBeLessThan(2000);
    });

    it('stops when the caller cancels', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const error = await expectSendError(send({ url: slow.url('/no-headers'), signal: controller.signal }));
      expect(error.errorType).toBe('faraday_error');
      expect(error.message).toBe('the request was cancelled');
    });

    it.each(['/huge', '/huge-declared'])('aborts an oversized body (%s) and closes the connection early', async (path) => {
      const error = await expectSendError(send({ url: slow.url(path), maxResponseBytes: 100_000 }));
      expect(error.errorType).toBe('3rd_party_error');
      expect(error.message).toBe('response body exceeds 100000 bytes');
      const seen = await closedEarly;
      expect(seen.finished).toBe(false);
      // socket buffers hold a few MiB at most; the 64 MiB were never sent
      expect(seen.bytesWritten).toBeLessThan(16 * 1024 * 1024);
    });

    it('caps what a compressed body expands to', async () => {
      const error = await expectSendError(send({ url: slow.url('/gzip-bomb'), maxResponseBytes: 1024 * 1024 }));
      expect(error.errorType).toBe('3rd_party_error');
      expect(error.message).toBe('response body exceeds 1048576 bytes');
    });
  });
});

describe('SSRF guard at connect time', () => {
  let upstream: Upstream;
  beforeAll(async () => {
    upstream = await startUpstream((req, res, hit) => {
      const url = new URL(hit.path, 'http://x');
      if (url.pathname === '/redirect') res.writeHead(302, { location: url.searchParams.get('to')! }).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello ${req.headers.host}`);
    });
  });
  afterAll(() => upstream.close());
  afterEach(() => vi.restoreAllMocks());

  // Records every socket the process opens and refuses anything but loopback,
  // so a failing guard cannot reach the outside network from a test.
  function watchSockets() {
    const hosts: string[] = [];
    const realNet = net.connect.bind(net) as (...args: unknown[]) => net.Socket;
    const realTls = tls.connect.bind(tls) as (...args: unknown[]) => tls.TLSSocket;
    const guard = (real: (...args: unknown[]) => net.Socket) =>
      ((...args: unknown[]) => {
        const host = String((args[0] as { host?: string }).host);
        hosts.push(host);
        if (!host.startsWith('127.') && host !== '::1') throw new Error(`test refused a socket to ${host}`);
        return real(...args);
      }) as never;
    vi.spyOn(net, 'connect').mockImplementation(guard(realNet));
    vi.spyOn(tls, 'connect').mockImplementation(guard(realTls));
    return hosts;
  }

  const time = () => ({ now: () => Date.now(), sleep: async () => {}, random: () => 0.5 });

  it.each([
    ['http://10.0.0.1/', 'https is required for 10.0.0.1'],
    ['https://10.0.0.1/', 'blocked: 10.0.0.1 is a private address (set PATCHBAY_ALLOWED_PRIVATE_TARGETS to allow it)'],
    ['https://169.254.169.254/latest/meta-data/', 'blocked: 169.254.169.254 is a link-local address'],
    ['https://[::ffff:169.254.169.254]/', 'embeds 169.254.169.254, a link-local address'],
    ['https://metadata.test/', 'blocked: metadata.test resolves to 169.254.169.254, a link-local address'],
  ])('refuses a redirect to %s without connecting there', async (location, message) => {
    const lookup = vi.fn<DnsLookup>(async (name) => (name === 'metadata.test' ? [{ address: '169.254.169.254', family: 4 }] : []));
    const agent = new GuardedAgent({ allowList: allowLoopback, lookup });
    const hosts = watchSockets();
    try {
      const error = await expectSendError(
        sendRequest({ method: 'GET', url: upstream.url(`/redirect?to=${encodeURIComponent(location)}`), headers: { authorization: 'Bearer s3cr3t' } }, { agent, ...time() }),
      );
      expect(error.errorType).toBe('request_configuration_error');
      expect(error.message).toContain(message);
      expect(error.message).not.toContain('s3cr3t');
      expect(error.attempts).toHaveLength(1);
      // the first hop did connect (so the watch works), the blocked one did not
      expect(hosts).toEqual(['127.0.0.1']);
      expect(lookup.mock.calls.map(([name]) => name)).toEqual(location.includes('metadata.test') ? ['metadata.test'] : []);
    } finally {
      await agent.close();
    }
  });

  it('refuses a loopback address that is not on the allow-list, even with a server listening there', async () => {
    let connections = 0;
    const trap = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    trap.listen(0, '127.0.0.2');
    await once(trap, 'listening');
    const trapPort = (trap.address() as net.AddressInfo).port;
    const agent = new GuardedAgent({ allowList: allowLoopback });
    try {
      const error = await expectSendError(
        sendRequest({ method: 'GET', url: upstream.url(`/redirect?to=${encodeURIComponent(`https://127.0.0.2:${trapPort}/`)}`) }, { agent, ...time() }),
      );
      expect(error.message).toBe('blocked: 127.0.0.2 is a loopback address (set PATCHBAY_ALLOWED_PRIVATE_TARGETS to allow it)');
      expect(connections).toBe(0);
    } finally {
      await agent.close();
      trap.close();
    }
  });

  it('requires https for a name that is not allow-listed, blocks it as private, and allows it once listed', async () => {
    const lookup = vi.fn<DnsLookup>(async () => [{ address: '127.0.0.1', family: 4 }]);
    const unlisted = new GuardedAgent({ allowList: parseTargetAllowList(''), lookup });
    const listed = new GuardedAgent({ allowList: parseTargetAllowList('partner.test'), lookup });
    const url = `http://partner.test:${upstream.port}/hello`;
    try {
      const plain = await expectSendError(sendRequest({ method: 'GET', url }, { agent: unlisted, ...time() }));
      expect(plain.errorType).toBe('request_configuration_error');
      expect(plain.message).toBe('https is required for partner.test (add it to PATCHBAY_ALLOWED_PRIVATE_TARGETS to allow http)');
      expect(lookup).not.toHaveBeenCalled();

      const secure = await expectSendError(sendRequest({ method: 'GET', url: url.replace('http:', 'https:') }, { agent: unlisted, ...time() }));
      expect(secure.errorType).toBe('request_configuration_error');
      expect(secure.message).toBe(
        'blocked: partner.test resolves to 127.0.0.1, a loopback address (set PATCHBAY_ALLOWED_PRIVATE_TARGETS to allow it)',
      );

      const allowed = await sendRequest({ method: 'GET', url }, { agent: listed, ...time() });
      expect(allowed.status).toBe(200);
      expect(allowed.bodyText).toBe(`hello partner.test:${upstream.port}`);
      expect(lookup).toHaveBeenCalledWith('partner.test');
    } finally {
      await unlisted.close();
      await listed.close();
    }
  });

  it('refuses a name that resolves to both a public and a private address (DNS rebinding)', async () => {
    const agent = new GuardedAgent({
      allowList: parseTargetAllowList(''),
      lookup: async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.7', family: 4 },
      ],
    });
    const hosts = watchSockets();
    try {
      const error = await expectSendError(sendRequest({ method: 'GET', url: 'https://rebind.test/' }, { agent, ...time() }));
      expect(error.errorType).toBe('request_configuration_error');
      expect(error.message).toBe('blocked: rebind.test resolves to 10.0.0.7, a private address (set PATCHBAY_ALLOWED_PRIVATE_TARGETS to allow it)');
      expect(hosts).toEqual([]);
    } finally {
      await agent.close();
    }
  });

  it('ends at the budget when DNS never answers', async () => {
    const agent = new GuardedAgent({ allowList: parseTargetAllowList('stuck.test'), lookup: () => new Promise(() => {}) });
    const started = Date.now();
    try {
      const error = await expectSendError(sendRequest({ method: 'GET', url: 'http://stuck.test/', budgetMs: 300 }, { agent, ...time() }));
      expect(error.errorType).toBe('faraday_error');
      expect(error.message).toBe('no response within 300 ms');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await agent.destroy();
    }
  });

  it('moves on to the next vetted address when one refuses the connection', async () => {
    // the upstream listens on 127.0.0.1 only, so the same port on 127.0.0.3 refuses
    const agent = new GuardedAgent({
      allowList: parseTargetAllowList('multi.test'),
      lookup: async () => [
        { address: '127.0.0.3', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
    });
    const hosts = watchSockets();
    try {
      const result = await sendRequest({ method: 'GET', url: `http://multi.test:${upstream.port}/x` }, { agent, ...time() });
      expect(result.status).toBe(200);
      expect(hosts).toEqual(['127.0.0.3', '127.0.0.1']);
      expect(result.attempts).toHaveLength(1);
    } finally {
      await agent.close();
    }
  });

  it('reports DNS failures as transport errors without retrying', async () => {
    const lookup = vi.fn<DnsLookup>(async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
    });
    const agent = new GuardedAgent({ allowList: parseTargetAllowList('nowhere.test'), lookup });
    try {
      const error = await expectSendError(sendRequest({ method: 'GET', url: 'http://nowhere.test/' }, { agent, ...time() }));
      expect(error.errorType).toBe('faraday_error');
      expect(error.message).toContain('ENOTFOUND');
      expect(lookup).toHaveBeenCalledTimes(1);
    } finally {
      await agent.close();
    }
  });
});
