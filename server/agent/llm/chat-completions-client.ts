// A minimal OpenAI-compatible chat-completions client with tool calling. The
// same wire format is served by hosted APIs and by local servers (Ollama,
// vLLM, llama.cpp at .../v1), so baseUrl includes the /v1 part.
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { ChatTool } from './connector-tools.ts';

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: AssistantToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface AssistantToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export interface ChatCompletion {
  content: string | null;
  toolCalls: ToolCall[];
}

export interface CompleteRequest {
  messages: ChatMessage[];
  tools?: ChatTool[];
  signal?: AbortSignal;
}

export interface ChatModel {
  complete(request: CompleteRequest): Promise<ChatCompletion>;
}

interface FetchInit {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  dispatcher?: Dispatcher;
}
export type FetchLike = (url: string, init: FetchInit) => Promise<{ status: number; text(): Promise<string> }>;

export interface ChatModelOptions {
  baseUrl: string;
  apiKey?: string | null | undefined;
  model: string;
  timeoutMs: number;
  temperature?: number;
  fetch?: FetchLike;
  dispatcher?: Dispatcher;
}

export type ChatModelErrorCode = 'http_error' | 'timeout' | 'network_error' | 'invalid_response';

// Messages name the endpoint and what went wrong, never the API key.
export class ChatModelError extends Error {
  constructor(
    readonly code: ChatModelErrorCode,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'ChatModelError';
  }
}

// The model answered, but one tool call's arguments are not a JSON object. The
// rest of the answer is kept so the agent can tell the model and let it retry.
export class ToolCallArgumentsError extends Error {
  constructor(
    readonly toolCallId: string,
    readonly toolName: string,
    readonly rawArguments: string,
    reason: string,
    readonly completion: { content: string | null; toolCalls: AssistantToolCall[] },
  ) {
    super(`the model's arguments for tool "${toolName}" (call ${toolCallId}) are not a JSON object: ${reason}`);
    this.name = 'ToolCallArgumentsError';
  }
}

const responseSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.object({
                id: z.string().nullish(),
                function: z.object({
                  name: z.string().min(1),
                  // Some local servers send the arguments already parsed.
                  arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
                }),
              }),
            )
            .nullish(),
        }),
      }),
    )
    .min(1),
});

const MAX_PROVIDER_MESSAGE = 300;

export function createChatModel(options: ChatModelOptions): ChatModel {
  // fetch refuses URLs with credentials; a proxy in front of a local model may still use them, as Basic auth.
  const { url: endpoint, basic } = splitCredentials(`${options.baseUrl.replace(/\/+$/, '')}/chat/completions`);
  const shownEndpoint = endpoint;
  const doFetch: FetchLike = options.fetch ?? ((url, init) => undiciFetch(url, init));
  const secrets = [options.apiKey, basic?.password].filter((s): s is string => typeof s === 'string' && s.length > 0);
  const hide = (text: string) => secrets.reduce((out, secret) => out.split(secret).join('****'), text);

  return {
    async complete({ messages, tools, signal }) {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
      else if (basic) headers.authorization = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
      const body = JSON.stringify({
        model: options.model,
        messages,
        ...(tools && tools.length > 0 && { tools, tool_choice: 'auto' }),
        ...(options.temperature !== undefined && { temperature: options.temperature }),
        stream: false,
      });
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;

      let status: number;
      let text: string;
      try {
        const response = await doFetch(endpoint, { method: 'POST', headers, body, signal: combined, ...(options.dispatcher && { dispatcher: options.dispatcher }) });
        status = response.status;
        text = await response.text();
      } catch (error) {
        if (timeout.aborted) throw new ChatModelError('timeout', `the language model at ${shownEndpoint} did not answer within ${options.timeoutMs} ms`);
        if (signal?.aborted) throw new ChatModelError('network_error', `the request to the language model at ${shownEndpoint} was cancelled`);
        throw new ChatModelError('network_error', hide(`could not reach the language model at ${shownEndpoint}: ${describe(error)}`));
      }

      if (status < 200 || status >= 300) {
        const detail = providerMessage(text);
        throw new ChatModelError('http_error', hide(`the language model at ${shownEndpoint} answered HTTP ${status}${detail ? `: ${detail}` : ''}`), status);
      }

      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new ChatModelError('invalid_response', `the language model at ${shownEndpoint} answered HTTP ${status} with a body that is not JSON`, status);
      }
      const parsed = responseSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'unexpected shape';
        throw new ChatModelError('invalid_response', `the language model at ${shownEndpoint} answered with an unexpected shape (${where})`, status);
      }
      return toCompletion(parsed.data.choices[0]!.message);
    },
  };
}

type ResponseMessage = z.output<typeof responseSchema>['choices'][number]['message'];

function toCompletion(message: ResponseMessage): ChatCompletion {
  const content = message.content ?? null;
  const calls = (message.tool_calls ?? []).map((call, index) => ({
    id: call.id || `call_${index}`,
    name: call.function.name,
    raw: call.function.arguments ?? '{}',
  }));
  const echoed: AssistantToolCall[] = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: typeof c.raw === 'string' ? c.raw : JSON.stringify(c.raw) } }));
  const toolCalls: ToolCall[] = [];
  for (const call of calls) {
    if (typeof call.raw !== 'string') {
      toolCalls.push({ id: call.id, name: call.name, arguments: call.raw });
      continue;
    }
    let value: unknown;
    try {
      // An empty string is how some servers say "no arguments".
      value = call.raw.trim() === '' ? {} : JSON.parse(call.raw);
    } catch (error) {
      throw new ToolCallArgumentsError(call.id, call.name, call.raw, error instanceof Error ? error.message : 'invalid JSON', { content, toolCalls: echoed });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ToolCallArgumentsError(call.id, call.name, call.raw, `got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`, { content, toolCalls: echoed });
    }
    toolCalls.push({ id: call.id, name: call.name, arguments: value as Record<string, unknown> });
  }
  return { content, toolCalls };
}

// OpenAI and vLLM: {error:{message}}; Ollama: {error:"..."}; others: {message} or plain text.
function providerMessage(text: string): string {
  let message: unknown = text;
  try {
    const json = JSON.parse(text) as unknown;
    if (json && typeof json === 'object') {
      const error = (json as Record<string, unknown>).error;
      message =
        typeof error === 'string' ? error
        : error && typeof error === 'object' && typeof (error as Record<string, unknown>).message === 'string' ? (error as Record<string, unknown>).message
        : typeof (json as Record<string, unknown>).message === 'string' ? (json as Record<string, unknown>).message
        : text;
    }
  } catch {
    // not JSON: the text itself
  }
  const flat = String(message).replace(/\s+/g, ' ').trim();
  return flat.length > MAX_PROVIDER_MESSAGE ? `${flat.slice(0, MAX_PROVIDER_MESSAGE)}…` : flat;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : null;
  return cause ? `${error.message} (${(cause as NodeJS.ErrnoException).code ?? cause.message})` : error.message;
}

function splitCredentials(url: string): { url: string; basic: { username: string; password: string } | null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, basic: null };
  }
  if (!parsed.username && !parsed.password) return { url, basic: null };
  const basic = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), basic };
}
