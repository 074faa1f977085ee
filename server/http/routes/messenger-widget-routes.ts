// GET /messenger/widget.js: the messenger widget script that customers' pages
// load with a script tag (built by `npm run build` from client/widget with
// vite.widget.config.ts). Any origin may load it; it holds no secret.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';

const WIDGET_DIST_FILE = fileURLToPath(new URL('../../../dist/widget/widget.js', import.meta.url));

// Not content-hashed (the URL is in customers' pages), so caches keep it for a
// few minutes and then revalidate with the ETag: a new build reaches pages soon.
const CACHE_CONTROL = 'public, max-age=300, must-revalidate';

export function messengerWidgetRoutes(options: { widgetFile?: string } = {}): Router {
  const file = options.widgetFile ?? WIDGET_DIST_FILE;
  const router = Router();
  router.get('/widget.js', (_req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    // Pages with Cross-Origin-Embedder-Policy may only load it when it says so.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Checked per request, so `npm run build` while the server runs is enough.
    fs.stat(file, (error, stat) => {
      if (error || !stat.isFile()) {
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
      res.type('js');
      res.sendFile(file, { lastModified: true, etag: true, cacheControl: false }, (sendError?: Error) => {
        if (sendError && !res.headersSent) next(sendError);
      });
    });
  });
  return router;
}
