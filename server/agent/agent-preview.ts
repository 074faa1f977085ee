// POST /api/agent/preview: what the AI agent would do with a sample customer
// message for a chosen contact, as a decision trace, without any customer
// seeing anything. The decision is the one the messenger uses (decide-turn.ts),
// made without a conversation: nothing is written to any conversation, and no
// request is sent unless the admin asks for a live run (run_live), which goes
// through the pipeline like the builder's test button (no source type, no
// conversation, attribute mappings reported but not written).
import { z } from 'zod';
import { listConnectorsForCustomer, type CustomerConnector } from '../connectors/audiences/list-connectors-for-customer.ts';
import { audienceSubject } from '../connectors/audiences/audience-subject.ts';
import { audienceRefusal, loadTargetedAudiences } from '../connectors/audiences/connector-audience.ts';
import type { Actor } from '../connectors/connector-deps.ts';
import { readDataInputs, readResponseFields } from '../connectors/connector-version.ts';
import { parseId } from '../connectors/load-connector.ts';
import { coerceInputs } from '../connectors/pipeline/coerce-inputs.ts';
import type { PipelineDeps } from '../connectors/pipeline/pipeline-deps.ts';
import { redactSecrets, redactUrl } from '../connectors/pipeline/redact.ts';
import { renderRequest } from '../connectors/pipeline/render-request.ts';
import { runConnector, type RunOutcome } from '../connectors/pipeline/run-connector.ts';
import type { Contact, DataConnectorVersion } from '../db/generated/sqlite/client.ts';
import { contextValue, loadRunContext } from '../connectors/pipeline/run-context.ts';
import { notFound } from '../http/app-error.ts';
import { nowOf } from '../inbox/inbox-deps.ts';
import { MAX_CUSTOMER_MESSAGE_LENGTH } from '../messenger/messenger-conversations.ts';
import { NO_EMAIL_REPLY, OTP_REPLY } from './answer-customer-message.ts';
import { decideTurn, newTrace, type Candidate, type TurnDecision } from './decide-turn.ts';
import { askForInputsReply, composeDataReply, HANDOFF_REPLY, RUN_FAILURE_REPLY, type ShapingMode } from './deterministic/compose-reply.ts';
import { confirmActionQuestion, isWriteMethod } from './deterministic/confirm-action.ts';
import type { ExtractedValue } from './deterministic/extract-inputs.ts';

export const agentPreviewSchema = z.strictObject({
  message: z
    .string({ error: 'message must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(MAX_CUSTOMER_MESSAGE_LENGTH, `must be at most ${MAX_CUSTOMER_MESSAGE_LENGTH} characters`),
  contact_id: z.union([z.string(), z.number()], { error: 'contact_id must be a numeric id' }).transform((value, ctx) => {
    const parsed = parseId(String(value));
    if (parsed === null) ctx.addIssue({ code: 'custom', message: 'must be a positive numeric id' });
    return parsed ?? z.NEVER;
  }),
  run_live: z.boolean({ error: 'run_live must be true or false' }).default(false),
  // As if the messenger was booted with a valid identity JWT for this contact.
  identity_verified: z.boolean({ error: 'identity_verified must be true or false' }).default(false),
});

export type AgentPreviewAction = 'answer' | 'ask_for_inputs' | 'confirm_action' | 'verify_email' | 'hand_off';

export interface AgentPreviewConnector {
  data_connector_id: string;
  name: string;
  http_method: string;
  // POST/PUT/PATCH/DELETE: the agent asks the customer to confirm before running it.
  write: boolean;
  // Inside the contact's audience, so the agent considers it at all.
  candidate: boolean;
  score: number | null;
  matched_terms: string[];
  gate: {
    allowed: boolean;
    audience: { passed: boolean; reason: string | null };
    authentication: { required: boolean; status: 'not_required' | 'verified' | 'unverified' | 'no_email'; otp_available: boolean };
    reason: string | null;
  };
}

// One tool call the language model made (agent 'model' only).
export type AgentPreviewToolCallStatus =
  // Allowed and valid; not run because run_live is false.
  | 'would_run'
  | 'ran'
  | 'failed'
  // A connector that changes data: the agent asks the customer to confirm first (not run without run_live).
  | 'needs_confirmation'
  | 'invalid_arguments'
  // The gate refuses it for this customer (audience, or no email for the one-time code).
  | 'refused'
  | 'otp_required'
  | 'unknown_tool'
  | 'handoff'
  // Not looked at: the turn already ended with an earlier call of the same answer.
  | 'not_run';

export interface AgentPreviewToolCall {
  id: string;
  tool: string;
  data_connector_id: string | null;
  name: string | null;
  arguments: Record<string, unknown>;
  // The arguments checked against the connector's data inputs (null: not a connector tool).
  validation: { valid: boolean; missing: string[]; invalid: { name: string; reason: string }[] } | null;
  gate: { allowed: boolean; reason: string | null } | null;
  status: AgentPreviewToolCallStatus;
  detail: string | null;
  request: { method: string; url: string } | null;
  run: AgentPreview['run'];
}

export interface AgentPreview {
  type: 'agent.preview';
  agent: 'deterministic' | 'model';
  message: string;
  contact_id: string;
  identity_verified: boolean;
  connectors: AgentPreviewConnector[];
  decision: { kind: 'confident' | 'unsure' | 'pending' | 'confirmation'; data_connector_id: string | null; reason: string | null };
  action: AgentPreviewAction;
  inputs: { name: string; value: ExtractedValue; source: 'context' | 'message' | 'earlier_message' }[];
  missing: string[];
  invalid: { name: string; reason: string }[];
  question: string | null;
  request: { method: string; url: string } | null;
  request_error: string | null;
  run: {
    execution_result_id: string | null;
    success: boolean;
    called_api: boolean;
    http_status: number | null;
    error_type: string | null;
    error_message: string | null;
    shaped_response: unknown;
  } | null;
  reply: string | null;
  notice: string;
  // Agent 'model' only: the model's tool calls in order, its own last answer
  // (null when the trace stopped before it answered), the provider's failure
  // (never the API key) and how many requests went to the model.
  tool_calls?: AgentPreviewToolCall[];
  model_reply?: string | null;
  model_error?: string | null;
  model_calls?: number;
}

const AUDIENCE_NOTE = 'outside the customer’s audience: the AI agent does not offer it, and a question that clearly asks for it is refused, logged and handed to the team';

export type AgentPreviewInput = z.output<typeof agentPreviewSchema>;

// What both agents' previews start from: the contact, every live direct-use
// connector (to show which ones the audience leaves out) and those this
// contact may use, without any conversation.
export interface PreviewSetup {
  workspaceId: number;
  contact: Contact;
  customer: { identityVerified: boolean };
  now: Date;
  all: { connectorId: number; version: DataConnectorVersion }[];
  usable: CustomerConnector[];
  connectorRows(scores?: ReadonlyMap<number, { score: number; matchedTerms: string[] }>): AgentPreviewConnector[];
}

/**
 * The one call a preview makes when the admin asks for it: the live version
 * through the pipeline like the builder's test button — no source type, no
 * conversation, attribute mappings reported but not written.
 */
export function runLivePreview(
  deps: PipelineDeps,
  run: { workspaceId: number; connectorId: number; contactId: number; inputs: Record<string, ExtractedValue>; customer: { identityVerified: boolean } },
): Promise<RunOutcome> {
  return runConnector(deps, {
    workspaceId: run.workspaceId,
    connectorId: run.connectorId,
    version: 'live',
    source: { type: null, id: null },
    contactId: run.contactId,
    conversationId: null,
    inputs: run.inputs,
    customer: run.customer,
    writeAttributes: false,
    validateMissing: true,
  });
}

export async function loadPreviewSetup(deps: PipelineDeps, actor: Actor, input: AgentPreviewInput): Promise<PreviewSetup> {
  const { workspaceId } = actor;
  const contact = await deps.db.contact.findFirst({ where: { id: input.contact_id, workspaceId } });
  if (!contact) throw notFound('contact_not_found', `Contact ${input.contact_id} not found`);
  const customer = { identityVerified: input.identity_verified };
  const now = nowOf(deps);

  const all = (
    await deps.db.dataConnector.findMany({
      where: { workspaceId, state: 'live' },
      include: { versions: { where: { kind: 'live', directFinUsage: true } } },
      orderBy: { id: 'asc' },
    })
  ).flatMap((c) => (c.versions[0] ? [{ connectorId: c.id, version: c.versions[0] }] : []));
  const audiences = await loadTargetedAudiences(deps.db, workspaceId, all.map((a) => a.version));
  const subject = audienceSubject(contact, customer);
  const usable = await listConnectorsForCustomer(deps.db, { workspaceId, contact, conversationId: null, customer, now, directOnly: true });
  const usableById = new Map(usable.map((c) => [c.connectorId, c]));

  const connectorRows = (scores: ReadonlyMap<number, { score: number; matchedTerms: string[] }> = new Map()): AgentPreviewConnector[] => all.map(({ connectorId, version }) => {
    const outside = audienceRefusal(version, subject, audiences, now);
    const usableOne = usableById.get(connectorId);
    const status = usableOne?.authentication ?? 'not_required';
    const scored = scores.get(connectorId);
    const authReason =
      status === 'unverified' ? 'the customer must verify their identity first: the agent would offer a one-time code by email'
      : status === 'no_email' ? 'the customer must verify their identity first, and has no email address to send a code to'
      : null;
    return {
      data_connector_id: String(connectorId),
      name: version.name,
      http_method: version.httpMethod,
      write: isWriteMethod(version.httpMethod),
      candidate: usableOne !== undefined,
      score: scored ? scored.score : null,
      matched_terms: scored?.matchedTerms ?? [],
      gate: {
        allowed: outside === null && (status === 'not_required' || status === 'verified'),
        audience: { passed: outside === null, reason: outside },
        authentication: { required: status !== 'not_required', status, otp_available: usableOne?.otpAvailable ?? false },
        reason: outside !== null ? `${outside} (${AUDIENCE_NOTE})` : authReason,
      },
    };
  });
  return { workspaceId, contact, customer, now, all, usable, connectorRows };
}

export async function previewAgentTurn(deps: PipelineDeps, actor: Actor, input: AgentPreviewInput): Promise<AgentPreview> {
  const { workspaceId, contact, customer, usable, connectorRows } = await loadPreviewSetup(deps, actor, input);
  const trace = newTrace(input.message);
  const decision = decideTurn({ message: input.message, connectors: usable, contact, customer, conversationAttributes: {}, temporary: {} }, trace);
  const connectors = connectorRows(new Map(trace.candidates.map((c) => [c.connectorId, c])));

  const chosen = chosenOf(decision);
  const action = actionOf(decision, chosen?.live);
  const question =
    decision.kind === 'ask_for_inputs' ? askQuestion(decision.candidate, decision.extracted)
    : decision.kind === 'confirm' ? confirmActionQuestion(decision.candidate.name, decision.values)
    : null;

  let request: AgentPreview['request'] = null;
  let requestError: string | null = null;
  const values = chosen?.values;
  if (chosen && values) {
    try {
      request = await renderUrl(deps, workspaceId, contact.id, chosen.candidate.live.version, values);
    } catch (error) {
      requestError = error instanceof Error ? error.message : 'the request cannot be built';
    }
  }

  let run: AgentPreview['run'] = null;
  let reply: string | null =
    action === 'ask_for_inputs' || action === 'confirm_action' ? question
    : action === 'verify_email' ? OTP_REPLY
    : action === 'hand_off' ? (chosen?.live.authentication === 'no_email' ? NO_EMAIL_REPLY : HANDOFF_REPLY)
    : null;
  if (input.run_live && chosen && values && (action === 'answer' || action === 'confirm_action')) {
    const version = chosen.candidate.live.version;
    const outcome = await runLivePreview(deps, { workspaceId, connectorId: chosen.candidate.live.connectorId, contactId: contact.id, inputs: values, customer });
    run = runView(outcome);
    reply = outcome.success
      ? composeDataReply(outcome.data, { mode: version.dataTransformationType as ShapingMode, fields: readResponseFields(version) })
      : outcome.otpAvailable ? OTP_REPLY : RUN_FAILURE_REPLY;
  }

  return {
    type: 'agent.preview',
    agent: 'deterministic',
    message: input.message,
    contact_id: String(contact.id),
    identity_verified: input.identity_verified,
    connectors,
    decision: { kind: trace.decision.kind, data_connector_id: trace.decision.connectorId === null ? null : String(trace.decision.connectorId), reason: trace.decision.reason },
    action,
    inputs: trace.inputs,
    missing: trace.missing,
    invalid: trace.invalid,
    question,
    request,
    request_error: requestError,
    run,
    reply,
    notice: run?.called_api
      ? 'This preview sent a real request to the API: anything it changes there is changed. No customer saw anything.'
      : 'Nothing was sent to the API and no customer saw anything.',
  };
}

function chosenOf(decision: TurnDecision): { candidate: Candidate; live: CustomerConnector; values?: Record<string, ExtractedValue> } | null {
  switch (decision.kind) {
    case 'run':
    case 'confirm':
      return { candidate: decision.candidate, live: decision.candidate.live, values: decision.values };
    case 'ask_for_inputs':
    case 'cancelled':
    case 'inputs_still_invalid':
      return { candidate: decision.candidate, live: decision.candidate.live };
    case 'hand_off':
      return null;
  }
}

// What the customer would get: a run refused by customer authentication
// becomes the one-time-code step-up (or a handoff when there is no email).
function actionOf(decision: TurnDecision, live: CustomerConnector | undefined): AgentPreviewAction {
  const refused = live?.authentication === 'unverified' ? 'verify_email' : live?.authentication === 'no_email' ? 'hand_off' : null;
  switch (decision.kind) {
    case 'run':
      return refused ?? 'answer';
    case 'confirm':
      // The agent asks first; the run would be refused after the customer's yes.
      return 'confirm_action';
    case 'ask_for_inputs':
      return 'ask_for_inputs';
    default:
      return 'hand_off';
  }
}

function askQuestion(candidate: Candidate, extracted: { missing: string[]; invalid: { name: string; reason: string }[] }): string {
  const declared = new Map(readDataInputs(candidate.live.version).map((d) => [d.name, d]));
  const askable = (name: string) => ({ name, description: declared.get(name)?.description ?? null });
  return askForInputsReply(extracted.missing.map(askable), extracted.invalid.map((i) => ({ ...askable(i.name), reason: i.reason })));
}

// The request line the run would send, rendered as the pipeline renders it,
// with the query string and credentials redacted as in the logs. Headers and
// body are left out: they may carry credentials.
export async function renderUrl(deps: PipelineDeps, workspaceId: number, contactId: number, version: DataConnectorVersion, values: Record<string, ExtractedValue>): Promise<{ method: string; url: string } | null> {
  if (!version.url) return null;
  const coerced = coerceInputs(readDataInputs(version), values, { validateMissing: false });
  if ('error' in coerced) throw new Error(coerced.error.map((e) => e.message).join('; '));
  const context = await loadRunContext(deps.db, { workspaceId, contactId });
  const lookup = (name: string) => (Object.hasOwn(coerced.values, name) ? coerced.values[name] : contextValue(context, name));
  const rendered = renderRequest({ method: version.httpMethod, url: version.url, headers: [], body: null }, lookup);
  return { method: rendered.method.toUpperCase(), url: redactSecrets(redactUrl(rendered.url), Object.values(context.userTokens)) };
}

// The run as the preview shows it: the shaped data only, never the raw response.
export function runView(outcome: RunOutcome): NonNullable<AgentPreview['run']> {
  return {
    execution_result_id: outcome.executionResultId,
    success: outcome.success,
    called_api: outcome.calledApi,
    http_status: outcome.httpStatus,
    error_type: outcome.errorType,
    error_message: outcome.errorMessage,
    shaped_response: outcome.data ?? null,
  };
}
