import type { PipelineDeps } from '../connectors/pipeline/pipeline-deps.ts';

// Everything the HTTP layer needs: the connector pipeline's dependencies (db,
// secrets, logger, realtime bus, guarded HTTP) plus what only the app serves.
export interface AppDeps extends PipelineDeps {
  // Where the built client lives; undefined serves no client (API-only tests).
  clientDistDir?: string | undefined;
  // Serve the demo's fake billing API under /demo-api.
  demoApi?: boolean;
}
