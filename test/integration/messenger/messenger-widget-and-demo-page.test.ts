// GET /messenger/widget.js (the built widget, loadable from any origin, cached
// briefly and revalidated) and GET /demo (the demo host page, whose identity
// JWT is signed on the server and accepted by POST /messenger/boot).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messengerWidgetRoutes } from '../../../server/http/routes/messenger-widget-routes.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

async function serve(app: express.Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// A plain conditional GET: fetch() turns a request with If-None-Match into an
// uncached one (the fetch standard's cache mode), which hides the server's 304.
const rawGet = (url: string, headers: Record<string, string>) =>
  new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
// As a browser revalidates: with the Accept-Encoding it fetched with (fetch() asks for gzip).
const conditionalGet = async (url: string, etag: string) => {
  const response = await rawGet(url, { 'If-None-Match': etag, 'Accept-Encoding': 'gzip' });
  const body = response.headers['content-encoding'] === 'gzip' ? gunzipSync(response.body) : response.body;
  return { status: response.status, body: body.toString() };
};

describe('GET /messenger/widget.js', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-widget-'));
  const file = path.join(dir, 'widget.js');
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    const app = express();
    app.use('/messenger', messengerWidgetRoutes({ widgetFile: file }));
    server = await serve(app);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with a script that explains how to build it while the bundle is missing', async () => {
    const response = await fetch(`${server.url}/messenger/widget.js`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toContain('Run `npm run build`');
  });

  it('serves the built bundle to any origin, cached for minutes and revalidated with its ETag', async () => {
    fs.writeFileSync(file, '(function(){window.__widget=1})();\n');
    const response = await fetch(`${server.url}/messenger/widget.js`, { headers: { Origin: 'https://shop.example' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('(function(){window.__widget=1})();\n');
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300, must-revalidate');
    const etag = response.headers.get('etag');
    expect(etag).toBeTruthy();
    expect((await conditionalGet(`${server.url}/messenger/widget.js`, etag!)).status).toBe(304);

    // A rebuild while the server runs is picked up without a restart.
    fs.writeFileSync(file, '(function(){window.__widget=22})();\n');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    const rebuilt = await conditionalGet(`${server.url}/messenger/widget.js`, etag!);
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body).toContain('__widget=22');
  });

  it('sends it gzipped to browsers that accept gzip, with its own ETag, and plain to the others', async () => {
    const source = `(function(){${'window.__widget = "a fairly repetitive bundle";'.repeat(200)}})();\n`;
    fs.writeFileSync(file, source);
    const url = `${server.url}/messenger/widget.js`;
    const zipped = await rawGet(url, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toContain('Accept-Encoding');
    expect(zipped.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(gunzipSync(zipped.body).toString()).toBe(source);
    expect(zipped.body.length).toBeLessThan(source.length / 5);
    const etag = zipped.headers.etag!;
    expect((await rawGet(url, { 'Accept-Encoding': 'gzip', 'If-None-Match': etag })).status).toBe(304);

    const plain = await rawGet(url, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(source);
    expect(plain.headers.etag).not.toBe(etag);
  });
});

describe('GET /demo', () => {
  let app: TestApp;
  let plain: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ demoApi: true });
    plain = await startTestApp();
    await app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'user', externalId: 'u_1001', name: 'Maria Gomez', email: 'maria@example.com' } });
    await app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'user', externalId: 'u_1003', name: 'Jon Okafor', email: 'jon@example.org' } });
  });
  afterAll(async () => {
    await app?.close();
    await plain?.close();
  });

  const bootOf = (html: string) => JSON.parse(/Patchbay\('boot', (\{.*?\})\);/.exec(html)![1]!) as Record<string, string>;

  it('gives a signed-in demo customer a JWT the messenger accepts, and never the secret', async () => {
    const response = await fetch(`${app.baseUrl}/demo?as=maria`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).toContain('<script src="/messenger/widget.js" async></script>');
    const boot = bootOf(html);
    expect(boot).toEqual({ workspace_id: String(app.workspaceId), user_jwt: expect.stringMatching(/^eyJ/) });

    // The page made the workspace a messenger secret; neither it nor its ciphertext is in the page.
    const workspace = await app.db.workspace.findUniqueOrThrow({ where: { id: app.workspaceId } });
    const secret = app.secrets.decrypt(workspace.messengerSecretEncrypted!);
    expect(html).not.toContain(secret);
    expect(html).not.toContain(workspace.messengerSecretEncrypted!);

    const booted = await fetch(`${app.baseUrl}/messenger/boot`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(boot) });
    expect(booted.status).toBe(200);
    const session = (await booted.json()) as { identity_verified: boolean; contact: { user_id: string; email: string } };
    expect(session.identity_verified).toBe(true);
    expect(session.contact).toMatchObject({ user_id: 'u_1001', email: 'maria@example.com' });

    // A second visit signs with the same secret: it is created once.
    await fetch(`${app.baseUrl}/demo?as=maria`);
    const after = await app.db.workspace.findUniqueOrThrow({ where: { id: app.workspaceId } });
    expect(after.messengerSecretEncrypted).toBe(workspace.messengerSecretEncrypted);
  });

  it('boots the unverified customer with a claimed user_id and email, the visitor with nothing, and offers only customers that exist', async () => {
    const jon = bootOf(await (await fetch(`${app.baseUrl}/demo?as=jon`)).text());
    expect(jon).toEqual({ workspace_id: String(app.workspaceId), user_id: 'u_1003', email: 'jon@example.org' });
    const visitorHtml = await (await fetch(`${app.baseUrl}/demo?as=visitor`)).text();
    expect(bootOf(visitorHtml)).toEqual({ workspace_id: String(app.workspaceId) });
    // Li (u_1002) is not in this workspace: not offered, and asking for her shows the visitor.
    expect(visitorHtml).not.toContain('data-persona="li"');
    expect(bootOf(await (await fetch(`${app.baseUrl}/demo?as=li`)).text())).toEqual({ workspace_id: String(app.workspaceId) });
  });

  it('is not served without the demo', async () => {
    const response = await fetch(`${plain.baseUrl}/demo?as=maria`);
    expect(response.status).toBe(404);
  });
});
