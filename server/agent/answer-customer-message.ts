// The deterministic agent's turn (no language model configured): one customer
// message in, one reply out. It picks among the live direct-use connectors
// this customer may use, fills their inputs from what Patchbay already knows
// and asks for the rest, runs the connector through the pipeline as `fin`, and
// answers from the shaped data only. When it is unsure, or the run fails, it
// says so and hands the conversation to the team (unassigned, with a note).
import type { Contact, Conversation, DataConnectorVersion, Prisma } from '../db/generated/sqlite/client.ts';
import { listConnectorsForCustomer, type CustomerConnector } from '../connectors/audiences/list-connectors-for-customer.ts';
import { readDataInputs, readResponseFields } from '../connectors/connector-version.ts';
import { isPlainObject } from '../connectors/pipeline/own-json.ts';
import type { PipelineDeps } from '../connectors/pipeline/pipeline-deps.ts';
import { runConnector, type RunOutcome } from '../connectors/pipeline/run-connector.ts';
import { isEmailVerified } from '../identity/otp/otp-verification.ts';
import { readAttributes } from '../inbox/conversation-json.ts';
import { nowOf } from '../inbox/inbox-deps.ts';
import { publishConversationUpdated, publishPartCreated } from '../inbox/inbox-events.ts';
import { conversationNotFound, loadPartJson, loadSummary } from '../inbox/load-conversation.ts';
import { notFound } from '../http/app-error.ts';
import { askForInputsReply, composeDataReply, handoffReply, runFailureReply, type ShapingMode } from './deterministic/compose-reply.ts';
import { extractInputs, type ExtractedValue } from './deterministic/extract-inputs.ts';
import { rankConnectors, type CandidateConnector } from './deterministic/rank-connectors.ts';

// Reserved keys of conversation.temporaryAttributes: what the agent itself
// remembers between turns. Connector data lives beside them as "Name > field".
export const PENDING_KEY = '__agent_pending';
export const RUNS_KEY = '__agent_runs';

export const OTP_REPLY =
  "For your security I need to confirm it's you before I can look that up. I'll send a one-time code to your email address; please type it here when it arrives.";

export type AgentTurnKind = 'answered' | 'asked_for_inputs' | 'handed_off' | 'otp_required';

export interface AgentTrace {
  message: string;
  candidates: { connectorId: number; name: string; score: number; matchedTerms: string[] }[];
  decision: { kind: 'confident' | 'unsure' | 'pending'; connectorId: number | null; reason: string | null };
  inputs: { name: string; value: ExtractedValue; source: 'context' | 'message' | 'earlier_message' }[];
  missing: string[];
  invalid: { name: string; reason: string }[];
  outcome: {
    summary: string;
    fromTemporaryAttributes: boolean;
    executionResultId: string | null;
    success: boolean | null;
    errorType: string | null;
  };
}

export interface AgentTurn {
  kind: AgentTurnKind;
  connectorId: number | null;
  replyPartId: number | null;
  trace: AgentTrace;
}

export interface AnswerCustomerMessageInput {
  workspaceId: number;
  conversationId: number;
  partId: number;
  customer: { identityVerified: boolean };
}

interface Pending {
  connectorId: number;
  values: Record<string, ExtractedValue>;
}

interface RememberedRun {
  inputs: string;
  // The "Name > field" keys the run wrote, or null when the data was not an object.
  keys: string[] | null;
}

type Candidate = CandidateConnector & { live: CustomerConnector };

const MESSAGE_IN_NOTE = 300;

export async function answerCustomerMessage(deps: PipelineDeps, input: AnswerCustomerMessageInput): Promise<AgentTurn> {
  const { workspaceId, conversationId } = input;
  const row = await deps.db.conversation.findFirst({ where: { id: conversationId, workspaceId }, include: { contact: true } });
  if (!row) throw conversationNotFound(conversationId);
  const { contact, ...conversation } = row;
  const part = await deps.db.conversationPart.findFirst({ where: { id: input.partId, conversationId, authorType: 'customer' } });
  if (!part) throw notFound('conversation_part_not_found', `No customer message ${input.partId} in conversation ${conversationId}`);
  const message = part.body;
  const temporary = readTemporary(conversation);
  const trace: AgentTrace = {
    message,
    candidates: [],
    decision: { kind: 'unsure', connectorId: null, reason: null },
    inputs: [],
    missing: [],
    invalid: [],
    outcome: { summary: '', fromTemporaryAttributes: false, executionResultId: null, success: null, errorType: null },
  };

  const live = await listConnectorsForCustomer(deps.db, { workspaceId, contact, conversationId, customer: input.customer, now: nowOf(deps), directOnly: true });
  // Connectors that change data need the customer's confirmation before they
  // run, which this agent cannot ask for yet: it only reads.
  const candidates: Candidate[] = live.filter((c) => c.version.httpMethod === 'get').map((c) => ({
    id: String(c.connectorId),
    name: c.version.name,
    description: c.version.description ?? '',
    exampleQuestions: asStrings(c.version.exampleQuestions),
    dataInputs: readDataInputs(c.version).map((d) => ({ name: d.name, type: d.type, description: d.description ?? '', required: d.required ?? false })),
    live: c,
  }));
  const context = { contactAttributes: contactContext(contact, input.customer), conversationAttributes: readAttributes(conversation) };

  // A reply to the agent's own question continues that connector, unless it does not answer it.
  let chosen: { candidate: Candidate; values: Record<string, ExtractedValue>; sources: Record<string, AgentTrace['inputs'][number]['source']> } | null = null;
  const pending = readPending(temporary[PENDING_KEY]);
  const pendingCandidate = pending ? candidates.find((c) => c.live.connectorId === pending.connectorId) : undefined;
  if (pending && pendingCandidate) {
    const extracted = extractInputs(extractable(pendingCandidate.live.version), message, context);
    const values = { ...pending.values, ...extracted.values };
    const sources = { ...Object.fromEntries(Object.keys(pending.values).map((k) => [k, 'earlier_message' as const])), ...extracted.sources };
    const stillMissing = extractable(pendingCandidate.live.version).filter((i) => i.required && !Object.hasOwn(values, i.name));
    if (stillMissing.length === 0) {
      trace.decision = { kind: 'pending', connectorId: pending.connectorId, reason: 'the customer answered the question about its inputs' };
      chosen = { candidate: pendingCandidate, values, sources };
    }
  }

  if (!chosen) {
    const ranking = rankConnectors(message, candidates);
    const scores = new Map(ranking.ranked.map((r) => [r.connector.live.connectorId, r]));
    trace.candidates = candidates
      .map((c) => ({ connectorId: c.live.connectorId, name: c.name, score: round(scores.get(c.live.connectorId)?.score ?? 0), matchedTerms: scores.get(c.live.connectorId)?.matchedTerms ?? [] }))
      .sort((a, b) => b.score - a.score);
    if (ranking.decision.kind === 'unsure') {
      trace.decision = { kind: 'unsure', connectorId: null, reason: ranking.decision.reason };
      const why = unsureReason(ranking.decision.reason, trace.candidates);
      return handOff(deps, input, trace, { connectorId: null, why, tried: 'nothing was run', reply: handoffReply() });
    }
    const candidate = ranking.decision.pick.connector;
    trace.decision = { kind: 'confident', connectorId: candidate.live.connectorId, reason: `matched ${ranking.decision.pick.matchedTerms.join(', ')}` };
    const extracted = extractInputs(extractable(candidate.live.version), message, context);
    trace.missing = extracted.missing;
    trace.invalid = extracted.invalid;
    if (extracted.missing.length > 0 || extracted.invalid.length > 0) {
      trace.inputs = inputsTrace(extracted.values, extracted.sources);
      return askForInputs(deps, input, trace, candidate, extracted);
    }
    chosen = { candidate, values: extracted.values, sources: extracted.sources };
  }

  const { candidate, values } = chosen;
  const version = candidate.live.version;
  const connectorId = candidate.live.connectorId;
  trace.inputs = inputsTrace(values, chosen.sources);
  const replyOptions = { mode: version.dataTransformationType as ShapingMode, fields: readResponseFields(version) };

  const remembered = rememberedData(temporary, connectorId, version.name, values);
  if (remembered.found) {
    trace.outcome = { ...trace.outcome, summary: `answered from the temporary attributes of "${version.name}"`, fromTemporaryAttributes: true };
    const replyPartId = await writeTurn(deps, input, {
      parts: [{ partType: 'comment', body: composeDataReply(remembered.data, replyOptions) }],
      temporary: (t) => void delete t[PENDING_KEY],
    });
    return { kind: 'answered', connectorId, replyPartId, trace };
  }

  const outcome = await runConnector(deps, {
    workspaceId,
    connectorId,
    version: 'live',
    source: { type: 'fin', id: null },
    conversationId,
    conversationPartId: input.partId,
    inputs: values,
    customer: input.customer,
  });
  trace.outcome = { ...trace.outcome, executionResultId: outcome.executionResultId, success: outcome.success, errorType: outcome.errorType };

  if (!outcome.success && outcome.otpAvailable) {
    trace.outcome.summary = `"${version.name}" needs the customer to verify their identity; a one-time code is offered`;
    const replyPartId = await writeTurn(deps, input, { parts: [{ partType: 'comment', body: OTP_REPLY }], temporary: (t) => void delete t[PENDING_KEY] });
    return { kind: 'otp_required', connectorId, replyPartId, trace };
  }
  if (!outcome.success) {
    trace.outcome.summary = `"${version.name}" failed (${outcome.errorType ?? 'error'})`;
    return handOff(deps, input, trace, {
      connectorId,
      why: `running "${version.name}" failed: ${outcome.errorType ?? 'error'}${outcome.errorMessage ? ` (${outcome.errorMessage})` : ''}`,
      tried: `ran "${version.name}" (execution result ${outcome.executionResultId ?? 'none'})`,
      reply: runFailureReply(),
    });
  }

  trace.outcome.summary = `answered with the shaped data of "${version.name}"`;
  const replyPartId = await writeTurn(deps, input, {
    parts: [{ partType: 'comment', body: composeDataReply(outcome.data, replyOptions) }],
    temporary: (t) => {
      delete t[PENDING_KEY];
      remember(t, connectorId, version.name, values, outcome);
    },
  });
  return { kind: 'answered', connectorId, replyPartId, trace };
}

async function askForInputs(
  deps: PipelineDeps,
  input: AnswerCustomerMessageInput,
  trace: AgentTrace,
  candidate: Candidate,
  extracted: ReturnType<typeof extractInputs>,
): Promise<AgentTurn> {
  const connectorId = candidate.live.connectorId;
  const declared = new Map(readDataInputs(candidate.live.version).map((d) => [d.name, d]));
  const askable = (name: string) => ({ name, description: declared.get(name)?.description ?? null });
  const body = askForInputsReply(extracted.missing.map(askable), extracted.invalid.map((i) => ({ ...askable(i.name), reason: i.reason })));
  trace.outcome.summary = `asked for ${[...extracted.invalid.map((i) => i.name), ...extracted.missing].join(', ')} of "${candidate.name}"`;
  const pending: Pending = { connectorId, values: extracted.values };
  const replyPartId = await writeTurn(deps, input, {
    parts: [{ partType: 'comment', body }],
    temporary: (t) => void (t[PENDING_KEY] = pending as unknown as Prisma.InputJsonValue),
  });
  return { kind: 'asked_for_inputs', connectorId, replyPartId, trace };
}

async function handOff(
  deps: PipelineDeps,
  input: AnswerCustomerMessageInput,
  trace: AgentTrace,
  handoff: { connectorId: number | null; why: string; tried: string; reply: string },
): Promise<AgentTurn> {
  if (!trace.outcome.summary) trace.outcome.summary = `handed off: ${handoff.why}`;
  const quoted = trace.message.length > MESSAGE_IN_NOTE ? `${trace.message.slice(0, MESSAGE_IN_NOTE - 1)}…` : trace.message;
  const note = [`AI agent handed this conversation to the team.`, `Customer asked: "${quoted}"`, `Why: ${handoff.why}`, `Tried: ${handoff.tried}`].join('\n');
  const replyPartId = await writeTurn(deps, input, {
    parts: [
      { partType: 'note', body: note },
      { partType: 'comment', body: handoff.reply },
    ],
    temporary: (t) => void delete t[PENDING_KEY],
    handOff: true,
  });
  return { kind: 'handed_off', connectorId: handoff.connectorId, replyPartId, trace };
}

// Writes the agent's parts (and its memory) in one transaction, then tells
// open inboxes, as a teammate's reply does. Returns the last part's id.
async function writeTurn(
  deps: PipelineDeps,
  input: AnswerCustomerMessageInput,
  turn: { parts: { partType: 'comment' | 'note'; body: string }[]; temporary: (attributes: Record<string, Prisma.InputJsonValue>) => void; handOff?: boolean },
): Promise<number> {
  const { workspaceId, conversationId } = input;
  const now = nowOf(deps);
  const { parts, summary } = await deps.db.$transaction(async (tx) => {
    const current = await tx.conversation.findFirst({ where: { id: conversationId, workspaceId } });
    if (!current) throw conversationNotFound(conversationId);
    const attributes = readTemporary(current) as Record<string, Prisma.InputJsonValue>;
    turn.temporary(attributes);
    const ids: number[] = [];
    for (const part of turn.parts) {
      ids.push((await tx.conversationPart.create({ data: { conversationId, authorType: 'bot', partType: part.partType, body: part.body, createdAt: now } })).id);
    }
    await tx.conversation.update({
      where: { id: conversationId },
      data: {
        temporaryAttributes: attributes,
        ...(turn.parts.some((p) => p.partType === 'comment') && { lastActivityAt: now }),
        ...(turn.handOff && { state: 'open', snoozedUntil: null, assigneeAdminId: null }),
      },
    });
    const json = [];
    for (const id of ids) json.push(await loadPartJson(tx, workspaceId, id));
    return { parts: json, summary: await loadSummary(tx, workspaceId, conversationId, now) };
  });
  for (const part of parts) publishPartCreated(deps.bus, workspaceId, conversationId, part);
  publishConversationUpdated(deps.bus, workspaceId, summary);
  return Number(parts.at(-1)!.id);
}

function readTemporary(conversation: Pick<Conversation, 'temporaryAttributes'>): Record<string, unknown> {
  return isPlainObject(conversation.temporaryAttributes) ? { ...conversation.temporaryAttributes } : {};
}

function readPending(value: unknown): Pending | null {
  if (!isPlainObject(value) || typeof value.connectorId !== 'number' || !isPlainObject(value.values)) return null;
  const values: Record<string, ExtractedValue> = {};
  for (const [k, v] of Object.entries(value.values)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') values[k] = v;
  return { connectorId: value.connectorId, values };
}

const asStrings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const round = (score: number) => Math.round(score * 100) / 100;

function extractable(version: DataConnectorVersion) {
  return readDataInputs(version).map((d) => ({ name: d.name, type: d.type, description: d.description ?? null, required: d.required ?? false }));
}

// What the agent may take as the customer's own facts: attributes the
// workspace set, the name, and identifiers only once the customer proved them.
function contactContext(contact: Contact, customer: { identityVerified: boolean }): Record<string, unknown> {
  const attributes: Record<string, unknown> = { ...readAttributes(contact) };
  if (contact.name) attributes.name = contact.name;
  if (customer.identityVerified || contact.role === 'user') {
    if (contact.externalId) {
      attributes.user_id = contact.externalId;
      attributes.external_id = contact.externalId;
    }
  }
  if (contact.email && (customer.identityVerified || isEmailVerified(contact))) attributes.email = contact.email;
  return attributes;
}

function inputsTrace(values: Record<string, ExtractedValue>, sources: Record<string, AgentTrace['inputs'][number]['source']>): AgentTrace['inputs'] {
  return Object.entries(values).map(([name, value]) => ({ name, value, source: sources[name] ?? 'context' }));
}

function unsureReason(reason: string, candidates: AgentTrace['candidates']): string {
  const [best, second] = candidates;
  switch (reason) {
    case 'no_candidates':
      return 'no connector the AI agent may use is available to this customer';
    case 'weak_match':
      return `no connector matched the question well enough (best: "${best?.name}", score ${best?.score})`;
    case 'ambiguous':
      return `the question matched "${best?.name}" and "${second?.name}" about equally`;
    default:
      return 'no connector matched the question';
  }
}

const inputsKey = (values: Record<string, ExtractedValue>) => JSON.stringify(Object.keys(values).sort().map((k) => [k, values[k]]));
const attributeKey = (connectorName: string, field: string) => `${connectorName} > ${field}`;

// Top-level fields only: a list is kept whole under its own name, never split per entry.
function remember(attributes: Record<string, Prisma.InputJsonValue>, connectorId: number, connectorName: string, values: Record<string, ExtractedValue>, outcome: RunOutcome): void {
  const runs = isPlainObject(attributes[RUNS_KEY]) ? { ...(attributes[RUNS_KEY] as Record<string, Prisma.InputJsonValue>) } : {};
  const previous: unknown = runs[String(connectorId)];
  // Fields of an earlier run of this connector (other inputs) are replaced, not mixed in.
  if (isPlainObject(previous) && Array.isArray(previous.keys)) for (const key of previous.keys) if (typeof key === 'string') delete attributes[key];
  let keys: string[] | null = null;
  if (isPlainObject(outcome.data)) {
    keys = [];
    for (const [field, value] of Object.entries(outcome.data)) {
      const key = attributeKey(connectorName, field);
      attributes[key] = (value ?? null) as Prisma.InputJsonValue;
      keys.push(key);
    }
  } else {
    attributes[attributeKey(connectorName, 'result')] = (outcome.data ?? null) as Prisma.InputJsonValue;
  }
  const run: RememberedRun = { inputs: inputsKey(values), keys };
  runs[String(connectorId)] = run as unknown as Prisma.InputJsonValue;
  attributes[RUNS_KEY] = runs;
}

function rememberedData(temporary: Record<string, unknown>, connectorId: number, connectorName: string, values: Record<string, ExtractedValue>): { found: true; data: unknown } | { found: false } {
  const runs = temporary[RUNS_KEY];
  const run = isPlainObject(runs) ? runs[String(connectorId)] : undefined;
  if (!isPlainObject(run) || run.inputs !== inputsKey(values)) return { found: false };
  if (run.keys === null) {
    const key = attributeKey(connectorName, 'result');
    return Object.hasOwn(temporary, key) ? { found: true, data: temporary[key] } : { found: false };
  }
  if (!Array.isArray(run.keys)) return { found: false };
  const prefix = attributeKey(connectorName, '');
  const data: Record<string, unknown> = {};
  for (const key of run.keys) {
    if (typeof key !== 'string' || !key.startsWith(prefix) || !Object.hasOwn(temporary, key)) return { found: false };
    data[key.slice(prefix.length)] = temporary[key];
  }
  return { found: true, data };
}
