import type { Db } from '../../db/client.ts';
import type { Logger } from '../../logger.ts';
import type { MessengerAuthTokenStore } from '../../messenger/messenger-auth-tokens.ts';
import type { RealtimeBus } from '../../realtime/realtime-events.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { GuardedAgent } from '../http/guarded-agent.ts';
import type { SendDeps } from '../http/send-request.ts';
import type { ClientFunctionCaller } from './client-side-function.ts';

// Runs a Python code block in the sandbox (server/sandbox/); `error` reads
// like "ZeroDivisionError: division by zero (line 3)". Without a runner,
// code-block connectors fail with a clear message.
export type CodeBlockRunner = (
  code: string,
  inputs: { data: unknown },
) => Promise<{ ok: true; result: unknown; debugOutput: string } | { ok: false; error: string; debugOutput: string }>;

export interface PipelineDeps {
  db: Db;
  secrets: SecretBox;
  logger: Logger;
  bus: RealtimeBus;
  // The SSRF-guarded HTTP agent plus clock, sleep and randomness for retries.
  http: SendDeps;
  now?: () => Date;
  runCodeBlock?: CodeBlockRunner;
  // The messenger sessions' auth tokens (in memory); one per process by default.
  messengerAuthTokens?: MessengerAuthTokenStore | undefined;
  // Calls host page functions in a customer's messenger (client-side
  // connectors); the realtime server implements it. Without it they fail.
  clientFunctions?: ClientFunctionCaller | undefined;
}
