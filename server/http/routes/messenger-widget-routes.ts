// GET /messenger/widget.js: the messenger widget script that customers' pages
// load with a script tag (built by `npm run build` from client/widget with
// vite.widget.config.ts). Any origin may load it; it holds no secret.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Router } from 'express';

const WIDGET_DIST_FILE = fileURLToPath(new URL('../../../dist/widget/widget.js', import.meta.url));

// Not content-hashed (the URL is in customers' pages), so caches keep it for a
// few minutes and then revalidate with the ETag: a new build reaches pages soon.
const CACHE_CONTROL = 'public, max-age=300, must-revalidate';

export function messengerWidgetRoutes(options: { widgetFile?: string } = {}): Router {
  const file = options.widgetFile ?? WIDGET_DIST_FILE;
  const router = Router();
  // The gzipped bundle of the build on disk (about a third of its size), made once per build.
  let gzipped: { build: string; body: Buffer; etag: string } | null = null;
  router.get('/widget.js', async (req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    // Pages with Cross-Origin-Embedder-Policy may only load it when it says so.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Checked per request, so `npm run build` while the server runs is enough.
    const stat = await fs.promises.stat(file).catch(() => null);
    if (!stat?.isFile()) {
      res
        .status(503)
        .set('Cache-Control', 'no-store')
        .type('js')
        .send(
          `console.error(${JSON.stringify(
            'Patchbay: the messenger widget is not built on this server. Run `npm run build` (or `npm start`, which builds first); no restart is needed.',
          )});\n`,
        );
      return;
    }
    res.setHeader('Cache-Control', CACHE_CONTROL);
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('Last-Modified', stat.mtime.toUTCString());
    res.type('js');
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      const build = `${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}`;
      if (gzipped?.build !== build) gzipped = { build, body: gzipSync(await fs.promises.readFile(file)), etag: `W/"${build}-gzip"` };
      res.setHeader('ETag', gzipped.etag);
      if (req.fresh) {
        res.status(304).end();
        return;
      }
      res.setHeader('Content-Encoding', 'gzip');
      res.send(gzipped.body);
      return;
    }
    await new Promise<void>((resolve, reject) => res.sendFile(file, { lastModified: true, etag: true, cacheControl: false }, (error?: Error) => (error && !res.headersSent ? reject(error) : resolve())));
  });
  return router;
}
