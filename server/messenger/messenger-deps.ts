import type { FetchImplementation } from 'jose';
import type { GuardedAgent } from '../connectors/http/guarded-agent.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { MessengerAuthTokenStore } from './messenger-auth-tokens.ts';

// What the messenger's identity code needs. AppDeps satisfies it, so routes pass
// their deps straight through; tests can pass a smaller object.
export interface MessengerDeps {
  db: Db;
  secrets: SecretBox;
  logger: Logger;
  // Read on every call, so a test can move the clock of a running server.
  now?: (() => Date) | undefined;
  // JWKS documents are fetched through the SSRF-guarded agent, like connectors.
  http?: { agent: GuardedAgent } | undefined;
  // Replaces the guarded fetch of JWKS documents (unit tests).
  jwksFetch?: FetchImplementation | undefined;
  // Where boot keeps a session's auth_tokens (in memory); one per process by default.
  messengerAuthTokens?: MessengerAuthTokenStore | undefined;
}

export const clockOf = (deps: Pick<MessengerDeps, 'now'>): Date => deps.now?.() ?? new Date();
