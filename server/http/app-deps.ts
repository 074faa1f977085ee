import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { SecretBox } from '../secrets/secret-box.ts';

export interface AppDeps {
  db: Db;
  secrets: SecretBox;
  logger: Logger;
  // Where the built client lives; undefined serves no client (API-only tests).
  clientDistDir?: string | undefined;
  // Serve the demo's fake billing API under /demo-api.
  demoApi?: boolean;
}
