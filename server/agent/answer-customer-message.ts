// The deterministic agent's turn (no language model configured): one customer
// message in, one reply out. It picks among the live direct-use connectors
// this customer may use, fills their inputs from what Patchbay already knows
// and asks for the rest, asks the customer to confirm before a connector that
// changes data, runs the connector through the pipeline as `fin`, and answers
// from the shaped data only. When it is unsure, or the run fails, it says so
// and hands the conversation to the team (unassigned, with a note).
//
// The decision itself (decide-turn.ts) reads only; this file acts on it.
import type { Contact, Prisma } from '../db/generated/sqlite/client.ts';
import { listConnectorsForCustomer, type CustomerConnector } from '../connectors/audiences/list-connectors-for-customer.ts';
import { readDataInputs, readResponseFields } from '../connectors/connector-version.ts';
import type { PipelineDeps } from '../connectors/pipeline/pipeline-deps.ts';
import type { MessengerRunSession } from '../connectors/pipeline/client-side-function.ts';
import { runConnector, type RunOutcome } from '../connectors/pipeline/run-connector.ts';
import { isEmailVerified } from '../identity/otp/otp-verification.ts';
import { readAttributes } from '../inbox/conversation-json.ts';
import { nowOf } from '../inbox/inbox-deps.ts';
import { publishConversationUpdated } from '../inbox/inbox-events.ts';
import { conversationNotFound, loadPartJson, loadSummary } from '../inbox/load-conversation.ts';
import { notFound } from '../http/app-error.ts';
import { messengerPartJson, type MessengerPartAction } from '../messenger/messenger-conversations.ts';
import { publishMessengerHandoff } from '../realtime/realtime-events.ts';
import {
  CONFIRM_KEY,
  PENDING_KEY,
  readTemporary,
  remember,
  rememberedData,
  temporaryChanges,
  VERIFY_KEY,
  type AwaitingVerification,
  type Pending,
  type PendingConfirmation,
  type TemporaryAttributes,
} from './agent-memory.ts';
import { candidatesOf, decideTurn, isWriteCandidate, newTrace, type AgentTrace, type Candidate } from './decide-turn.ts';
import { askForInputsReply, composeDataReply, HANDOFF_REPLY, joinWords, plainName, RUN_FAILURE_REPLY, type ShapingMode } from './deterministic/compose-reply.ts';
import { CANCELLED_REPLY, confirmActionQuestion, confirmReaskReply } from './deterministic/confirm-action.ts';
import type { ExtractedValue, ExtractResult } from './deterministic/extract-inputs.ts';
import { rankConnectors } from './deterministic/rank-connectors.ts';
import { checkAgentGate, logRefusedCall } from './llm/log-refused-call.ts';

// The trace is decide-turn.ts's; the language-model agent reads it from here with the turn.
export type { AgentTrace } from './decide-turn.ts';

export const OTP_REPLY =
  "For your security I need to confirm it's you before I can look that up. I'll email you a one-time code: enter it here when it arrives and I'll carry on.";
export const NOT_AVAILABLE_REPLY = "I'm sorry, that isn't something I can look up for you here. I've passed your question to the team, and someone will reply here.";
export const NO_EMAIL_REPLY =
  "I can only do that once you've confirmed who you are, and I have no email address to send you a code. I've passed your question to the team.";

export type AgentTurnKind = 'answered' | 'asked_for_inputs' | 'handed_off' | 'otp_required' | 'confirmation_requested' | 'cancelled';

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
  // The messenger session the message came from: its auth tokens and client-side functions.
  session?: MessengerRunSession | undefined;
}

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
  const trace = newTrace(message);

  const connectors = await listConnectorsForCustomer(deps.db, { workspaceId, contact, conversationId, customer: input.customer, now: nowOf(deps), directOnly: true });
  const decision = decideTurn({ message, connectors, contact, customer: input.customer, conversationAttributes: readAttributes(conversation), temporary }, trace);

  switch (decision.kind) {
    case 'hand_off':
      return (
        (await refuseOutsideAudience(deps, input, trace, contact, connectors)) ??
        handOff(deps, input, trace, { connectorId: null, contact, why: decision.why, tried: 'nothing was run', reply: HANDOFF_REPLY, summary: "The AI agent couldn't find an answer to this question." })
      );
    case 'ask_for_inputs':
      return askForInputs(deps, input, trace, decision.candidate, decision.extracted);
    case 'confirm':
      return askToConfirm(deps, input, trace, decision.candidate, decision.values, decision.reask);
    case 'cancelled': {
      trace.outcome.summary = `the customer declined "${decision.candidate.name}"; nothing was run`;
      const replyPartId = await writeTurn(deps, input, { parts: [{ partType: 'comment', body: CANCELLED_REPLY }], temporary: forget });
      return { kind: 'cancelled', connectorId: decision.candidate.live.connectorId, replyPartId, trace };
    }
    case 'inputs_still_invalid':
      return refuseInvalidInputs(deps, input, trace, contact, decision.candidate, decision.values, decision.missing, decision.invalid);
    case 'run':
      return runAndAnswer(deps, input, trace, contact, decision.candidate, decision.values, temporary);
  }
}

/**
 * Nothing this customer may use matched, but the question clearly asks for a
 * live connector outside their audience: it is refused by the pipeline's own
 * gate, the refusal is logged as an execution result (nothing is sent), and
 * the customer is told plainly before the team takes over.
 */
async function refuseOutsideAudience(deps: PipelineDeps, input: AnswerCustomerMessageInput, trace: AgentTrace, contact: Contact, usable: CustomerConnector[]): Promise<AgentTurn | null> {
  const usableIds = new Set(usable.map((c) => c.connectorId));
  const outside = (
    await deps.db.dataConnectorVersion.findMany({
      where: { kind: 'live', directFinUsage: true, dataConnector: { workspaceId: input.workspaceId, state: 'live' } },
      orderBy: { dataConnectorId: 'asc' },
    })
  ).filter((version) => !usableIds.has(version.dataConnectorId));
  if (outside.length === 0) return null;
  const ranking = rankConnectors(trace.message, candidatesOf(outside.map((version) => ({ connectorId: version.dataConnectorId, version, authentication: 'not_required', otpAvailable: false }))));
  if (ranking.decision.kind !== 'confident') return null;
  const version = ranking.decision.pick.connector.live.version;
  const refusal = await checkAgentGate(deps, { workspaceId: input.workspaceId, version, contact, conversationId: input.conversationId, customer: input.customer });
  if (!refusal) return null;
  const executionResultId = await logRefusedCall(deps, { workspaceId: input.workspaceId, version, conversationId: input.conversationId, contactId: contact.id, errorType: refusal.errorType, errorMessage: refusal.message });
  trace.outcome = { ...trace.outcome, summary: `"${version.name}" matched but is not available to this customer`, executionResultId, success: false, errorType: refusal.errorType };
  return handOff(deps, input, trace, {
    connectorId: version.dataConnectorId,
    contact,
    why: `the question matched "${version.name}", which this customer may not use (${refusal.message})`,
    tried: `nothing was run; the refusal is execution result ${executionResultId}`,
    reply: NOT_AVAILABLE_REPLY,
    summary: "The AI agent can't look this up for this customer.",
  });
}

// Everything the agent was waiting for is settled by a turn, unless the turn sets it again.
export function forget(attributes: TemporaryAttributes): void {
  delete attributes[PENDING_KEY];
  delete attributes[CONFIRM_KEY];
  delete attributes[VERIFY_KEY];
}

async function runAndAnswer(
  deps: PipelineDeps,
  input: AnswerCustomerMessageInput,
  trace: AgentTrace,
  contact: Contact,
  candidate: Candidate,
  values: Record<string, ExtractedValue>,
  temporary: Record<string, unknown>,
): Promise<AgentTurn> {
  const version = candidate.live.version;
  const connectorId = candidate.live.connectorId;
  const replyOptions = { mode: version.dataTransformationType as ShapingMode, fields: readResponseFields(version) };

  // A write is done again each time the customer confirms it; only reads are answered from memory.
  const remembered = isWriteCandidate(candidate) ? ({ found: false } as const) : rememberedData(temporary, connectorId, version.name, values);
  if (remembered.found) {
    trace.outcome = { ...trace.outcome, summary: `answered from the temporary attributes of "${version.name}"`, fromTemporaryAttributes: true };
    const replyPartId = await writeTurn(deps, input, { parts: [{ partType: 'comment', body: composeDataReply(remembered.data, replyOptions) }], temporary: forget });
    return { kind: 'answered', connectorId, replyPartId, trace };
  }

  const outcome = await runConnector(deps, finRunRequest(input, connectorId, values));
  trace.outcome = { ...trace.outcome, executionResultId: outcome.executionResultId, success: outcome.success, errorType: outcome.errorType };

  if (!outcome.success && outcome.otpAvailable) {
    trace.outcome.summary = `"${version.name}" needs the customer to verify their identity; a one-time code is offered`;
    const awaiting: AwaitingVerification = { partId: input.partId, identityVerified: input.customer.identityVerified };
    const replyPartId = await writeTurn(deps, input, {
      parts: [{ partType: 'comment', body: OTP_REPLY, action: { type: 'verify_email' } }],
      temporary: (t) => {
        forget(t);
        t[VERIFY_KEY] = awaiting as unknown as Prisma.InputJsonValue;
      },
    });
    return { kind: 'otp_required', connectorId, replyPartId, trace };
  }
  if (!outcome.success) {
    trace.outcome.summary = `"${version.name}" failed (${outcome.errorType ?? 'error'})`;
    return handOff(deps, input, trace, runFailureHandOff({ connectorId, name: version.name, contact, outcome, tried: `ran "${version.name}" (execution result ${outcome.executionResultId ?? 'none'})` }));
  }

  trace.outcome.summary = `answered with the shaped data of "${version.name}"`;
  const replyPartId = await writeTurn(deps, input, {
    parts: [{ partType: 'comment', body: composeDataReply(outcome.data, replyOptions) }],
    temporary: (t) => {
      forget(t);
      remember(t, connectorId, version.name, values, outcome);
    },
    attributeSource: { connectorId, outcome },
  });
  return { kind: 'answered', connectorId, replyPartId, trace };
}

// A live run as the AI agent (`fin`) for the customer message: with the
// customer's proven identity, and its messenger session's auth tokens and client functions.
export function finRunRequest(input: AnswerCustomerMessageInput, connectorId: number, inputs: Record<string, unknown>) {
  return {
    workspaceId: input.workspaceId,
    connectorId,
    version: 'live' as const,
    source: { type: 'fin' as const, id: null },
    conversationId: input.conversationId,
    conversationPartId: input.partId,
    inputs,
    customer: input.customer,
    session: input.session,
  };
}

// The hand-off after a run failed: a connector that needs a verified email the customer has no address for, or any other failure.
export function runFailureHandOff(run: { connectorId: number; name: string; contact: HandOffInput['contact']; outcome: RunOutcome; tried: string }): HandOffInput {
  const { outcome } = run;
  const noEmail = outcome.errorType === 'email_verification_error';
  return {
    connectorId: run.connectorId,
    contact: run.contact,
    why: `running "${run.name}" failed: ${outcome.errorType ?? 'error'}${outcome.errorMessage ? ` (${outcome.errorMessage})` : ''}`,
    tried: run.tried,
    reply: noEmail ? NO_EMAIL_REPLY : RUN_FAILURE_REPLY,
    summary: noEmail ? 'The AI agent needed the customer to verify their identity, and there is no email address to send a code to.' : "The AI agent tried to look this up but couldn't get the information.",
  };
}

async function askForInputs(deps: PipelineDeps, input: AnswerCustomerMessageInput, trace: AgentTrace, candidate: Candidate, extracted: ExtractResult): Promise<AgentTurn> {
  const connectorId = candidate.live.connectorId;
  const declared = new Map(readDataInputs(candidate.live.version).map((d) => [d.name, d]));
  const askable = (name: string) => ({ name, description: declared.get(name)?.description ?? null });
  const body = askForInputsReply(extracted.missing.map(askable), extracted.invalid.map((i) => ({ ...askable(i.name), reason: i.reason })));
  trace.outcome.summary = `asked for ${[...extracted.invalid.map((i) => i.name), ...extracted.missing].join(', ')} of "${candidate.name}"`;
  const pending: Pending = { connectorId, values: extracted.values };
  const replyPartId = await writeTurn(deps, input, {
    parts: [{ partType: 'comment', body }],
    temporary: (t) => {
      forget(t);
      t[PENDING_KEY] = pending as unknown as Prisma.InputJsonValue;
    },
  });
  return { kind: 'asked_for_inputs', connectorId, replyPartId, trace };
}

async function askToConfirm(deps: PipelineDeps, input: AnswerCustomerMessageInput, trace: AgentTrace, candidate: Candidate, values: Record<string, ExtractedValue>, reask: boolean): Promise<AgentTurn> {
  const connectorId = candidate.live.connectorId;
  const question = confirmActionQuestion(candidate.name, values);
  trace.outcome.summary = `${reask ? 'asked again' : 'asked'} the customer to confirm "${candidate.name}" before running it`;
  const pending: PendingConfirmation = { connectorId, values, reasked: reask };
  const replyPartId = await writeTurn(deps, input, {
    parts: [{ partType: 'comment', body: reask ? confirmReaskReply(question) : question, action: { type: 'confirm_action', connector_name: candidate.name } }],
    temporary: (t) => {
      forget(t);
      t[CONFIRM_KEY] = pending as unknown as Prisma.InputJsonValue;
    },
  });
  return { kind: 'confirmation_requested', connectorId, replyPartId, trace };
}

// The customer answered the agent's question about inputs without a usable
// value. The connector still goes through the pipeline, with every required
// input checked, so the refusal is logged like any other run
// (request_validation_error, nothing sent), then the team takes over.
async function refuseInvalidInputs(
  deps: PipelineDeps,
  input: AnswerCustomerMessageInput,
  trace: AgentTrace,
  contact: Contact,
  candidate: Candidate,
  values: Record<string, ExtractedValue>,
  missing: string[],
  invalid: { name: string; reason: string }[],
): Promise<AgentTurn> {
  const connectorId = candidate.live.connectorId;
  const outcome = await runConnector(deps, { ...finRunRequest(input, connectorId, values), validateMissing: true });
  trace.outcome = { ...trace.outcome, executionResultId: outcome.executionResultId, success: outcome.success, errorType: outcome.errorType };
  const names = [...new Set([...invalid.map((i) => i.name), ...missing])];
  const wanted = names.map(plainName);
  trace.outcome.summary = `"${candidate.name}" still lacks a valid ${names.join(', ')}; handed off`;
  return handOff(deps, input, trace, {
    connectorId,
    contact,
    why: `the customer's answer still lacked a valid ${names.join(', ')} for "${candidate.name}"`,
    tried: `ran "${candidate.name}" with the inputs collected (execution result ${outcome.executionResultId ?? 'none'}: ${outcome.errorType ?? 'no error'})`,
    reply: `I still don't have a valid ${joinWords(wanted)}, so I can't look that up. I've passed your question to the team; someone will reply here.`,
    summary: `The AI agent needed the customer's ${joinWords(wanted)} and didn't get a valid one.`,
  });
}

export interface HandOffInput {
  connectorId: number | null;
  // The customer as loaded for this turn: their email goes to the host page when it is proved.
  contact: Pick<Contact, 'email' | 'emailVerifiedAt' | 'verifiedEmail'>;
  // For the team's note: may name connectors, error types and execution results.
  why: string;
  tried: string;
  // What the customer reads in the chat.
  reply: string;
  // Handed to the host page with messenger.handoff: customer-safe, no
  // connector internals. A generic one when not given.
  summary?: string | undefined;
}

export async function handOff(deps: PipelineDeps, input: AnswerCustomerMessageInput, trace: AgentTrace, handoff: HandOffInput): Promise<AgentTurn> {
  if (!trace.outcome.summary) trace.outcome.summary = `handed off: ${handoff.why}`;
  const quoted = trace.message.length > MESSAGE_IN_NOTE ? `${trace.message.slice(0, MESSAGE_IN_NOTE - 1)}…` : trace.message;
  const note = [`AI agent handed this conversation to the team.`, `Customer asked: "${quoted}"`, `Why: ${handoff.why}`, `Tried: ${handoff.tried}`].join('\n');
  const replyPartId = await writeTurn(deps, input, {
    parts: [
      { partType: 'note', body: note },
      { partType: 'comment', body: handoff.reply },
    ],
    temporary: forget,
    handOff: true,
  });
  // The host page's handoff function gets the summary, and the customer's email only when it is proved.
  const { contact } = handoff;
  const email = contact.email && (input.customer.identityVerified || isEmailVerified(contact)) ? contact.email : null;
  const summary = [`Customer asked: "${quoted}"`, handoff.summary ?? 'The AI agent passed this question to the team.'].join('\n');
  publishMessengerHandoff(deps.bus, input.workspaceId, input.conversationId, { summary, email });
  return { kind: 'handed_off', connectorId: handoff.connectorId, replyPartId, trace };
}

export interface TurnPart {
  partType: 'comment' | 'note';
  body: string;
  // A widget action (contract: metadata.agentAction of bot parts).
  action?: MessengerPartAction | undefined;
}

export interface TurnWrite {
  parts: TurnPart[];
  temporary: (attributes: TemporaryAttributes) => void;
  handOff?: boolean;
  // The run whose data the turn keeps as temporary attributes: announced to open inboxes.
  attributeSource?: { connectorId: number; outcome: Pick<RunOutcome, 'executionResultId'> } | undefined;
}

// Writes the agent's parts (and its memory) in one transaction, then tells
// open inboxes, as a teammate's reply does, and the customer's messenger.
// Returns the last part's id.
export async function writeTurn(deps: PipelineDeps, input: Pick<AnswerCustomerMessageInput, 'workspaceId' | 'conversationId'>, turn: TurnWrite): Promise<number> {
  const { workspaceId, conversationId } = input;
  const now = nowOf(deps);
  const { parts, summary, changes } = await deps.db.$transaction(async (tx) => {
    const current = await tx.conversation.findFirst({ where: { id: conversationId, workspaceId } });
    if (!current) throw conversationNotFound(conversationId);
    const before = readTemporary(current);
    const attributes = { ...before } as TemporaryAttributes;
    turn.temporary(attributes);
    const rows = [];
    for (const part of turn.parts) {
      rows.push(
        await tx.conversationPart.create({
          data: { conversationId, authorType: 'bot', partType: part.partType, body: part.body, createdAt: now, ...(part.action && { metadata: { agentAction: part.action } }) },
        }),
      );
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
    for (const row of rows) json.push({ row, json: await loadPartJson(tx, workspaceId, row.id) });
    return { parts: json, summary: await loadSummary(tx, workspaceId, conversationId, now), changes: temporaryChanges(before, attributes) };
  });
  for (const { row, json } of parts) {
    deps.bus.publish({ type: 'conversation.part.created', workspace_id: String(workspaceId), conversation_id: String(conversationId), part: json });
    // The customer's messenger gets comments only, with the widget action they carry.
    const messengerPart = messengerPartJson(row, new Map());
    if (messengerPart) deps.bus.publish({ type: 'messenger.part.created', workspace_id: String(workspaceId), conversation_id: String(conversationId), part: messengerPart });
  }
  publishConversationUpdated(deps.bus, workspaceId, summary);
  if (turn.attributeSource && Object.keys(changes).length > 0) {
    deps.bus.publish({
      type: 'attribute.updated',
      workspace_id: String(workspaceId),
      target: 'conversation_temporary',
      id: String(conversationId),
      conversation_id: String(conversationId),
      changes,
      source: { type: 'fin', id: null, data_connector_id: String(turn.attributeSource.connectorId), execution_result_id: String(turn.attributeSource.outcome.executionResultId) },
    });
  }
  return Number(parts.at(-1)!.json.id);
}
