// Per-user tokens the host page hands over when it boots the messenger
// (`auth_tokens: { name: value }`), for connectors that call the host's API as
// that user with `{{auth_tokens.name}}`.
//
// They are credentials of the host's users, so they are kept only in this
// process's memory, keyed by the messenger session's id (the hash of its
// token), and go when the session expires or is revoked. They are never
// written to the database, logged or sent back to anyone.
//
// With several Patchbay processes, a token lives in the process that handled
// the boot: an agent run in another process finds it missing and the run
// fails with request_validation_error naming the token. Good enough while the
// messenger's requests stick to one process; sharing them (for example in
// Redis, encrypted, with the session's expiry) is the way out when they do not.
import { z } from 'zod';
import { isPlainObject } from '../connectors/pipeline/own-json.ts';
import { AUTH_TOKEN_NAME } from '../connectors/template-variables.ts';

const MAX_AUTH_TOKEN_NAME_LENGTH = 64;
const MAX_AUTH_TOKENS = 20;
const MAX_AUTH_TOKEN_BYTES = 4096;
// Control characters could never go into a header and are no part of a token.
const CONTROL = /[\u0000-\u001f\u007f]/;

const shown = (name: string) => JSON.stringify(name.length > MAX_AUTH_TOKEN_NAME_LENGTH ? `${name.slice(0, MAX_AUTH_TOKEN_NAME_LENGTH)}…` : name);

/**
 * `auth_tokens` of POST /messenger/boot. Errors name the token (never its
 * value) and the rule; the result is an object without a prototype.
 */
export const authTokensSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    if (!isPlainObject(value)) {
      ctx.addIssue({ code: 'custom', message: 'must be an object of token names to string values' });
      return;
    }
    const entries = Object.entries(value);
    if (entries.length > MAX_AUTH_TOKENS) ctx.addIssue({ code: 'custom', message: `must have at most ${MAX_AUTH_TOKENS} tokens (got ${entries.length})` });
    for (const [name, token] of entries) {
      if (!AUTH_TOKEN_NAME.test(name) || name.length > MAX_AUTH_TOKEN_NAME_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          message: `token name ${shown(name)} is not valid: use letters, digits, _ and -, starting with a letter or _, at most ${MAX_AUTH_TOKEN_NAME_LENGTH} characters`,
        });
        continue;
      }
      const problem =
        typeof token !== 'string' ? 'must be a string'
        : token === '' ? 'must not be empty'
        : Buffer.byteLength(token, 'utf8') > MAX_AUTH_TOKEN_BYTES ? `must be at most ${MAX_AUTH_TOKEN_BYTES} bytes (4 KiB)`
        : CONTROL.test(token) ? 'must not contain control characters (line breaks, tabs, NUL)'
        : null;
      if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
  })
  .transform((value) => Object.assign(Object.create(null) as Record<string, string>, Object.fromEntries(Object.entries(value as Record<string, string>))));

interface Entry {
  tokens: Readonly<Record<string, string>>;
  expiresAt: number;
  bytes: number;
}

const SWEEP_EVERY_MS = 60_000;
// What all sessions' tokens may take together. Boot is open to anyone, so
// without a bound a flood of boots (each up to the 64 KiB body limit) would
// grow the process for a whole session lifetime: past it, the oldest sessions'
// tokens go first (their runs then fail naming the missing token).
const DEFAULT_MAX_STORE_BYTES = 64 * 1024 * 1024;

const sizeOf = (tokens: Readonly<Record<string, string>>) => Object.entries(tokens).reduce((sum, [name, value]) => sum + name.length + value.length, 0);

/** The auth tokens of open messenger sessions, in memory. */
export class MessengerAuthTokenStore {
  readonly #entries = new Map<string, Entry>();
  readonly #maxBytes: number;
  #bytes = 0;
  #lastSweep = 0;

  constructor(options: { maxBytes?: number } = {}) {
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_STORE_BYTES;
  }

  /** Keeps a session's tokens until `expiresAt` (the session's own expiry). */
  set(sessionId: string, tokens: Readonly<Record<string, string>>, expiresAt: Date, now: Date): void {
    this.#sweep(now.getTime());
    this.delete(sessionId);
    if (Object.keys(tokens).length === 0) return;
    const entry = { tokens: Object.freeze({ ...tokens }), expiresAt: expiresAt.getTime(), bytes: sizeOf(tokens) };
    this.#entries.set(sessionId, entry);
    this.#bytes += entry.bytes;
    // Oldest first: a Map iterates in insertion order.
    for (const id of this.#entries.keys()) {
      if (this.#bytes <= this.#maxBytes) break;
      this.delete(id);
    }
  }

  /** The session's tokens, or undefined when it passed none or has expired. */
  get(sessionId: string, now: Date): Readonly<Record<string, string>> | undefined {
    const entry = this.#entries.get(sessionId);
    if (!entry) return undefined;
    if (entry.expiresAt <= now.getTime()) {
      this.delete(sessionId);
      return undefined;
    }
    return entry.tokens;
  }

  delete(sessionId: string): void {
    const entry = this.#entries.get(sessionId);
    if (!entry) return;
    this.#entries.delete(sessionId);
    this.#bytes -= entry.bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  // Sessions nobody asks about again are dropped here, at most once a minute.
  #sweep(now: number): void {
    if (now - this.#lastSweep < SWEEP_EVERY_MS) return;
    this.#lastSweep = now;
    for (const [id, entry] of this.#entries) if (entry.expiresAt <= now) this.delete(id);
  }
}

// One store per process, used unless the dependencies bring their own (tests),
// so the boot route and the agent's runs always meet in the same one.
const processStore = new MessengerAuthTokenStore();

export const authTokenStoreOf = (deps: { messengerAuthTokens?: MessengerAuthTokenStore | undefined }): MessengerAuthTokenStore => deps.messengerAuthTokens ?? processStore;
