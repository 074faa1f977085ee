// The language-model agent's turn (LLM_BASE_URL and LLM_MODEL set): the same
// job as the deterministic agent (answer-customer-message.ts), with an
// OpenAI-compatible model choosing the connector and its inputs through tool
// calls. Patchbay keeps the decisions that matter in code:
// - tools are only the live direct-use connectors this customer passes the
//   audience for; a call to any other name is refused and logged, never run;
// - arguments are checked against the connector's data inputs first; wrong
//   ones go back to the model (and to the run log) instead of upstream;
// - every run goes through the pipeline as `fin` (gate, shaping, logging) and
//   the model gets the shaped data only, never the raw response;
// - connectors that change data (POST/PUT/PATCH/DELETE) run only after the
//   customer answers "Yes" (the deterministic agent's question and memory);
// - a failed run or a provider failure hands the conversation to the team.
import type { Contact, Prisma } from '../../db/generated/sqlite/client.ts';
import { listConnectorsForCustomer, type CustomerConnector } from '../../connectors/audiences/list-connectors-for-customer.ts';
import { readDataInputs } from '../../connectors/connector-version.ts';
import type { PipelineDeps } from '../../connectors/pipeline/pipeline-deps.ts';
import { runConnector, type RunOutcome } from '../../connectors/pipeline/run-connector.ts';
import { readAttributes } from '../../inbox/conversation-json.ts';
import { nowOf } from '../../inbox/inbox-deps.ts';
import { conversationNotFound } from '../../inbox/load-conversation.ts';
import { notFound } from '../../http/app-error.ts';
import {
  AGENT_KEYS,
  CONFIRM_KEY,
  contactContext,
  readPendingConfirmation,
  readTemporary,
  remember,
  rememberedData,
  VERIFY_KEY,
  type AwaitingVerification,
  type PendingConfirmation,
  type TemporaryAttributes,
} from '../agent-memory.ts';
import { finRunRequest, forget, handOff, OTP_REPLY, runFailureHandOff, writeTurn, type AgentTrace, type AgentTurn, type AnswerCustomerMessageInput, type TurnPart } from '../answer-customer-message.ts';
import { newTrace } from '../decide-turn.ts';
import { HANDOFF_REPLY } from '../deterministic/compose-reply.ts';
import { CANCELLED_REPLY, confirmActionQuestion, confirmationAnswer, isWriteMethod } from '../deterministic/confirm-action.ts';
import { ChatModelError, ToolCallArgumentsError, type AssistantToolCall, type ChatMessage, type ChatModel, type ToolCall } from './chat-completions-client.ts';
import { connectorTools, type ChatTool, type ConnectorTools } from './connector-tools.ts';
import { checkAgentGate, logRefusedCall } from './log-refused-call.ts';
import { historyMessages, MAX_HISTORY_MESSAGES, systemPrompt } from './system-prompt.ts';
import { toolRefusalMessage, toolResultMessage, type ToolMessage } from './tool-result-message.ts';
import { checkToolArguments, givenValues } from './validate-tool-arguments.ts';

export interface ModelAgentDeps extends PipelineDeps {
  chatModel: ChatModel;
  // Model calls per customer message; each may ask for several tools.
  maxModelCalls?: number;
}

export const MAX_MODEL_CALLS = 4;
const HANDOFF_TOOL_NAME = 'handoff_to_team';
export const MODEL_FAILURE_REPLY =
  "I can't answer right now because of a technical problem on our side, so I've passed your question to the team. Someone will reply here.";

export type ModelToolCallStatus =
  | 'ran'
  | 'from_temporary_attributes'
  | 'invalid_arguments'
  | 'refused'
  | 'unknown_tool'
  | 'failed'
  | 'otp_required'
  | 'needs_confirmation'
  | 'already_done'
  | 'handoff';

export interface ModelToolCallTrace {
  id: string;
  tool: string;
  connectorId: number | null;
  arguments: Record<string, unknown>;
  status: ModelToolCallStatus;
  errorType: string | null;
  executionResultId: string | null;
}

export interface ModelTrace extends AgentTrace {
  model: {
    calls: number;
    toolCalls: ModelToolCallTrace[];
    reply: string | null;
    // The provider's failure, as the client reports it (never the API key).
    error: string | null;
  };
}

export interface ModelAgentTurn extends Omit<AgentTurn, 'trace'> {
  trace: ModelTrace;
}

interface Success {
  connectorId: number;
  name: string;
  // Writes are done again each time the customer confirms them: never answered from memory.
  write: boolean;
  values: Record<string, string | number | boolean>;
  outcome: RunOutcome;
}

type Ended = { ended: true; turn: ModelAgentTurn };
type Continue = { ended: false; message: ToolMessage };

export async function answerWithModel(deps: ModelAgentDeps, input: AnswerCustomerMessageInput): Promise<ModelAgentTurn> {
  const { workspaceId, conversationId } = input;
  const row = await deps.db.conversation.findFirst({ where: { id: conversationId, workspaceId }, include: { contact: true, workspace: { select: { name: true } } } });
  if (!row) throw conversationNotFound(conversationId);
  const { contact, workspace, ...conversation } = row;
  const part = await deps.db.conversationPart.findFirst({ where: { id: input.partId, conversationId, authorType: 'customer' } });
  if (!part) throw notFound('conversation_part_not_found', `No customer message ${input.partId} in conversation ${conversationId}`);
  const temporary = readTemporary(conversation);
  const trace: ModelTrace = { ...newTrace(part.body), model: { calls: 0, toolCalls: [], reply: null, error: null } };

  const live = await listConnectorsForCustomer(deps.db, { workspaceId, contact, conversationId, customer: input.customer, now: nowOf(deps), directOnly: true });
  trace.candidates = live.map((c) => ({ connectorId: c.connectorId, name: c.version.name, score: 0, matchedTerms: [] }));
  const { offered, handoffName, tools } = modelTools(live);
  const liveById = new Map(live.map((c) => [c.connectorId, c]));

  const historyRows = await deps.db.conversationPart.findMany({
    where: { conversationId, id: { lte: input.partId }, partType: 'comment', authorType: { in: ['customer', 'bot', 'admin'] } },
    orderBy: { id: 'desc' },
    take: MAX_HISTORY_MESSAGES,
  });
  const messages: ChatMessage[] = [
    {
      role: 'system',
      content: systemPrompt({
        workspaceName: workspace.name,
        customerFacts: { ...contactContext(contact, input.customer), ...readAttributes(conversation) },
        knownData: knownData(temporary),
        handoffToolName: handoffName,
      }),
    },
    ...historyMessages(historyRows.reverse()),
  ];

  const successes: Success[] = [];
  const ctx = { deps, input, trace, contact, temporary, successes };

  // The customer's answer to "shall I go ahead?" from the previous turn.
  let confirmed: PendingConfirmation | null = null;
  const pending = readPendingConfirmation(temporary[CONFIRM_KEY]);
  if (pending) {
    const answer = confirmationAnswer(part.body);
    const connector = liveById.get(pending.connectorId);
    if (answer === 'no') {
      trace.decision = { kind: 'confirmation', connectorId: pending.connectorId, reason: 'the customer declined' };
      trace.outcome.summary = `the customer declined "${connector?.version.name ?? pending.connectorId}"; nothing was run`;
      return reply(ctx, { kind: 'cancelled', connectorId: pending.connectorId, body: CANCELLED_REPLY });
    }
    if (answer === 'yes' && connector) {
      trace.decision = { kind: 'confirmation', connectorId: pending.connectorId, reason: 'the customer confirmed' };
      const toolName = offered.toolNameByConnectorId.get(String(connector.connectorId))!;
      const call: ToolCall = { id: `confirmed_${input.partId}`, name: toolName, arguments: pending.values };
      messages.push({ role: 'assistant', content: null, tool_calls: [echo(call)] });
      const result = await runTool(ctx, call, connector, pending.values);
      if (result.ended) return result.turn;
      messages.push(result.message);
      confirmed = pending;
    }
    // Anything else is a new question: the pending action is forgotten with this turn's write.
  }

  let lastStatus: ModelToolCallStatus | null = null;
  const maxCalls = deps.maxModelCalls ?? MAX_MODEL_CALLS;
  for (let round = 0; round < maxCalls; round++) {
    trace.model.calls += 1;
    let completion: { content: string | null; toolCalls: ToolCall[] };
    try {
      completion = await deps.chatModel.complete({ messages, tools });
    } catch (error) {
      if (error instanceof ToolCallArgumentsError) {
        messages.push({ role: 'assistant', content: error.completion.content, tool_calls: error.completion.toolCalls });
        for (const call of error.completion.toolCalls) messages.push(await unreadableArguments(ctx, error, call, offered.connectorIdByToolName, liveById));
        lastStatus = 'invalid_arguments';
        continue;
      }
      if (error instanceof ChatModelError) return modelFailure(ctx, error);
      throw error;
    }

    if (completion.toolCalls.length === 0) {
      const text = completion.content?.trim() ?? '';
      if (!text) {
        return handOff(deps, input, trace, { connectorId: lastConnector(trace), contact, why: 'the language model gave an empty answer', tried: tried(trace), reply: HANDOFF_REPLY }) as Promise<ModelAgentTurn>;
      }
      trace.model.reply = text;
      if (!trace.outcome.summary) trace.outcome.summary = successes.length > 0 ? `answered with the shaped data of ${successes.map((s) => `"${s.name}"`).join(', ')}` : 'answered by the language model without running a connector';
      return reply(ctx, { kind: lastStatus === 'invalid_arguments' ? 'asked_for_inputs' : 'answered', connectorId: lastConnector(trace), body: text });
    }

    messages.push({ role: 'assistant', content: completion.content, tool_calls: completion.toolCalls.map(echo) });
    for (const call of completion.toolCalls) {
      if (call.name === handoffName) {
        const reason = typeof call.arguments.reason === 'string' && call.arguments.reason.trim() ? call.arguments.reason.trim() : 'no reason given';
        traceCall(trace, call, null, 'handoff', null, null);
        return handOff(deps, input, trace, { connectorId: lastConnector(trace), contact, why: `the language model handed off: ${reason}`, tried: tried(trace), reply: HANDOFF_REPLY }) as Promise<ModelAgentTurn>;
      }
      const connectorId = Number(offered.connectorIdByToolName.get(call.name) ?? NaN);
      const connector = liveById.get(connectorId);
      let result: Ended | Continue;
      if (!connector) result = { ended: false, message: await refuseUnofferedTool(ctx, call) };
      else if (confirmed && confirmed.connectorId === connector.connectorId) {
        traceCall(trace, call, connector.connectorId, 'already_done', null, null);
        result = { ended: false, message: toolRefusalMessage(call.id, { errorType: 'already_done', message: 'This action was already carried out after the customer confirmed it; its result is above. Do not call it again.' }) };
      } else result = await callTool(ctx, call, connector);
      if (result.ended) return result.turn;
      messages.push(result.message);
      lastStatus = trace.model.toolCalls.at(-1)?.status ?? lastStatus;
    }
  }

  return handOff(deps, input, trace, {
    connectorId: lastConnector(trace),
    contact,
    why: `the language model did not reach an answer within ${maxCalls} calls`,
    tried: tried(trace),
    reply: HANDOFF_REPLY,
  }) as Promise<ModelAgentTurn>;
}

interface TurnContext {
  deps: ModelAgentDeps;
  input: AnswerCustomerMessageInput;
  trace: ModelTrace;
  // The customer as loaded for this turn.
  contact: Contact;
  temporary: Record<string, unknown>;
  successes: Success[];
}

// A tool call for a connector this customer may use: check the arguments,
// ask before a write, answer from the temporary attributes, or run it.
async function callTool(ctx: TurnContext, call: ToolCall, connector: CustomerConnector): Promise<Ended | Continue> {
  const { deps, input, trace } = ctx;
  const version = connector.version;
  const check = checkToolArguments(readDataInputs(version), call.arguments);
  if (!check.ok) {
    trace.missing = check.missing;
    trace.invalid = check.invalid.map((e) => ({ name: e.field, reason: e.message }));
    // The pipeline refuses these values itself, every required input checked
    // (after its gate), so the run log says why; nothing is sent.
    const outcome = await runConnector(deps, { ...finRunRequest(input, connector.connectorId, call.arguments), validateMissing: true });
    if (outcome.otpAvailable) return { ended: true, turn: await otpTurn(ctx, call, connector, outcome) };
    if (outcome.success) {
      // Cannot happen (the pipeline checks what checkToolArguments checks); never let a run pass unseen.
      throw new Error(`"${version.name}" ran with arguments the agent found invalid`);
    }
    traceCall(trace, call, connector.connectorId, outcome.errorType === 'request_validation_error' ? 'invalid_arguments' : 'refused', outcome.errorType, outcome.executionResultId);
    return { ended: false, message: toolResultMessage(call.id, outcome) };
  }
  const values = givenValues(check.values);

  if (isWriteMethod(version.httpMethod)) return { ended: true, turn: await askToConfirm(ctx, call, connector, values) };

  const remembered = rememberedData(ctx.temporary, connector.connectorId, version.name, values);
  if (remembered.found) {
    traceCall(trace, call, connector.connectorId, 'from_temporary_attributes', null, null);
    trace.outcome.fromTemporaryAttributes = true;
    setInputs(trace, connector.connectorId, values, `the language model called "${version.name}"`);
    return { ended: false, message: toolResultMessage(call.id, { success: true, data: remembered.data, errorType: null, errorMessage: null, inputErrors: [], otpAvailable: false }) };
  }
  return runTool(ctx, call, connector, values);
}

// Runs the connector through the pipeline as `fin` and tells the model the shaped outcome.
async function runTool(ctx: TurnContext, call: ToolCall, connector: CustomerConnector, values: Record<string, string | number | boolean>): Promise<Ended | Continue> {
  const { deps, input, trace } = ctx;
  const version = connector.version;
  setInputs(trace, connector.connectorId, values, `the language model called "${version.name}"`);
  const outcome = await runConnector(deps, finRunRequest(input, connector.connectorId, values));
  trace.outcome = { ...trace.outcome, executionResultId: outcome.executionResultId, success: outcome.success, errorType: outcome.errorType };
  if (outcome.otpAvailable) return { ended: true, turn: await otpTurn(ctx, call, connector, outcome) };
  if (outcome.success) {
    traceCall(trace, call, connector.connectorId, 'ran', null, outcome.executionResultId);
    ctx.successes.push({ connectorId: connector.connectorId, name: version.name, write: isWriteMethod(version.httpMethod), values, outcome });
    return { ended: false, message: toolResultMessage(call.id, outcome) };
  }
  // The model can do something about this: ask the customer for other values.
  if (outcome.errorType === 'request_validation_error') {
    traceCall(trace, call, connector.connectorId, 'invalid_arguments', outcome.errorType, outcome.executionResultId);
    return { ended: false, message: toolResultMessage(call.id, outcome) };
  }
  const noEmail = outcome.errorType === 'email_verification_error';
  traceCall(trace, call, connector.connectorId, noEmail ? 'refused' : 'failed', outcome.errorType, outcome.executionResultId);
  trace.outcome.summary = `"${version.name}" failed (${outcome.errorType ?? 'error'})`;
  const turn = await handOff(deps, input, trace, runFailureHandOff({ connectorId: connector.connectorId, name: version.name, contact: ctx.contact, outcome, tried: tried(trace) }));
  return { ended: true, turn: turn as ModelAgentTurn };
}

// A tool name that was not offered: the model guessed, or it named a
// connector outside this customer's audience. Such a connector's refusal is
// the gate's and is logged; nothing runs.
async function refuseUnofferedTool(ctx: TurnContext, call: ToolCall): Promise<ToolMessage> {
  const { deps, input, trace } = ctx;
  const wanted = call.name.toLowerCase();
  const candidates = await deps.db.dataConnectorVersion.findMany({
    where: { kind: 'live', directFinUsage: true, dataConnector: { workspaceId: input.workspaceId, state: 'live' } },
    orderBy: { dataConnectorId: 'asc' },
  });
  const named = connectorTools(candidates.map((v) => ({ id: String(v.dataConnectorId), name: v.name, description: v.description, dataInputs: [] })));
  const match = [...named.connectorIdByToolName].find(([name]) => name.toLowerCase() === wanted);
  const version = match ? candidates.find((v) => String(v.dataConnectorId) === match[1]) : undefined;
  if (version) {
    const refusal = await checkAgentGate(deps, { workspaceId: input.workspaceId, version, contact: ctx.contact, conversationId: input.conversationId, customer: input.customer });
    const errorType = refusal?.errorType ?? 'request_configuration_error';
    const errorMessage = refusal?.message ?? `"${version.name}" was not offered to the AI agent for this customer`;
    const executionResultId = await logRefusedCall(deps, { workspaceId: input.workspaceId, version, conversationId: input.conversationId, contactId: ctx.contact.id, errorType, errorMessage });
    traceCall(trace, call, version.dataConnectorId, 'refused', errorType, executionResultId);
    return toolRefusalMessage(call.id, { errorType, message: `${call.name} is not available for this customer. Do not call it again; tell the customer you cannot look that up.` });
  }
  traceCall(trace, call, null, 'unknown_tool', 'unknown_tool', null);
  return toolRefusalMessage(call.id, { errorType: 'unknown_tool', message: `There is no tool named ${call.name}. Use only the tools you were given.` });
}

// The model's arguments were not a JSON object: it is told, and the run log
// shows it for a connector it was offered. Other calls of that answer are not run.
async function unreadableArguments(
  ctx: TurnContext,
  error: ToolCallArgumentsError,
  call: AssistantToolCall,
  connectorIdByToolName: Map<string, string>,
  liveById: Map<number, CustomerConnector>,
): Promise<ToolMessage> {
  const parsed: ToolCall = { id: call.id, name: call.function.name, arguments: {} };
  if (call.id !== error.toolCallId) {
    traceCall(ctx.trace, parsed, null, 'refused', 'not_run', null);
    return toolRefusalMessage(call.id, { errorType: 'not_run', message: 'Not run: another call in the same answer had unreadable arguments. Call it again if it is still needed.' });
  }
  const connector = liveById.get(Number(connectorIdByToolName.get(call.function.name) ?? NaN));
  const errorMessage = `the arguments are not a JSON object: ${error.message.replace(/^.*?: /, '')}`;
  const executionResultId = connector
    ? await logRefusedCall(ctx.deps, { workspaceId: ctx.input.workspaceId, version: connector.version, conversationId: ctx.input.conversationId, contactId: ctx.contact.id, errorType: 'request_validation_error', errorMessage })
    : null;
  traceCall(ctx.trace, parsed, connector?.connectorId ?? null, 'invalid_arguments', 'request_validation_error', executionResultId);
  return toolResultMessage(call.id, { success: false, data: null, errorType: 'request_validation_error', errorMessage, inputErrors: [], otpAvailable: false });
}

async function askToConfirm(ctx: TurnContext, call: ToolCall, connector: CustomerConnector, values: Record<string, string | number | boolean>): Promise<ModelAgentTurn> {
  const { trace } = ctx;
  const version = connector.version;
  traceCall(trace, call, connector.connectorId, 'needs_confirmation', null, null);
  setInputs(trace, connector.connectorId, values, `the language model called "${version.name}", which changes data`);
  trace.outcome.summary = `asked the customer to confirm "${version.name}" before running it`;
  const pending: PendingConfirmation = { connectorId: connector.connectorId, values, reasked: false };
  return reply(ctx, {
    kind: 'confirmation_requested',
    connectorId: connector.connectorId,
    body: confirmActionQuestion(version.name, values),
    action: { type: 'confirm_action', connector_name: version.name },
    set: (t) => void (t[CONFIRM_KEY] = pending as unknown as Prisma.InputJsonValue),
  });
}

async function otpTurn(ctx: TurnContext, call: ToolCall, connector: CustomerConnector, outcome: RunOutcome): Promise<ModelAgentTurn> {
  const { trace } = ctx;
  traceCall(trace, call, connector.connectorId, 'otp_required', outcome.errorType, outcome.executionResultId);
  trace.outcome = { ...trace.outcome, executionResultId: outcome.executionResultId, success: false, errorType: outcome.errorType };
  trace.outcome.summary = `"${connector.version.name}" needs the customer to verify their identity; a one-time code is offered`;
  // Answered again once the customer verifies the emailed code.
  const awaiting: AwaitingVerification = { partId: ctx.input.partId, identityVerified: ctx.input.customer.identityVerified };
  return reply(ctx, {
    kind: 'otp_required',
    connectorId: connector.connectorId,
    body: OTP_REPLY,
    action: { type: 'verify_email' },
    set: (t) => void (t[VERIFY_KEY] = awaiting as unknown as Prisma.InputJsonValue),
  });
}

async function modelFailure(ctx: TurnContext, error: ChatModelError): Promise<ModelAgentTurn> {
  const { deps, input, trace } = ctx;
  trace.model.error = error.message;
  deps.logger.warn(
    { conversationId: input.conversationId, model: { code: error.code, status: error.status, message: error.message } },
    'the language model failed; the conversation was handed to the team',
  );
  return handOff(deps, input, trace, {
    connectorId: lastConnector(trace),
    contact: ctx.contact,
    why: `the language model failed (${error.code}): ${error.message}`,
    tried: tried(trace),
    reply: MODEL_FAILURE_REPLY,
    summary: 'The AI agent could not answer because of a technical problem.',
  }) as Promise<ModelAgentTurn>;
}

// Writes one comment and the agent's memory: data this turn's runs returned,
// and what the agent now waits for (a yes, a verified email), if anything.
async function reply(
  ctx: TurnContext,
  turn: { kind: AgentTurn['kind']; connectorId: number | null; body: string; action?: TurnPart['action']; set?: (attributes: TemporaryAttributes) => void },
): Promise<ModelAgentTurn> {
  const last = ctx.successes.at(-1);
  const replyPartId = await writeTurn(ctx.deps, ctx.input, {
    parts: [{ partType: 'comment', body: turn.body, ...(turn.action && { action: turn.action }) }],
    temporary: (t) => {
      // Everything the agent waited for is settled by this turn, unless it waits again.
      forget(t);
      for (const s of ctx.successes) if (!s.write) remember(t, s.connectorId, s.name, s.values, s.outcome);
      turn.set?.(t);
    },
    ...(last && { attributeSource: { connectorId: last.connectorId, outcome: last.outcome } }),
  });
  return { kind: turn.kind, connectorId: turn.connectorId, replyPartId, trace: ctx.trace };
}

function traceCall(trace: ModelTrace, call: ToolCall, connectorId: number | null, status: ModelToolCallStatus, errorType: string | null, executionResultId: string | null): void {
  trace.model.toolCalls.push({ id: call.id, tool: call.name, connectorId, arguments: call.arguments, status, errorType, executionResultId });
  if (executionResultId) trace.outcome = { ...trace.outcome, executionResultId, success: status === 'ran', errorType };
}

function setInputs(trace: ModelTrace, connectorId: number, values: Record<string, string | number | boolean>, reason: string): void {
  trace.decision = { kind: 'confident', connectorId, reason };
  trace.inputs = Object.entries(values).map(([name, value]) => ({ name, value, source: 'message' as const }));
}

function lastConnector(trace: ModelTrace): number | null {
  return trace.model.toolCalls.findLast((c) => c.connectorId !== null)?.connectorId ?? null;
}

function tried(trace: ModelTrace): string {
  if (trace.model.toolCalls.length === 0) return 'nothing was run';
  return trace.model.toolCalls.map((c) => `${c.tool} (${c.status}${c.executionResultId ? `, execution result ${c.executionResultId}` : ''})`).join('; ');
}

// The tools the model is offered for these connectors (the messenger agent's
// and the admin's preview alike), and the hand-off tool, under a name no connector's tool takes.
export function modelTools(live: readonly CustomerConnector[]): { offered: ConnectorTools; handoffName: string; tools: ChatTool[] } {
  const offered = connectorTools(
    live.map((c) => ({
      id: String(c.connectorId),
      name: c.version.name,
      description: c.version.description,
      dataInputs: readDataInputs(c.version).map((d) => ({ name: d.name, type: d.type, description: d.description, required: d.required ?? false, default: d.default_value })),
    })),
  );
  const handoffName = freeName(HANDOFF_TOOL_NAME, offered.tools);
  return { offered, handoffName, tools: [...offered.tools, handoffTool(handoffName)] };
}

export const echo = (call: ToolCall): AssistantToolCall => ({ id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } });

function handoffTool(name: string): ChatTool {
  return {
    type: 'function',
    function: {
      name,
      description: 'Hand the conversation to the human support team when no tool fits, when you are unsure, or when the customer asks for a person.',
      parameters: { type: 'object', properties: { reason: { type: 'string', description: 'Why the team should take over, in one sentence' } }, required: ['reason'], additionalProperties: false },
    },
  };
}

// The hand-off tool's name must not shadow a connector's.
function freeName(base: string, tools: readonly ChatTool[]): string {
  const taken = new Set(tools.map((t) => t.function.name.toLowerCase()));
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}_${n}`;
  return name;
}

// Connector data kept from earlier turns ("Name > field"); the agent's own notes are left out.
export function knownData(temporary: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(temporary).filter(([key]) => !AGENT_KEYS.includes(key) && !key.startsWith('__')));
}
