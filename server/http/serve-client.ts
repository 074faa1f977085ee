import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';

// Paths the server answers itself; the client fallback must never shadow them.
// Case-insensitive because Express routing is.
const SERVER_PATHS = /^\/(api|socket\.io|healthz|demo-api)(\/|$)/i;

// Vite puts every hashed (content-addressed) file under assets/, so those can be
// cached forever; everything else, index.html above all, must be revalidated so
// a new build is picked up on the next load.
const IMMUTABLE = 'public, max-age=31536000, immutable';

// Serves the built React client from distDir, with index.html as the answer to
// any page URL (client-side routing).
export function serveClient(app: Express, distDir: string): void {
  const root = path.resolve(distDir);
  const indexFile = path.join(root, 'index.html');

  app.use(
    express.static(root, {
      index: false, // "/" goes through the fallback below, like every other page URL
      setHeaders(res, filePath) {
        const [top] = path.relative(root, filePath).split(path.sep);
        res.setHeader('Cache-Control', top === 'assets' ? IMMUTABLE : 'no-cache');
      },
    }),
  );
  app.use(spaFallback(indexFile));
}

function spaFallback(indexFile: string): RequestHandler {
  return (req, res, next) => {
    if (!isPageRequest(req)) return next();
    // Checked per request so that `npm run build` while the server runs is enough.
    fs.stat(indexFile, (error, stat) => {
      if (error || !stat.isFile()) return sendNotBuilt(res);
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(indexFile, (sendError?: Error) => {
        if (sendError && !res.headersSent) next(sendError);
      });
    });
  };
}

// A browser navigation: GET/HEAD, wants HTML, not a server path, not a file
// (a missing /assets/x.js or /favicon.ico should be a 404, not the app).
function isPageRequest(req: express.Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (SERVER_PATHS.test(req.path)) return false;
  if (/^\/assets(\/|$)/i.test(req.path)) return false;
  const lastSegment = req.path.slice(req.path.lastIndexOf('/') + 1);
  if (lastSegment.includes('.')) return false;
  return req.accepts('html') === 'html';
}

function sendNotBuilt(res: express.Response) {
  res
    .status(503)
    .set('Cache-Control', 'no-store')
    .type('html')
    .send(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Patchbay: client not built</title></head>' +
        '<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5">' +
        '<h1>The Patchbay web client is not built</h1>' +
        '<p>The API is running, but there is no built client to serve. Run <code>npm run build</code> ' +
        '(or <code>npm start</code>, which builds first) and reload this page; no restart is needed.</p>' +
        '<p>During development, use <code>npm run dev</code> and open the Vite URL it prints instead.</p>' +
        '</body></html>',
    );
}
