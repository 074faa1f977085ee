import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveClient } from '../../../server/http/serve-client.ts';

const INDEX_HTML = '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/app-abc.js"></script></body></html>';
const APP_JS = 'console.log("patchbay client");';

interface Served {
  baseUrl: string;
  distDir: string;
  close(): Promise<void>;
}

async function serve(files: Record<string, string>): Promise<Served> {
  const distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-dist-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(distDir, name)), { recursive: true });
    fs.writeFileSync(path.join(distDir, name), content);
  }
  const app = express();
  serveClient(app, distDir);
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    distDir,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(distDir, { recursive: true, force: true });
    },
  };
}

// What a browser sends when the user opens a URL.
const navigation = { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('serveClient with a built client', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve({ 'index.html': INDEX_HTML, 'assets/app-abc.js': APP_JS, 'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>' });
  });
  afterAll(() => served.close());

  it('serves index.html at / without long-term caching', async () => {
    const res = await fetch(`${served.baseUrl}/`, { headers: navigation });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(INDEX_HTML);
  });

  it('serves index.html for a deep link, so client-side routes survive a reload', async () => {
    const res = await fetch(`${served.baseUrl}/settings/connectors`, { headers: navigation });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(INDEX_HTML);
  });

  it('answers HEAD for a deep link like GET, without a body', async () => {
    const res = await fetch(`${served.baseUrl}/inbox/42`, { method: 'HEAD', headers: navigation });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(INDEX_HTML));
  });

  it('serves /index.html itself with no-cache', async () => {
    const res = await fetch(`${served.baseUrl}/index.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves hashed assets as immutable JavaScript', async () => {
    const res = await fetch(`${served.baseUrl}/assets/app-abc.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(await res.text()).toBe(APP_JS);
  });

  it('does not mark unhashed files outside assets/ as immutable', async () => {
    const res = await fetch(`${served.baseUrl}/favicon.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it.each(['/assets/nope.js', '/assets/nope'])('answers a missing asset %s with 404, not with index.html', async (url) => {
    // Even a client that accepts HTML must not get the app for a missing script.
    const res = await fetch(`${served.baseUrl}${url}`, { headers: navigation });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('<div id="root">');
  });

  it('answers a missing file at the top level with 404', async () => {
    const res = await fetch(`${served.baseUrl}/robots.txt`, { headers: navigation });
    expect(res.status).toBe(404);
  });

  it.each(['/api/unknown', '/API/unknown', '/api', '/socket.io/?EIO=4&transport=polling', '/healthz', '/demo-api/orders'])(
    'leaves server path %s to the server (404 here, not index.html)',
    async (url) => {
      const res = await fetch(`${served.baseUrl}${url}`, { headers: navigation });
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('<div id="root">');
    },
  );

  it('does not answer a request that does not accept HTML', async () => {
    const res = await fetch(`${served.baseUrl}/settings/connectors`, { headers: { Accept: 'application/json' } });
    expect(res.status).toBe(404);
  });

  it('does not answer other methods', async () => {
    const res = await fetch(`${served.baseUrl}/settings/connectors`, { method: 'POST', headers: navigation });
    expect(res.status).toBe(404);
  });

  it('still serves a page whose path merely starts like a server path', async () => {
    const res = await fetch(`${served.baseUrl}/apis-overview`, { headers: navigation });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(INDEX_HTML);
  });
});

describe('serveClient before the client is built', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve({});
  });
  afterAll(() => served.close());

  it('explains that the client must be built, then serves it once built without a restart', async () => {
    const before = await fetch(`${served.baseUrl}/settings/connectors`, { headers: navigation });
    expect(before.status).toBe(503);
    expect(before.headers.get('content-type')).toMatch(/^text\/html/);
    expect(before.headers.get('cache-control')).toBe('no-store');
    const message = await before.text();
    expect(message).toContain('not built');
    expect(message).toContain('npm run build');

    const root = await fetch(`${served.baseUrl}/`, { headers: navigation });
    expect(root.status).toBe(503);

    fs.writeFileSync(path.join(served.distDir, 'index.html'), INDEX_HTML);
    const after = await fetch(`${served.baseUrl}/settings/connectors`, { headers: navigation });
    expect(after.status).toBe(200);
    expect(await after.text()).toBe(INDEX_HTML);
  });

  it('keeps server paths out of the not-built page', async () => {
    const res = await fetch(`${served.baseUrl}/api/unknown`, { headers: navigation });
    expect(res.status).toBe(404);
  });
});
