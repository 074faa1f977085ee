// The deterministic agent's decision for one customer message, without any
// write and without calling any API: which connector (if any), with which
// inputs and where each came from, and what to do next (run it, ask for
// inputs, ask to confirm a write, hand off). answer-customer-message.ts acts
// on it; the preview (agent-preview.ts) only shows it.
import type { Contact, DataConnectorVersion } from '../db/generated/sqlite/client.ts';
import type { CustomerConnector } from '../connectors/audiences/list-connectors-for-customer.ts';
import { readDataInputs } from '../connectors/connector-version.ts';
import { CONFIRM_KEY, contactContext, PENDING_KEY, readPending, readPendingConfirmation } from './agent-memory.ts';
import { confirmationAnswer, isWriteMethod } from './deterministic/confirm-action.ts';
import { extractInputs, type ExtractedValue, type ExtractResult } from './deterministic/extract-inputs.ts';
import { rankConnectors, type CandidateConnector } from './deterministic/rank-connectors.ts';

export type InputSource = 'context' | 'message' | 'earlier_message';

export interface AgentTrace {
  message: string;
  candidates: { connectorId: number; name: string; score: number; matchedTerms: string[] }[];
  // confident/unsure: from ranking this message; pending: it answered the agent's
  // question about inputs; confirmation: it answered the agent's yes/no question.
  decision: { kind: 'confident' | 'unsure' | 'pending' | 'confirmation'; connectorId: number | null; reason: string | null };
  inputs: { name: string; value: ExtractedValue; source: InputSource }[];
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

export type Candidate = CandidateConnector & { live: CustomerConnector };

export type TurnDecision =
  // Nothing applies, or the agent is not sure which connector is meant.
  | { kind: 'hand_off'; why: string }
  | { kind: 'ask_for_inputs'; candidate: Candidate; extracted: ExtractResult }
  // A write connector with all its inputs: ask before running it (again, when reask).
  | { kind: 'confirm'; candidate: Candidate; values: Record<string, ExtractedValue>; reask: boolean }
  | { kind: 'cancelled'; candidate: Candidate }
  | { kind: 'run'; candidate: Candidate; values: Record<string, ExtractedValue>; confirmed: boolean }
  // The customer answered the agent's question about inputs, still without a valid value.
  | { kind: 'inputs_still_invalid'; candidate: Candidate; values: Record<string, ExtractedValue>; missing: string[]; invalid: { name: string; reason: string }[] };

export interface DecideTurnInput {
  message: string;
  // listConnectorsForCustomer(..., directOnly): live, direct-use, inside the customer's audience.
  connectors: CustomerConnector[];
  contact: Contact;
  customer: { identityVerified: boolean };
  conversationAttributes: Record<string, unknown>;
  temporary: Record<string, unknown>;
}

export function newTrace(message: string): AgentTrace {
  return {
    message,
    candidates: [],
    decision: { kind: 'unsure', connectorId: null, reason: null },
    inputs: [],
    missing: [],
    invalid: [],
    outcome: { summary: '', fromTemporaryAttributes: false, executionResultId: null, success: null, errorType: null },
  };
}

export function candidatesOf(connectors: CustomerConnector[]): Candidate[] {
  return connectors.map((c) => ({
    id: String(c.connectorId),
    name: c.version.name,
    description: c.version.description ?? '',
    exampleQuestions: asStrings(c.version.exampleQuestions),
    dataInputs: readDataInputs(c.version).map((d) => ({ name: d.name, type: d.type, description: d.description ?? '', required: d.required ?? false })),
    live: c,
  }));
}

export const isWriteCandidate = (candidate: Candidate) => isWriteMethod(candidate.live.version.httpMethod);

export function decideTurn(input: DecideTurnInput, trace: AgentTrace): TurnDecision {
  const { message, temporary } = input;
  const candidates = candidatesOf(input.connectors);
  const context = { contactAttributes: contactContext(input.contact, input.customer), conversationAttributes: input.conversationAttributes };
  const byId = (id: number) => candidates.find((c) => c.live.connectorId === id);

  // An answer to the agent's "Shall I go ahead?".
  const confirmation = readPendingConfirmation(temporary[CONFIRM_KEY]);
  const toConfirm = confirmation ? byId(confirmation.connectorId) : undefined;
  if (confirmation && toConfirm) {
    const answer = confirmationAnswer(message);
    const values = confirmation.values;
    if (answer !== null || !confirmation.reasked) {
      trace.decision = { kind: 'confirmation', connectorId: toConfirm.live.connectorId, reason: answer === null ? 'the answer was neither yes nor no' : `the customer answered ${answer}` };
      trace.inputs = inputsTrace(values, Object.fromEntries(Object.keys(values).map((k) => [k, 'earlier_message' as const])));
      if (answer === 'yes') return { kind: 'run', candidate: toConfirm, values, confirmed: true };
      if (answer === 'no') return { kind: 'cancelled', candidate: toConfirm };
      return { kind: 'confirm', candidate: toConfirm, values, reask: true };
    }
    // Asked twice without a yes or a no: this is a new question.
  }

  // An answer to the agent's question about a connector's inputs.
  const pending = readPending(temporary[PENDING_KEY]);
  const pendingCandidate = pending ? byId(pending.connectorId) : undefined;
  let unanswered: { candidate: Candidate; values: Record<string, ExtractedValue>; sources: Record<string, InputSource>; extracted: ExtractResult } | null = null;
  if (pending && pendingCandidate) {
    const inputs = extractable(pendingCandidate.live.version);
    const extracted = extractInputs(inputs, message, context);
    const values = { ...pending.values, ...extracted.values };
    const sources: Record<string, InputSource> = { ...Object.fromEntries(Object.keys(pending.values).map((k) => [k, 'earlier_message' as const])), ...extracted.sources };
    const stillMissing = inputs.filter((i) => i.required && !Object.hasOwn(values, i.name));
    if (stillMissing.length === 0) {
      trace.decision = { kind: 'pending', connectorId: pending.connectorId, reason: 'the customer answered the question about its inputs' };
      trace.inputs = inputsTrace(values, sources);
      return proceed(pendingCandidate, values);
    }
    unanswered = { candidate: pendingCandidate, values, sources, extracted };
  }

  const ranking = rankConnectors(message, candidates);
  const scores = new Map(ranking.ranked.map((r) => [r.connector.live.connectorId, r]));
  trace.candidates = candidates
    .map((c) => ({ connectorId: c.live.connectorId, name: c.name, score: round(scores.get(c.live.connectorId)?.score ?? 0), matchedTerms: scores.get(c.live.connectorId)?.matchedTerms ?? [] }))
    .sort((a, b) => b.score - a.score);

  // Unless the message is clearly about another connector, it was the answer, and it still lacks a value.
  if (unanswered && !(ranking.decision.kind === 'confident' && ranking.decision.pick.connector.live.connectorId !== unanswered.candidate.live.connectorId)) {
    const { candidate, values, sources, extracted } = unanswered;
    const declared = extractable(candidate.live.version);
    const missing = declared.filter((i) => i.required && !Object.hasOwn(values, i.name)).map((i) => i.name);
    trace.decision = { kind: 'pending', connectorId: candidate.live.connectorId, reason: 'the answer to the question about its inputs still lacks a valid value' };
    trace.inputs = inputsTrace(values, sources);
    trace.missing = missing;
    trace.invalid = extracted.invalid;
    return { kind: 'inputs_still_invalid', candidate, values, missing, invalid: extracted.invalid };
  }

  if (ranking.decision.kind === 'unsure') {
    trace.decision = { kind: 'unsure', connectorId: null, reason: ranking.decision.reason };
    return { kind: 'hand_off', why: unsureReason(ranking.decision.reason, trace.candidates) };
  }
  const candidate = ranking.decision.pick.connector;
  trace.decision = { kind: 'confident', connectorId: candidate.live.connectorId, reason: `matched ${ranking.decision.pick.matchedTerms.join(', ')}` };
  const extracted = extractInputs(extractable(candidate.live.version), message, context);
  trace.missing = extracted.missing;
  trace.invalid = extracted.invalid;
  trace.inputs = inputsTrace(extracted.values, extracted.sources);
  if (extracted.missing.length > 0 || extracted.invalid.length > 0) return { kind: 'ask_for_inputs', candidate, extracted };
  return proceed(candidate, extracted.values);
}

function proceed(candidate: Candidate, values: Record<string, ExtractedValue>): TurnDecision {
  return isWriteCandidate(candidate) ? { kind: 'confirm', candidate, values, reask: false } : { kind: 'run', candidate, values, confirmed: false };
}

const asStrings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const round = (score: number) => Math.round(score * 100) / 100;

export function extractable(version: DataConnectorVersion) {
  return readDataInputs(version).map((d) => ({ name: d.name, type: d.type, description: d.description ?? null, required: d.required ?? false }));
}

function inputsTrace(values: Record<string, ExtractedValue>, sources: Record<string, InputSource>): AgentTrace['inputs'] {
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
