// POST /api/agent/preview when a language model is configured: the decision
// trace of the language-model agent for a sample message and contact. The
// model gets what the messenger agent would give it for this contact (the same
// system prompt and tools) with the sample message as the only history, and
// each tool call is checked as the messenger agent checks it: offered tool,
// arguments against the data inputs, gate. Refusals and wrong arguments go
// back to the model, as in the messenger, and are not logged (there is no
// conversation); nothing is written to any conversation.
//
// Without run_live nothing is sent to a connector's API: the trace stops at the
// model's first answer that would run a connector ("would call X with
// {args}"). The model is not asked for a provisional reply then: it would
// answer about data it never got. With run_live that call runs through the
// pipeline like the builder's test (no source type, no conversation, attribute
// mappings not written) and only its shaped data goes back to the model, whose
// answer is the reply the customer would read.
import { readDataInputs } from '../../connectors/connector-version.ts';
import type { CustomerConnector } from '../../connectors/audiences/list-connectors-for-customer.ts';
import type { Actor } from '../../connectors/connector-deps.ts';
import { coerceInputs } from '../../connectors/pipeline/coerce-inputs.ts';
import type { PipelineDeps } from '../../connectors/pipeline/pipeline-deps.ts';
import { contactContext } from '../agent-memory.ts';
import {
  loadPreviewSetup,
  renderUrl,
  runLivePreview,
  runView,
  type AgentPreview,
  type AgentPreviewAction,
  type AgentPreviewInput,
  type AgentPreviewToolCall,
  type AgentPreviewToolCallStatus,
} from '../agent-preview.ts';
import { NO_EMAIL_REPLY, OTP_REPLY } from '../answer-customer-message.ts';
import { HANDOFF_REPLY, RUN_FAILURE_REPLY } from '../deterministic/compose-reply.ts';
import { confirmActionQuestion, isWriteMethod } from '../deterministic/confirm-action.ts';
import { echo, MAX_MODEL_CALLS, MODEL_FAILURE_REPLY, modelTools } from './answer-with-model.ts';
import { ChatModelError, ToolCallArgumentsError, type ChatMessage, type ChatModel, type ToolCall } from './chat-completions-client.ts';
import { connectorTools } from './connector-tools.ts';
import { historyMessages, systemPrompt } from './system-prompt.ts';
import { toolRefusalMessage, toolResultMessage, type ToolMessage } from './tool-result-message.ts';
import { checkToolArguments, givenValues } from './validate-tool-arguments.ts';

export interface PreviewModelDeps extends PipelineDeps {
  chatModel: ChatModel;
  maxModelCalls?: number;
}

type Values = Record<string, string | number | boolean>;

// How the turn ends: what the customer would get.
interface End {
  action: AgentPreviewAction;
  reply: string | null;
  question?: string;
  reason: string;
}

interface Step {
  entry: AgentPreviewToolCall;
  message?: ToolMessage;
  // The messenger agent's turn ends here.
  end?: End;
  // Dry run: this call would be sent upstream, so the trace stops after this answer's calls.
  pause?: boolean;
}

export async function previewWithModel(deps: PreviewModelDeps, actor: Actor, input: AgentPreviewInput): Promise<AgentPreview> {
  const setup = await loadPreviewSetup(deps, actor, input);
  const { workspaceId, contact, customer, usable } = setup;
  const workspace = await deps.db.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { name: true } });
  const { offered, handoffName, tools } = modelTools(usable);
  const offeredIds = new Set(usable.map((c) => String(c.connectorId)));
  const rows = setup.connectorRows().map((row) => ({ ...row, candidate: offeredIds.has(row.data_connector_id) }));
  const rowById = new Map(rows.map((r) => [r.data_connector_id, r]));
  const usableById = new Map(usable.map((c) => [c.connectorId, c]));
  // Every direct-use connector under its tool name, to tell which one an unoffered name meant (as the messenger agent does).
  const named = connectorTools(setup.all.map((a) => ({ id: String(a.connectorId), name: a.version.name, description: a.version.description, dataInputs: [] })));
  const facts = contactContext(contact, customer);
  const messages: ChatMessage[] = [
    { role: 'system', content: systemPrompt({ workspaceName: workspace.name, customerFacts: facts, knownData: {}, handoffToolName: handoffName }) },
    ...historyMessages([{ id: 0, authorType: 'customer', partType: 'comment', body: input.message }]),
  ];

  const calls: AgentPreviewToolCall[] = [];
  // Set by the tool calls as they are looked at: the last connector the model
  // called (the decision), its arguments' problems, the confirmation question
  // of a write run live, and the last live run.
  const state: {
    chosen: { connector: CustomerConnector; values: Values | null; entry: AgentPreviewToolCall; requestError: string | null } | null;
    missing: string[];
    invalid: { name: string; reason: string }[];
    confirmed: string | null;
    lastRun: AgentPreview['run'];
  } = { chosen: null, missing: [], invalid: [], confirmed: null, lastRun: null };
  let modelReply: string | null = null;
  let modelError: string | null = null;
  let modelCalls = 0;

  const entryFor = (call: ToolCall, connectorId: string | null, status: AgentPreviewToolCallStatus, detail: string | null): AgentPreviewToolCall => {
    const row = connectorId === null ? undefined : rowById.get(connectorId);
    return {
      id: call.id,
      tool: call.name,
      data_connector_id: connectorId,
      name: row?.name ?? null,
      arguments: call.arguments,
      validation: null,
      gate: row ? { allowed: row.gate.allowed, reason: row.gate.reason } : null,
      status,
      detail,
      request: null,
      run: null,
    };
  };

  async function previewCall(call: ToolCall): Promise<Step> {
    if (call.name === handoffName) {
      const reason = typeof call.arguments.reason === 'string' && call.arguments.reason.trim() ? call.arguments.reason.trim() : 'no reason given';
      return { entry: entryFor(call, null, 'handoff', reason), end: { action: 'hand_off', reply: HANDOFF_REPLY, reason: `the language model handed off: ${reason}` } };
    }
    const connector = usableById.get(Number(offered.connectorIdByToolName.get(call.name) ?? NaN));
    if (!connector) {
      const match = [...named.connectorIdByToolName].find(([name]) => name.toLowerCase() === call.name.toLowerCase());
      if (match) {
        const entry = entryFor(call, match[1], 'refused', 'not offered to the model for this contact: the agent refuses the call and nothing runs');
        return { entry, message: toolRefusalMessage(call.id, { errorType: 'request_configuration_error', message: `${call.name} is not available for this customer. Do not call it again; tell the customer you cannot look that up.` }) };
      }
      return {
        entry: entryFor(call, null, 'unknown_tool', 'no tool of that name was offered'),
        message: toolRefusalMessage(call.id, { errorType: 'unknown_tool', message: `There is no tool named ${call.name}. Use only the tools you were given.` }),
      };
    }

    const version = connector.version;
    const id = String(connector.connectorId);
    const check = checkToolArguments(readDataInputs(version), call.arguments);
    const entry = entryFor(call, id, 'would_run', null);
    entry.validation = check.ok ? { valid: true, missing: [], invalid: [] } : { valid: false, missing: check.missing, invalid: check.invalid.map((e) => ({ name: e.field, reason: e.message })) };
    const values = check.ok ? givenValues(check.values) : null;
    const chosen = { connector, values, entry, requestError: null as string | null };
    state.chosen = chosen;
    state.missing = entry.validation.missing;
    state.invalid = entry.validation.invalid;
    if (values) {
      try {
        entry.request = await renderUrl(deps, workspaceId, contact.id, version, values);
      } catch (error) {
        chosen.requestError = error instanceof Error ? error.message : 'the request cannot be built';
      }
    }

    // The gate comes first, as in the pipeline.
    if (connector.authentication === 'unverified') {
      entry.status = 'otp_required';
      entry.detail = 'the customer must verify their identity first: the agent offers a one-time code by email';
      return { entry, end: { action: 'verify_email', reply: OTP_REPLY, reason: `the language model called "${version.name}", which needs a verified customer` } };
    }
    if (connector.authentication === 'no_email') {
      entry.status = 'refused';
      entry.detail = 'the customer must verify their identity first, and has no email address to send a code to';
      if (values) return { entry, end: { action: 'hand_off', reply: NO_EMAIL_REPLY, reason: `the language model called "${version.name}", which needs a verified customer` } };
      return { entry, message: toolRefusalMessage(call.id, { errorType: 'email_verification_error', message: entry.detail }) };
    }
    if (!values) {
      entry.status = 'invalid_arguments';
      entry.detail = 'the arguments do not fit the data inputs: the model is told, and nothing is sent';
      const coerced = coerceInputs(readDataInputs(version), call.arguments, { validateMissing: true });
      const inputErrors = 'error' in coerced ? coerced.error : [];
      return { entry, message: toolResultMessage(call.id, { success: false, data: null, errorType: 'request_validation_error', errorMessage: inputErrors.map((e) => e.message).join('; '), inputErrors, otpAvailable: false }) };
    }
    const write = isWriteMethod(version.httpMethod);
    if (!input.run_live) {
      if (write) {
        entry.status = 'needs_confirmation';
        entry.detail = 'changes data: the agent asks the customer to confirm first; not run (run_live is false)';
        const question = confirmActionQuestion(version.name, values);
        return { entry, end: { action: 'confirm_action', reply: question, question, reason: `the language model called "${version.name}", which changes data` } };
      }
      entry.detail = 'not run: run_live is false, so nothing is sent to the API';
      return { entry, pause: true };
    }

    if (write) state.confirmed = confirmActionQuestion(version.name, values);
    const outcome = await runLivePreview(deps, { workspaceId, connectorId: connector.connectorId, contactId: contact.id, inputs: values, customer });
    entry.run = runView(outcome);
    state.lastRun = entry.run;
    if (outcome.otpAvailable) {
      entry.status = 'otp_required';
      return { entry, end: { action: 'verify_email', reply: OTP_REPLY, reason: `"${version.name}" needs a verified customer` } };
    }
    if (outcome.success) {
      entry.status = 'ran';
      entry.detail = write ? 'run as if the customer had confirmed; its shaped data went to the model' : 'its shaped data went to the model';
      return { entry, message: toolResultMessage(call.id, outcome) };
    }
    if (outcome.errorType === 'request_validation_error') {
      entry.status = 'invalid_arguments';
      return { entry, message: toolResultMessage(call.id, outcome) };
    }
    const noEmail = outcome.errorType === 'email_verification_error';
    entry.status = noEmail ? 'refused' : 'failed';
    return { entry, end: { action: 'hand_off', reply: noEmail ? NO_EMAIL_REPLY : RUN_FAILURE_REPLY, reason: `running "${version.name}" failed (${outcome.errorType ?? 'error'})` } };
  }

  let end: End | null = null;
  let lastStatus: AgentPreviewToolCallStatus | null = null;
  const maxCalls = deps.maxModelCalls ?? MAX_MODEL_CALLS;
  for (let round = 0; round < maxCalls && !end; round++) {
    modelCalls += 1;
    let completion: { content: string | null; toolCalls: ToolCall[] };
    try {
      completion = await deps.chatModel.complete({ messages, tools });
    } catch (error) {
      if (error instanceof ToolCallArgumentsError) {
        messages.push({ role: 'assistant', content: error.completion.content, tool_calls: error.completion.toolCalls });
        for (const raw of error.completion.toolCalls) {
          const call: ToolCall = { id: raw.id, name: raw.function.name, arguments: {} };
          const connectorId = offered.connectorIdByToolName.get(raw.function.name) ?? null;
          if (raw.id !== error.toolCallId) {
            calls.push(entryFor(call, connectorId, 'not_run', 'another call in the same answer had unreadable arguments'));
            messages.push(toolRefusalMessage(raw.id, { errorType: 'not_run', message: 'Not run: another call in the same answer had unreadable arguments. Call it again if it is still needed.' }));
            continue;
          }
          const reason = `the arguments are not a JSON object: ${error.message.replace(/^.*?: /, '')}`;
          const entry = entryFor(call, connectorId, 'invalid_arguments', reason);
          entry.validation = { valid: false, missing: [], invalid: [{ name: '(arguments)', reason }] };
          calls.push(entry);
          messages.push(toolResultMessage(raw.id, { success: false, data: null, errorType: 'request_validation_error', errorMessage: reason, inputErrors: [], otpAvailable: false }));
        }
        lastStatus = 'invalid_arguments';
        continue;
      }
      if (error instanceof ChatModelError) {
        // The client's message names the endpoint and the failure, never the API key.
        modelError = error.message;
        deps.logger.warn({ contactId: contact.id, model: { code: error.code, status: error.status, message: error.message } }, 'agent preview: the language model failed');
        end = { action: 'hand_off', reply: MODEL_FAILURE_REPLY, reason: `the language model failed (${error.code}): ${error.message}` };
        break;
      }
      throw error;
    }

    if (completion.toolCalls.length === 0) {
      const text = completion.content?.trim() ?? '';
      if (!text) end = { action: 'hand_off', reply: HANDOFF_REPLY, reason: 'the language model gave an empty answer' };
      else {
        modelReply = text;
        end = { action: lastStatus === 'invalid_arguments' ? 'ask_for_inputs' : 'answer', reply: text, reason: 'the language model answered' };
      }
      break;
    }

    messages.push({ role: 'assistant', content: completion.content, tool_calls: completion.toolCalls.map(echo) });
    let pause = false;
    for (const call of completion.toolCalls) {
      if (end) {
        calls.push(entryFor(call, offered.connectorIdByToolName.get(call.name) ?? null, 'not_run', 'the turn ended with an earlier call of the same answer'));
        continue;
      }
      const step = await previewCall(call);
      calls.push(step.entry);
      lastStatus = step.entry.status;
      if (step.message) messages.push(step.message);
      if (step.end) end = step.end;
      if (step.pause) pause = true;
    }
    if (pause && !end) {
      const would = calls.filter((c) => c.status === 'would_run').map((c) => `"${c.name}"`);
      end = { action: 'answer', reply: null, reason: `the language model would call ${would.join(', ')}` };
    }
  }
  end ??= { action: 'hand_off', reply: HANDOFF_REPLY, reason: `the language model did not reach an answer within ${maxCalls} calls` };

  const pick = state.chosen;
  const action: AgentPreviewAction = state.confirmed && end.action === 'answer' ? 'confirm_action' : end.action;
  const question = end.question ?? (action === 'confirm_action' ? state.confirmed : null) ?? (action === 'ask_for_inputs' ? end.reply : null);
  const calledApi = calls.some((c) => c.run?.called_api);
  return {
    type: 'agent.preview',
    agent: 'model',
    message: input.message,
    contact_id: String(contact.id),
    identity_verified: input.identity_verified,
    connectors: rows,
    decision: pick
      ? { kind: 'confident', data_connector_id: String(pick.connector.connectorId), reason: `the language model called "${pick.connector.version.name}"` }
      : { kind: 'unsure', data_connector_id: null, reason: end.reason },
    action,
    inputs: pick?.values ? Object.entries(pick.values).map(([name, value]) => ({ name, value, source: sourceOf(facts, name, value) })) : [],
    missing: state.missing,
    invalid: state.invalid,
    question,
    request: pick?.entry.request ?? null,
    request_error: pick?.requestError ?? null,
    run: state.lastRun,
    reply: end.reply,
    notice: `${calledApi ? 'This preview sent a real request to the API: anything it changes there is changed.' : 'Nothing was sent to the API.'} The sample message and the contact’s facts were sent to the language model; no customer saw anything.`,
    tool_calls: calls,
    model_reply: modelReply,
    model_error: modelError,
    model_calls: modelCalls,
  };
}

// The model says nothing about where a value came from: a value equal to one
// of the customer's facts (which its instructions carry) is taken as from the
// contact, anything else as from the message.
function sourceOf(facts: Record<string, unknown>, name: string, value: string | number | boolean): 'context' | 'message' {
  if (Object.hasOwn(facts, name) && String(facts[name]) === String(value)) return 'context';
  return Object.values(facts).some((fact) => (typeof fact === 'string' || typeof fact === 'number' || typeof fact === 'boolean') && String(fact) === String(value)) ? 'context' : 'message';
}
