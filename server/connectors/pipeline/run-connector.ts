// The one function every caller uses to run a connector (see DESIGN.md):
// gate -> inputs -> request -> send -> shape -> map -> log -> outcome.
import type { DataConnectorVersion } from '../../db/generated/sqlite/client.ts';
import { loadAuthTokens, resolveAuthToken, TokenRefreshError, type ResolvedToken } from '../auth-tokens/resolve-auth-tokens.ts';
import { readDataInputs, readDecryptedHeaders, readObjectMappings, readResponseFields, readTokenIds } from '../connector-version.ts';
import type { ExecutionErrorType } from '../execution-result-view.ts';
import { withIdempotencyKey } from '../http/idempotency-key.ts';
import { parseResponseBody } from '../http/parse-response-body.ts';
import { SendError } from '../http/send-error.ts';
import { MAX_BUDGET_MS, sendRequest, type HttpMethod, type SendResult } from '../http/send-request.ts';
import { findPlaceholders } from '../template-variables.ts';
import { authTokenStoreOf } from '../../messenger/messenger-auth-tokens.ts';
import { clientFunctionTimeoutMs, dropProtectedWrites, type MessengerRunSession } from './client-side-function.ts';
import { coerceInputs, type InputError, type InputValue } from './coerce-inputs.ts';
import { checkConnectorGate } from './connector-gate.ts';
import { loadRunVersion } from './load-run-version.ts';
import { mapAttributes, type AttributeValue, type AttributeWrites } from './map-attributes.ts';
import type { PipelineDeps } from './pipeline-deps.ts';
import { redactLoggedBody, redactSecrets, redactUrl } from './redact.ts';
import { RenderError, renderRequest, type RenderedRequest } from './render-request.ts';
import { contextValue, loadRunContext, RunContextError, type RunContext, type RunContextRequest } from './run-context.ts';
import { shapeResponse } from './shape-response.ts';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../http/read-capped-body.ts';
import { writeExecutionResult } from './write-execution-result.ts';

// The reference's `source_type` values; test runs have none.
export const SOURCE_TYPES = ['custom_bot', 'inbound_custom_bot', 'button_custom_bot', 'answer', 'workflow', 'saved_reply', 'triggerable_custom_bot', 'inbox', 'fin'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export interface RunConnectorRequest extends RunContextRequest {
  connectorId: number;
  version: 'draft' | 'live';
  source: { type: SourceType | null; id: string | null };
  inputs?: Record<string, unknown>;
  // Use the connector's example response instead of calling the API (test panel).
  useExampleResponse?: boolean;
  // false for test runs: the outcome reports what the object mappings would
  // change, and nothing is written or published.
  writeAttributes?: boolean;
  // Who the customer proved to be (the messenger session): identityVerified
  // when it was booted with a valid identity JWT.
  customer?: { identityVerified: boolean } | undefined;
  // Refuse a missing required input even when the connector does not validate
  // missing attributes (the AI agent never runs a connector without them).
  validateMissing?: boolean | undefined;
  // The customer's messenger session the run serves (the AI agent in the
  // messenger): its auth tokens fill {{auth_tokens.*}} and its browser runs
  // client-side connectors. Other callers have none.
  session?: MessengerRunSession | undefined;
}

export interface RunOutcome {
  success: boolean;
  executionResultId: string | null;
  errorType: ExecutionErrorType | null;
  errorMessage: string | null;
  inputErrors: InputError[];
  httpStatus: number | null;
  // What the caller may use: the shaped response.
  data: unknown;
  // The parsed response before shaping (for the admin's test panel only).
  rawData: unknown;
  requestUrl: string | null;
  durationMs: number;
  attempts: number;
  calledApi: boolean;
  attributeChanges: { contact: Record<string, AttributeValue>; conversation: Record<string, AttributeValue> };
  debugOutput: string | null;
  // Restricted fields that could not be shaped as configured (test panel).
  warnings: string[];
  // Refused because the customer has not verified their identity, which an
  // emailed one-time code would fix (the AI agent offers one).
  otpAvailable: boolean;
}

class PipelineFailure extends Error {
  constructor(
    readonly errorType: ExecutionErrorType,
    message: string,
    readonly inputErrors: InputError[] = [],
    readonly otpAvailable = false,
  ) {
    super(message);
  }
}

interface Progress {
  rendered: RenderedRequest | null;
  response: SendResult | null;
  parsed: unknown;
  shaped: unknown;
  debugOutput: string | null;
  warnings: string[];
  writes: AttributeWrites | undefined;
  secrets: string[];
  calledApi: boolean;
  // What a client-side connector asked the customer's browser to run.
  clientCall: { function: string; inputs: Record<string, unknown> } | null;
}

export async function runConnector(deps: PipelineDeps, request: RunConnectorRequest): Promise<RunOutcome> {
  const started = performance.now();
  // Both reads at once (they overlap on PostgreSQL); a missing connector is reported first.
  // The session's auth tokens are read once, now: they fill the request and are redacted from its log.
  const userTokens = request.userTokens ?? (request.session ? authTokenStoreOf(deps).get(request.session.id, deps.now?.() ?? new Date()) : undefined);
  const contextLoad = loadRunContext(deps.db, { ...request, ...(userTokens && { userTokens: { ...userTokens } }) });
  contextLoad.catch(() => undefined);
  const version = await loadRunVersion(deps.db, request);
  if (!version) {
    const exists = await deps.db.dataConnector.count({ where: { id: request.connectorId, workspaceId: request.workspaceId } });
    if (!exists) throw new RunContextError(`data connector ${request.connectorId} not found`);
    throw new RunContextError(`data connector ${request.connectorId} has no ${request.version} version; set it live first`);
  }
  const context = await contextLoad;

  const progress: Progress = { rendered: null, response: null, parsed: null, shaped: null, debugOutput: null, warnings: [], writes: undefined, secrets: Object.values(context.userTokens), calledApi: false, clientCall: null };
  let failure: PipelineFailure | null = null;
  try {
    await execute(deps, request, version, context, progress);
  } catch (error) {
    failure = asFailure(error);
    if (!failure) throw error;
  }

  const durationMs = Math.round(performance.now() - started);
  const fields = readResponseFields(version);
  const redact = (text: string | null) => (text === null ? null : redactSecrets(text, progress.secrets));
  const json = (value: unknown) => (value === null || value === undefined ? null : redact(typeof value === 'string' ? value : JSON.stringify(value)));
  const logging = version.responseLogging;
  const rawForLog = progress.parsed ?? progress.response?.bodyText ?? null;
  // A full-access result is the raw response; code-block output has a shape of its own.
  const shapedForLog =
    version.dataTransformationType === 'redacted_access' ? redactLoggedBody(progress.shaped, fields, 'shaped')
    : version.dataTransformationType === 'full_access' ? redactLoggedBody(progress.shaped, fields, 'raw')
    : progress.shaped;
  const requestUrl = progress.rendered ? redactSecrets(redactUrl(progress.rendered.url), progress.secrets) : null;
  const written = await writeExecutionResult(
    deps.db,
    {
      workspaceId: request.workspaceId,
      dataConnectorId: version.dataConnectorId,
      version: request.version,
      success: failure === null,
      httpStatus: progress.response?.status ?? null,
      httpMethod: version.httpMethod,
      errorType: failure?.errorType ?? null,
      errorMessage: failure ? redact(failure.message) : null,
      executionTimeMs: durationMs,
      sourceType: request.source.type,
      sourceId: request.source.id,
      conversationId: context.conversation?.id ?? null,
      contactId: context.contact?.id ?? null,
      requestUrl,
      requestBody: redact(progress.rendered?.body ?? (progress.clientCall && JSON.stringify(progress.clientCall))),
      responseBody: logging === 'none' ? null : json(failure === null ? shapedForLog : null),
      rawResponseBody: logging === 'full' ? json(redactLoggedBody(rawForLog, fields, 'raw')) : null,
      debugOutput: redact(progress.debugOutput),
    },
    failure === null ? progress.writes : undefined,
    { contact: context.contact, conversation: context.conversation },
    { dryRun: request.writeAttributes === false },
  );
  if (request.writeAttributes !== false) publishAttributeChanges(deps, request, version.dataConnectorId, written, context);
  if (request.version === 'live' && context.conversation) {
    deps.bus.publish({
      type: 'connector_run.logged',
      workspace_id: String(request.workspaceId),
      conversation_id: String(context.conversation.id),
      data_connector_id: String(version.dataConnectorId),
      execution_result_id: String(written.executionResultId),
      success: failure === null,
      source_type: request.source.type,
    });
  }

  return {
    success: failure === null,
    executionResultId: String(written.executionResultId),
    errorType: failure?.errorType ?? null,
    errorMessage: failure ? redactSecrets(failure.message, progress.secrets) : null,
    inputErrors: failure?.inputErrors ?? [],
    httpStatus: progress.response?.status ?? null,
    data: failure === null ? progress.shaped : null,
    rawData: progress.parsed,
    requestUrl,
    durationMs,
    attempts: progress.response ? 1 : 0,
    calledApi: progress.calledApi,
    attributeChanges: { contact: written.contactChanges, conversation: written.conversationChanges },
    debugOutput: progress.debugOutput,
    warnings: progress.warnings,
    otpAvailable: failure?.otpAvailable ?? false,
  };
}

async function execute(deps: PipelineDeps, request: RunConnectorRequest, version: DataConnectorVersion, context: RunContext, progress: Progress): Promise<void> {
  // gate: audience and customer authentication (connector-gate.ts), then execution type.
  // A test run of the draft is the admin's, not a customer's: it reports what
  // a customer would be refused instead of failing.
  const refusal = await checkConnectorGate(deps.db, {
    workspaceId: request.workspaceId,
    version,
    contact: context.contact,
    conversationId: context.conversation?.id ?? null,
    customer: request.customer,
    sourceType: request.source.type,
    now: deps.now?.() ?? new Date(),
  });
  if (refusal && request.version === 'live') throw new PipelineFailure(refusal.errorType, refusal.message, [], refusal.otpAvailable);
  if (refusal) progress.warnings.push(`Customers would be refused (${refusal.errorType}): ${refusal.message}`);
  const clientSide = version.executionType === 'client_side';
  if (clientSide && !request.session) {
    throw new PipelineFailure('client_side_action_error', `"${version.name}" runs in the customer's browser (client-side function ${version.clientFunctionName ?? '?'}); only the messenger can run it`);
  }

  // inputs
  const coerced = coerceInputs(readDataInputs(version), request.inputs ?? {}, { validateMissing: request.validateMissing === true || (version.validateMissingAttributes ?? false) });
  if ('error' in coerced) {
    throw new PipelineFailure('request_validation_error', coerced.error.map((e) => e.message).join('; '), coerced.error);
  }
  const inputs: Record<string, InputValue> = coerced.values;

  // request
  if (!clientSide) {
    if (!version.url) throw new PipelineFailure('request_configuration_error', 'the connector has no URL');
    const lookup = (name: string) => (Object.hasOwn(inputs, name) ? inputs[name] : contextValue(context, name));
    const headers = readDecryptedHeaders(version, deps.secrets);
    progress.secrets.push(...headers.map((h) => h.value).filter((v) => v.length >= 8));
    const missingTokens = missingAuthTokens(version.url, headers, version.body, context);
    if (missingTokens.length > 0 && !request.useExampleResponse) throw new PipelineFailure('request_validation_error', missingTokensMessage(missingTokens, request.session));
    for (const name of missingTokens) progress.warnings.push(`{{auth_tokens.${name}}} has no value here; customers' messengers pass it at boot`);
    progress.rendered = renderRequest({ method: version.httpMethod, url: version.url, headers, body: version.body }, lookup);
  }

  // send (a client-side function's result stands for the response body)
  let body: unknown;
  let format = 'json';
  if (clientSide) {
    body = await callClientFunction(deps, request.session!, version, inputs, progress);
  } else if (request.useExampleResponse) {
    if (version.mockResponse === null) throw new PipelineFailure('request_configuration_error', 'the connector has no example response; add one or test against the live API');
    body = version.mockResponse;
  } else {
    const response = await sendWithTokens(deps, request.workspaceId, version, progress);
    if (response.status < 200 || response.status >= 300) {
      progress.parsed = safeParse(response);
      throw new PipelineFailure('3rd_party_error', `the API answered HTTP ${response.status}`);
    }
    const parsed = parseResponseBody(response.bodyText, response.headers['content-type']);
    body = parsed.data;
    format = parsed.format;
  }
  progress.parsed = body;

  // shape
  if (version.dataTransformationType === 'code_block_transformation') {
    if (!deps.runCodeBlock) throw new PipelineFailure('response_mapping_error', 'Python code blocks are not available on this server');
    // Code blocks transform JSON (XML arrives converted); text is not theirs to guess at.
    if (format !== 'json' && format !== 'xml') throw new PipelineFailure('response_mapping_error', `code block skipped: the response is ${format === 'empty' ? 'empty' : 'not JSON'}`);
    const ran = await deps.runCodeBlock(version.codeBlock ?? '', { data: body });
    progress.debugOutput = ran.debugOutput || null;
    if (!ran.ok) throw new PipelineFailure('response_mapping_error', ran.error);
    progress.shaped = ran.result;
  } else {
    const shaped = shapeResponse(body, { mode: version.dataTransformationType, fields: readResponseFields(version) });
    progress.shaped = shaped.shaped;
    progress.warnings.push(...shaped.warnings.map((w) => `${w.field}: ${w.message}`));
  }

  // map (written with the execution result)
  progress.writes = mapAttributes(body, readObjectMappings(version));
  if (clientSide && (Object.keys(progress.writes.contact).length > 0 || Object.keys(progress.writes.conversation).length > 0)) {
    const protectedDefinitions = await deps.db.customAttributeDefinition.findMany({
      where: { workspaceId: request.workspaceId, protected: true, target: { in: ['contact', 'conversation'] } },
      select: { target: true, name: true },
    });
    const namesOf = (target: string) => new Set(protectedDefinitions.filter((d) => d.target === target).map((d) => d.name));
    const dropped = dropProtectedWrites(progress.writes, { contact: namesOf('contact'), conversation: namesOf('conversation') });
    if (dropped.length > 0) progress.warnings.push(`Not written from the customer's browser (protected attributes): ${dropped.join(', ')}`);
  }
}

// `{{auth_tokens.<name>}}` placeholders the run has no value for: sending
// the request without them would only get a confusing answer from the API.
function missingAuthTokens(url: string, headers: { value: string }[], body: string | null, context: RunContext): string[] {
  const names = [url, ...headers.map((h) => h.value), body ?? ''].flatMap(findPlaceholders).filter((n) => n.startsWith('auth_tokens.')).map((n) => n.slice('auth_tokens.'.length));
  return [...new Set(names)].filter((name) => !Object.hasOwn(context.userTokens, name));
}

function missingTokensMessage(names: string[], session: MessengerRunSession | undefined): string {
  const fields = names.map((n) => `auth_tokens.${n}`).join(', ');
  return session
    ? `${fields} ${names.length > 1 ? 'are' : 'is'} missing: the customer's messenger did not pass ${names.length > 1 ? 'these auth tokens' : 'this auth token'} in auth_tokens when it booted (or its session has ended)`
    : `${fields} ${names.length > 1 ? 'are' : 'is'} missing: auth tokens come from the customer's messenger (auth_tokens at boot), so this connector only runs for the AI agent in a messenger conversation`;
}

// Asks the session's messenger to run the host page function; its result is the response body.
async function callClientFunction(deps: PipelineDeps, session: MessengerRunSession, version: DataConnectorVersion, inputs: Record<string, InputValue>, progress: Progress): Promise<unknown> {
  const name = version.clientFunctionName;
  if (!name) throw new PipelineFailure('request_configuration_error', 'the connector has no client_function_name');
  if (!deps.clientFunctions) throw new PipelineFailure('client_side_action_error', 'client-side functions are not available on this server (no realtime connection to the messenger)');
  progress.clientCall = { function: name, inputs };
  progress.calledApi = true;
  const timeoutMs = clientFunctionTimeoutMs(version);
  const outcome = await deps.clientFunctions.callClientFunction(session.id, { name, inputs }, timeoutMs).catch((error: unknown) => ({
    ok: false as const,
    message: `calling the client-side function ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
  }));
  if (!outcome.ok) throw new PipelineFailure('client_side_action_error', outcome.message);
  // The same cap as an HTTP response body, counted on the result as JSON.
  const maxBytes = version.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const size = Buffer.byteLength(JSON.stringify(outcome.result) ?? '');
  if (size > maxBytes) throw new PipelineFailure('client_side_action_error', `the client-side function ${name} returned ${size} bytes, more than the ${maxBytes} allowed (max_response_bytes)`);
  return outcome.result;
}

async function sendWithTokens(deps: PipelineDeps, workspaceId: number, version: DataConnectorVersion, progress: Progress): Promise<SendResult> {
  const rendered = progress.rendered!;
  // Loaded only when the API is called: example-response runs need no tokens.
  const tokens = await loadAuthTokens(deps.db, workspaceId, readTokenIds(version));
  const budgetMs = Math.min(MAX_BUDGET_MS, version.timeoutMs ?? MAX_BUDGET_MS);
  const deadline = performance.now() + budgetMs;
  const tokenDeps = {
    db: deps.db,
    secrets: deps.secrets,
    ...(deps.now && { now: deps.now }),
    send: (input: Parameters<typeof sendRequest>[0]) => sendRequest({ ...input, budgetMs: remaining(deadline) }, deps.http),
  };
  const resolve = async (forceRefresh: boolean): Promise<ResolvedToken[]> => {
    const resolved = await Promise.all(tokens.map((t) => resolveAuthToken(tokenDeps, t, { forceRefresh: forceRefresh && t.kind === 'http_request' })));
    progress.secrets.push(...resolved.flatMap((t) => t.secrets));
    return resolved;
  };
  let baseHeaders: Record<string, string> = Object.fromEntries(rendered.headers.map((h) => [h.name, h.value]));
  // One key for every retry of this execution: what makes retrying POST/PATCH safe.
  if (rendered.method === 'POST' || rendered.method === 'PATCH') baseHeaders = withIdempotencyKey(baseHeaders);
  const send = (resolved: ResolvedToken[]) => {
    progress.calledApi = true;
    return sendRequest(
      {
        method: rendered.method as HttpMethod,
        url: rendered.url,
        headers: { ...baseHeaders, ...Object.fromEntries(resolved.map((t) => [t.header.name, t.header.value])) },
        ...(rendered.body !== null && { body: rendered.body }),
        budgetMs: remaining(deadline),
        ...(version.maxResponseBytes && { maxResponseBytes: version.maxResponseBytes }),
        credentialHeaders: resolved.map((t) => t.header.name),
      },
      deps.http,
    );
  };

  let response = await send(await resolve(false));
  progress.response = response;
  if (response.status === 401 && tokens.some((t) => t.kind === 'http_request')) {
    // The cached token may have been revoked early: fetch a new one and try once more.
    response = await send(await resolve(true));
    progress.response = response;
    if (response.status === 401) throw new PipelineFailure('token_refresh_error', 'the API still answered HTTP 401 after the auth token was refreshed');
  }
  return response;
}

const remaining = (deadline: number) => Math.max(1, Math.round(deadline - performance.now()));

function safeParse(response: SendResult): unknown {
  try {
    return parseResponseBody(response.bodyText, response.headers['content-type']).data;
  } catch {
    return response.bodyText;
  }
}

function asFailure(error: unknown): PipelineFailure | null {
  if (error instanceof PipelineFailure) return error;
  if (error instanceof SendError) return new PipelineFailure(error.errorType, error.message);
  if (error instanceof TokenRefreshError) return new PipelineFailure('token_refresh_error', error.message);
  if (error instanceof RenderError) {
    return new PipelineFailure(error.code === 'value_invalid' ? 'request_validation_error' : 'request_configuration_error', error.message);
  }
  return null;
}

function publishAttributeChanges(
  deps: PipelineDeps,
  request: RunConnectorRequest,
  connectorId: number,
  written: Awaited<ReturnType<typeof writeExecutionResult>>,
  context: RunContext,
): void {
  const source = { type: request.source.type ?? 'test', id: request.source.id, data_connector_id: String(connectorId), execution_result_id: String(written.executionResultId) };
  const conversationId = context.conversation ? String(context.conversation.id) : null;
  if (context.contact && Object.keys(written.contactChanges).length > 0) {
    deps.bus.publish({ type: 'attribute.updated', workspace_id: String(request.workspaceId), target: 'contact', id: String(context.contact.id), conversation_id: conversationId, changes: written.contactChanges, source });
  }
  if (context.conversation && Object.keys(written.conversationChanges).length > 0) {
    deps.bus.publish({ type: 'attribute.updated', workspace_id: String(request.workspaceId), target: 'conversation', id: String(context.conversation.id), conversation_id: conversationId, changes: written.conversationChanges, source });
  }
}
