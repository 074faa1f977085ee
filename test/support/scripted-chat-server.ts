// A local OpenAI-compatible chat-completions server (127.0.0.1) for agent
// tests: replies are scripted in order and every request is recorded.
import { startUpstream, type ReceivedRequest, type Reply, type Upstream } from './upstream.ts';

export type ScriptedReply = Reply | ((request: ReceivedRequest) => Reply | Promise<Reply>);

export interface ScriptedChatServer {
  // What to give as LLM_BASE_URL (includes /v1, like Ollama, vLLM and llama.cpp).
  baseUrl: string;
  upstream: Upstream;
  requests: ReceivedRequest[];
  // The parsed JSON bodies of the requests received so far.
  bodies(): Array<Record<string, unknown>>;
  script(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

export async function startScriptedChatServer(): Promise<ScriptedChatServer> {
  const queue: ScriptedReply[] = [];
  const upstream = await startUpstream(async (request) => {
    const next = queue.shift();
    if (!next) return { status: 500, body: { error: { message: 'the test scripted no more replies' } } };
    return typeof next === 'function' ? next(request) : next;
  });
  return {
    baseUrl: `${upstream.url}/v1`,
    upstream,
    requests: upstream.requests,
    bodies: () => upstream.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>),
    script: (...replies) => queue.push(...replies),
    close: () => upstream.close(),
  };
}

export function toolCallReply(calls: Array<{ id?: string; name: string; arguments: string }>, content: string | null = null): Reply {
  return completionReply({
    role: 'assistant',
    content,
    tool_calls: calls.map((c, i) => ({ id: c.id ?? `call_${i + 1}`, type: 'function', function: { name: c.name, arguments: c.arguments } })),
  }, 'tool_calls');
}

export function textReply(content: string): Reply {
  return completionReply({ role: 'assistant', content }, 'stop');
}

function completionReply(message: Record<string, unknown>, finishReason: string): Reply {
  return {
    body: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'test-model',
      choices: [{ index: 0, message, finish_reason: finishReason }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    },
  };
}
