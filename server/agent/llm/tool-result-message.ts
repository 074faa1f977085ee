// What the model is told after a tool call. Only the shaped data (restricted
// fields under their customer-facing names, or code-block output) ever goes to
// a language model: the outcome's rawData is deliberately out of this type.
import type { ExecutionErrorType } from '../../connectors/execution-result-view.ts';
import type { RunOutcome } from '../../connectors/pipeline/run-connector.ts';
import type { ChatMessage } from './chat-completions-client.ts';

export type ToolMessage = Extract<ChatMessage, { role: 'tool' }>;
export type ToolOutcome = Pick<RunOutcome, 'success' | 'data' | 'errorType' | 'errorMessage' | 'inputErrors' | 'otpAvailable'>;

// Refusals are the gate saying no (or a tool the customer may not use); the
// model should explain and not retry with other values.
const REFUSAL_TYPES: ReadonlySet<string> = new Set<ExecutionErrorType>([
  'fin_action_identity_verification_error',
  'email_verification_error',
  'non_fin_standalone_action_identity_verification_error',
]);

// Big enough for any sensible shaped response, small enough to leave room in a local model's context.
export const MAX_TOOL_CONTENT_CHARS = 16_000;

export function toolResultMessage(toolCallId: string, outcome: ToolOutcome): ToolMessage {
  if (outcome.success) return { role: 'tool', tool_call_id: toolCallId, content: successContent(outcome.data) };
  const errorType = outcome.errorType ?? 'request_configuration_error';
  return failureMessage(toolCallId, {
    status: REFUSAL_TYPES.has(errorType) || outcome.otpAvailable ? 'refused' : 'failed',
    errorType,
    message: outcome.errorMessage ?? 'the connector did not run',
    inputErrors: outcome.inputErrors,
    otpAvailable: outcome.otpAvailable,
  });
}

// For tool calls refused before the pipeline runs: an unknown tool name, a
// connector outside this customer's audience, a write the customer did not confirm.
export function toolRefusalMessage(toolCallId: string, refusal: { errorType: string; message: string }): ToolMessage {
  return failureMessage(toolCallId, { status: 'refused', errorType: refusal.errorType, message: refusal.message, inputErrors: [], otpAvailable: false });
}

interface Failure {
  status: 'refused' | 'failed';
  errorType: string;
  message: string;
  inputErrors: readonly { field: string; message: string }[];
  otpAvailable: boolean;
}

function failureMessage(toolCallId: string, failure: Failure): ToolMessage {
  const body: Record<string, unknown> = { status: failure.status, error_type: failure.errorType, message: plain(failure.message) };
  if (failure.inputErrors.length > 0) body.input_errors = failure.inputErrors.map((e) => ({ field: e.field, message: plain(e.message) }));
  if (failure.otpAvailable) body.otp_available = true;
  return { role: 'tool', tool_call_id: toolCallId, content: JSON.stringify(body) };
}

function successContent(data: unknown): string {
  const content = JSON.stringify({ status: 'success', data: data ?? null });
  if (content.length <= MAX_TOOL_CONTENT_CHARS) return content;
  // Cut the serialized data rather than send invalid JSON; the model is told it is partial.
  const serialized = JSON.stringify(data);
  // Escaping quotes grows the text again, so shrink until the whole message fits.
  for (let keep = MAX_TOOL_CONTENT_CHARS; ; ) {
    const cut = JSON.stringify({ status: 'success', truncated: true, data_text: serialized.slice(0, keep) });
    if (cut.length <= MAX_TOOL_CONTENT_CHARS) return cut;
    keep -= Math.max(1, cut.length - MAX_TOOL_CONTENT_CHARS);
  }
}

function plain(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
