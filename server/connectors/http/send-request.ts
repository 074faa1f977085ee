import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import type { GuardedAgent } from './guarded-agent.ts';
import { BlockedTargetError } from './guarded-agent.ts';
import { DEFAULT_MAX_RESPONSE_BYTES, readCappedBody, single } from './read-capped-body.ts';
import { MAX_REDIRECTS, REDIRECT_STATUSES, nextRedirectRequest, type HopRequest } from './redirect-rules.ts';
import { normaliseRequestHeaders, publicResponseHeaders } from './request-headers.ts';
import {
  DEFAULT_RETRY_POLICY,
  RETRYABLE_NETWORK_CODES,
  RETRYABLE_STATUSES,
  decideRetry,
  parseRetryAfter,
  type RetryPolicy,
  type RetryTrigger,
} from './retry-policy.ts';
import { SendError, type AttemptRecord } from './send-error.ts';
import { checkRequestUrl, parseRequestUrl } from './target-policy.ts';

export const MAX_BUDGET_MS = 15_000;

export type HttpMethod = 'GET' | 'HEAD' | 'OPTIONS' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const HTTP_METHODS: ReadonlySet<string> = new Set<HttpMethod>(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE']);

export interface SendRequestInput {
  method: HttpMethod;
  /** Absolute http(s) URL, already rendered. */
  url: string;
  headers?: Readonly<Record<string, string>>;
  body?: string | Uint8Array;
  /** Whole execution, retries and waits included; at most (and by default) 15 000. */
  budgetMs?: number;
  /** Decoded response body cap; default 1 MiB. */
  maxResponseBytes?: number;
  /** Auth-token header names to drop, like Authorization and Cookie, when a redirect changes origin. */
  credentialHeaders?: readonly string[];
  /** Cancels the execution (e.g. shutdown); reported as faraday_error. */
  signal?: AbortSignal;
}

/** The last HTTP response, whatever its status: non-2xx is the caller's to judge. */
export interface SendResult {
  status: number;
  /** Lower-case names, repeated headers joined with ", ", set-cookie removed. */
  headers: Record<string, string>;
  bodyText: string;
  /** URL of the response, after redirects. */
  finalUrl: string;
  attempts: AttemptRecord[];
  durationMs: number;
}

export interface SendDeps {
  agent: GuardedAgent;
  /** Wall clock in ms (Retry-After dates are compared with it). */
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  retryPolicy?: RetryPolicy;
}

export const systemSendTime: Pick<SendDeps, 'now' | 'sleep' | 'random'> = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined),
  random: Math.random,
};

interface HopResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
  url: URL;
}

// The retry loop is written out rather than delegated to p-retry or cockatiel:
// a retry is decided per *response* (status, Retry-After against the remaining
// budget), running out of retries must hand back the last response rather than
// throw, waits go through the injected sleep/random/clock, and every attempt is
// recorded for the execution log. Wrapping a library for all of that took more
// code than the loop below. undici's RetryAgent is out for the same reasons and
// because redirects are followed by hand, with the target policy on every hop.

/**
 * Sends one connector request: SSRF-guarded at connect time on every hop,
 * redirects followed by hand (at most 5), retried within the budget, the body
 * read up to the cap. Resolves with the last HTTP response; rejects with a
 * SendError for anything that produced no usable response.
 */
export async function sendRequest(input: SendRequestInput, deps: SendDeps): Promise<SendResult> {
  const policy = deps.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const method = input.method.toUpperCase();
  if (!HTTP_METHODS.has(method)) throw new SendError('request_configuration_error', `unsupported HTTP method ${method}`);
  const budgetMs = Math.min(MAX_BUDGET_MS, Math.max(1, Math.floor(input.budgetMs ?? MAX_BUDGET_MS)));
  const maxBytes = input.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new SendError('request_configuration_error', 'maxResponseBytes must be a non-negative integer');
  }
  const startedAt = deps.now();
  const deadline = startedAt + budgetMs;
  const attempts: AttemptRecord[] = [];

  const url = parseRequestUrl(input.url);
  checkRequestUrl(url, deps.agent.allowList);
  const first: HopRequest = {
    url,
    method,
    headers: normaliseRequestHeaders(input.headers),
    body: input.body,
  };

  let delayBeforeMs = 0;
  for (;;) {
    const attemptStart = deps.now();
    const outcome = await attempt(first, input, deps, { deadline, budgetMs, maxBytes, policy, attemptsMade: attempts.length + 1 });
    const durationMs = deps.now() - attemptStart;
    if (outcome.kind === 'response') {
      attempts.push({ status: outcome.response.status, durationMs, delayBeforeMs });
      return { ...outcome.response, attempts, durationMs: deps.now() - startedAt };
    }
    if (outcome.kind === 'retry-status') {
      attempts.push({ status: outcome.status, durationMs, delayBeforeMs });
    } else {
      attempts.push({ error: outcome.error.message, durationMs, delayBeforeMs });
      if (outcome.kind === 'failure') throw outcome.error.withAttempts(attempts);
    }
    delayBeforeMs = outcome.delayMs;
    await wait(deps, outcome.delayMs, input.signal, attempts);
  }
}

type AttemptOutcome =
  | { kind: 'response'; response: Omit<SendResult, 'attempts' | 'durationMs'> }
  | { kind: 'retry-status'; status: number; delayMs: number }
  | { kind: 'retry-error'; error: SendError; delayMs: number }
  | { kind: 'failure'; error: SendError };

/** One try: follow the redirects, then either read the final body or say how long to wait before the next try. */
async function attempt(
  first: HopRequest,
  input: SendRequestInput,
  deps: SendDeps,
  context: { deadline: number; budgetMs: number; maxBytes: number; policy: RetryPolicy; attemptsMade: number },
): Promise<AttemptOutcome> {
  const ask = (trigger: RetryTrigger) =>
    decideRetry(
      { trigger, method: first.method, headers: first.headers, attemptsMade: context.attemptsMade, remainingMs: context.deadline - deps.now() },
      context.policy,
      deps.random,
    );
  let phase: 'headers' | 'body' = 'headers';
  try {
    const response = await followRedirects(first, input, deps, context.deadline);
    if (RETRYABLE_STATUSES.has(response.status)) {
      const retryAfterMs = parseRetryAfter(single(response.headers['retry-after']), deps.now());
      const decision = ask({ kind: 'status', status: response.status, retryAfterMs });
      if (decision.retry) {
        await discard(response.body);
        return { kind: 'retry-status', status: response.status, delayMs: decision.delayMs };
      }
    }
    phase = 'body';
    const bodyText = await readCappedBody(response.body, response.headers, context.maxBytes);
    return {
      kind: 'response',
      response: { status: response.status, headers: publicResponseHeaders(response.headers), bodyText, finalUrl: response.url.href },
    };
  } catch (caught) {
    const error = toSendError(caught, { phase, budgetMs: context.budgetMs, cancelled: input.signal?.aborted === true });
    if (error.errorType !== 'faraday_error' || input.signal?.aborted) return { kind: 'failure', error };
    const decision = ask({ kind: 'network', code: retryableCode(caught) });
    return decision.retry ? { kind: 'retry-error', error, delayMs: decision.delayMs } : { kind: 'failure', error };
  }
}

async function wait(deps: SendDeps, ms: number, signal: AbortSignal | undefined, attempts: AttemptRecord[]): Promise<void> {
  try {
    await deps.sleep(ms, signal);
  } catch (error) {
    throw new SendError('faraday_error', 'the request was cancelled', { attempts, cause: error });
  }
}

async function followRedirects(first: HopRequest, input: SendRequestInput, deps: SendDeps, deadline: number): Promise<HopResponse> {
  let hop = first;
  for (let redirects = 0; ; redirects++) {
    checkRequestUrl(hop.url, deps.agent.allowList);
    const remainingMs = deadline - deps.now();
    if (remainingMs <= 0) throw new DOMException('budget exhausted', 'TimeoutError');
    const deadlineSignal = AbortSignal.timeout(remainingMs);
    const signal = input.signal ? AbortSignal.any([deadlineSignal, input.signal]) : deadlineSignal;

    const response = await requestWithin(deps.agent, {
      origin: hop.url.origin,
      path: `${hop.url.pathname}${hop.url.search}`,
      method: hop.method as HttpMethod,
      headers: hop.headers,
      body: hop.body ?? null,
      signal,
    });
    const location = single(response.headers.location);
    if (!REDIRECT_STATUSES.has(response.statusCode) || location === undefined || location === '') {
      return { status: response.statusCode, headers: response.headers, body: response.body, url: hop.url };
    }
    await discard(response.body);
    if (redirects >= MAX_REDIRECTS) {
      throw new SendError('faraday_error', `too many redirects (more than ${MAX_REDIRECTS}) starting at ${first.url.hostname}`);
    }
    hop = nextRedirectRequest(hop, response.statusCode, location, input.credentialHeaders ?? []);
  }
}

/**
 * agent.request, but settled the moment the signal aborts. undici only acts on
 * an abort once a connection has been handed to the request, so a DNS answer
 * or a connect that hangs would otherwise outlive the budget.
 */
function requestWithin(agent: GuardedAgent, options: Dispatcher.RequestOptions & { signal: AbortSignal }): Promise<Dispatcher.ResponseData> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    agent.request(options).then(
      (response) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) response.body.destroy();
        else resolve(response);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Drains a small unused body so the connection can be reused; gives up (and closes it) past 64 KiB. */
async function discard(body: Readable & { dump?: (opts?: { limit: number }) => Promise<void> }): Promise<void> {
  try {
    if (body.dump) await body.dump({ limit: 64 * 1024 });
    else body.destroy();
  } catch {
    body.destroy();
  }
}

function errorChain(error: unknown): Array<Error & { code?: unknown }> {
  const chain: Array<Error & { code?: unknown }> = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 5) {
    chain.push(current);
    current = current.cause;
  }
  return chain;
}

function retryableCode(error: unknown): string | undefined {
  const codes = errorChain(error).map((e) => (typeof e.code === 'string' ? e.code : undefined));
  return codes.find((c) => c !== undefined && RETRYABLE_NETWORK_CODES.has(c)) ?? codes.find((c) => c !== undefined);
}

function toSendError(error: unknown, context: { phase: 'headers' | 'body'; budgetMs: number; cancelled: boolean }): SendError {
  if (error instanceof SendError) return error;
  const chain = errorChain(error);
  const blocked = chain.find((e) => e instanceof BlockedTargetError);
  if (blocked) return new SendError('request_configuration_error', blocked.message);
  if (context.cancelled) return new SendError('faraday_error', 'the request was cancelled', { cause: error });
  const timedOut = chain.some(
    (e) => e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT' || e.code === 'UND_ERR_ABORTED',
  );
  if (timedOut) {
    const suffix = context.phase === 'body' ? ' (the body was still arriving)' : '';
    return new SendError('faraday_error', `no response within ${context.budgetMs} ms${suffix}`, { cause: error });
  }
  const invalidArgument = chain.find((e) => e.code === 'UND_ERR_INVALID_ARG');
  if (invalidArgument) return new SendError('request_configuration_error', `invalid request: ${invalidArgument.message}`);
  const top = chain[0];
  if (!top) return new SendError('faraday_error', String(error));
  const code = typeof top.code === 'string' ? top.code : undefined;
  const message = code && !top.message.includes(code) ? `${top.message} (${code})` : top.message;
  return new SendError('faraday_error', message, { cause: error });
}
