// Client-side connectors (`execution_type: client_side`): instead of an HTTP
// request, the pipeline asks the customer's messenger to call a function the
// host page registered under the connector's client_function_name, and treats
// its result as the response (same shaping, mappings and logging). Only a run
// for a messenger session can do that: the function lives in that customer's
// browser.
import type { DataConnectorVersion } from '../../db/generated/sqlite/client.ts';
import { MAX_BUDGET_MS } from '../http/send-request.ts';
import type { AttributeWrites } from './map-attributes.ts';

// The messenger session an agent run serves (its hashed id, see
// server/messenger/messenger-sessions.ts): where `{{auth_tokens.*}}` and
// client-side functions come from. Server-side only.
export interface MessengerRunSession {
  id: string;
}

export interface ClientFunctionCall {
  name: string;
  inputs: Record<string, unknown>;
}

export type ClientFunctionOutcome = { ok: true; result: unknown } | { ok: false; message: string };

// Sends `messenger.client_function` to the sockets of one messenger session
// and waits at most `timeoutMs` for an answer (server/realtime/messenger-socket.ts).
export interface ClientFunctionCaller {
  callClientFunction(sessionId: string, call: ClientFunctionCall, timeoutMs: number): Promise<ClientFunctionOutcome>;
}

// The connector's client_function_timeout_ms, within the pipeline's own budget.
const DEFAULT_CLIENT_FUNCTION_TIMEOUT_MS = 10_000;
const MAX_CLIENT_FUNCTION_TIMEOUT_MS = MAX_BUDGET_MS;

export const clientFunctionTimeoutMs = (version: Pick<DataConnectorVersion, 'clientFunctionTimeoutMs'>) =>
  Math.min(MAX_CLIENT_FUNCTION_TIMEOUT_MS, version.clientFunctionTimeoutMs ?? DEFAULT_CLIENT_FUNCTION_TIMEOUT_MS);

const MAX_ERROR_LENGTH = 500;

/**
 * Reads the acks of the session's sockets (contract: `{ ok: true, result }` or
 * `{ ok: false, error }`): the first success wins, otherwise the first failure
 * says why. `timedOut`: the wait ended before every socket answered.
 */
export function readClientFunctionReplies(name: string, replies: unknown[], timedOut: boolean, timeoutMs: number): ClientFunctionOutcome {
  const valid = replies.map((reply) => readReply(name, reply));
  const success = valid.find((r) => r?.ok === true);
  if (success) return success;
  const failure = valid.find((r) => r?.ok === false);
  if (failure) return failure;
  if (replies.length > 0) return { ok: false, message: `the messenger answered the client-side function ${name} with an invalid reply (expected { ok: true, result } or { ok: false, error })` };
  if (timedOut) return { ok: false, message: `the client-side function ${name} did not answer within ${timeoutMs} ms` };
  return { ok: false, message: `no messenger of this customer's session is connected to run the client-side function ${name}` };
}

function readReply(name: string, reply: unknown): ClientFunctionOutcome | null {
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) return null;
  const { ok, result, error } = reply as { ok?: unknown; result?: unknown; error?: unknown };
  if (ok === true) return { ok: true, result: result ?? null };
  if (ok === false) {
    const text = typeof error === 'string' && error.trim() !== '' ? error.trim() : 'no reason given';
    return { ok: false, message: `the client-side function ${name} failed in the browser: ${text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text}` };
  }
  return null;
}

/**
 * A client-side function's result comes from the customer's browser, so the
 * customer can make it say anything: object mappings may not write protected
 * contact or conversation attributes from it (those only a verified identity
 * token or the admin API may set, and which other connectors may trust to
 * identify the customer). They are skipped and reported instead.
 */
export function dropProtectedWrites(writes: AttributeWrites, protectedNames: { contact: ReadonlySet<string>; conversation: ReadonlySet<string> }): string[] {
  const dropped: string[] = [];
  for (const target of ['contact', 'conversation'] as const) {
    for (const name of Object.keys(writes[target])) {
      if (!protectedNames[target].has(name)) continue;
      delete writes[target][name];
      writes.skipped.push({ path: name, reason: `a protected ${target} attribute cannot be set from a client-side result` });
      dropped.push(target === 'contact' ? name : `conversation.${name}`);
    }
  }
  return dropped;
}
