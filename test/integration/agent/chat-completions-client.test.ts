import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChatModelError, createChatModel, ToolCallArgumentsError, type ChatMessage } from '../../../server/agent/llm/chat-completions-client.ts';
import { connectorTools, type ToolConnector } from '../../../server/agent/llm/connector-tools.ts';
import { startScriptedChatServer, textReply, toolCallReply, type ScriptedChatServer } from '../../support/scripted-chat-server.ts';
import { startUpstream } from '../../support/upstream.ts';

const API_KEY = 'sk-test-Zq8v3LmN0pRt5uWx';

const balance: ToolConnector = {
  id: '41',
  name: 'Account balance',
  description: 'What the customer owes on their account',
  dataInputs: [
    { name: 'account_id', type: 'string', description: 'Account number', required: true },
    { name: 'months', type: 'integer', description: 'Months of history', required: false },
  ],
};
const messages: ChatMessage[] = [
  { role: 'system', content: 'You are a support agent.' },
  { role: 'user', content: 'Do I owe anything on account ACC-77?' },
];

let server: ScriptedChatServer;
beforeAll(async () => {
  server = await startScriptedChatServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const model = (extra: Partial<Parameters<typeof createChatModel>[0]> = {}) =>
  createChatModel({ baseUrl: server.baseUrl, apiKey: API_KEY, model: 'test-model', timeoutMs: 10_000, ...extra });

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function expectNoKey(error: Error) {
  expect(error.message).not.toContain(API_KEY);
  expect(String(error.stack)).not.toContain(API_KEY);
  expect(JSON.stringify(error)).not.toContain(API_KEY);
}

describe('createChatModel', () => {
  it('posts the conversation and the connector tools, and returns the scripted tool call', async () => {
    const { tools, connectorIdByToolName } = connectorTools([balance]);
    server.script(toolCallReply([{ id: 'call_abc', name: 'Account_balance', arguments: '{"account_id":"ACC-77","months":3}' }]));

    const completion = await model().complete({ messages, tools });

    expect(completion).toEqual({ content: null, toolCalls: [{ id: 'call_abc', name: 'Account_balance', arguments: { account_id: 'ACC-77', months: 3 } }] });
    expect(connectorIdByToolName.get(completion.toolCalls[0]!.name)).toBe('41');
    const [request] = server.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/v1/chat/completions');
    expect(request!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request!.headers['content-type']).toBe('application/json');
    const body = server.bodies()[0]!;
    expect(body.model).toBe('test-model');
    expect(body.messages).toEqual(messages);
    expect(body.tool_choice).toBe('auto');
    expect(body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'Account_balance',
          description: 'What the customer owes on their account',
          parameters: {
            type: 'object',
            properties: { account_id: { type: 'string', description: 'Account number' }, months: { type: 'integer', description: 'Months of history' } },
            required: ['account_id'],
            additionalProperties: false,
          },
        },
      },
    ]);
  });

  it('returns plain text answers, sends no tools or authorization when there are none, and accepts a trailing slash', async () => {
    server.script(textReply('Hello! How can I help?'));
    const completion = await createChatModel({ baseUrl: `${server.baseUrl}/`, model: 'llama3', timeoutMs: 10_000 }).complete({ messages });
    expect(completion).toEqual({ content: 'Hello! How can I help?', toolCalls: [] });
    expect(server.requests[0]!.url).toBe('/v1/chat/completions');
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(server.bodies()[0]).not.toHaveProperty('tools');
  });

  it('sends the tool results back in the follow-up request', async () => {
    server.script(textReply('You owe 42.50 EUR.'));
    const followUp: ChatMessage[] = [
      ...messages,
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'Account_balance', arguments: '{"account_id":"ACC-77"}' } }] },
      { role: 'tool', tool_call_id: 'call_abc', content: '{"status":"success","data":{"Balance":"42.50 EUR"}}' },
    ];
    const completion = await model().complete({ messages: followUp, tools: connectorTools([balance]).tools });
    expect(completion.content).toBe('You owe 42.50 EUR.');
    expect(server.bodies()[0]!.messages).toEqual(followUp);
  });

  it('accepts arguments some local servers send already parsed, and empty arguments as none', async () => {
    server.script({
      body: { choices: [{ message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'a', arguments: { x: 1 } } }, { id: 'c2', function: { name: 'b', arguments: '' } }] } }] },
    });
    const completion = await model().complete({ messages });
    expect(completion.toolCalls).toEqual([
      { id: 'call_0', name: 'a', arguments: { x: 1 } },
      { id: 'c2', name: 'b', arguments: {} },
    ]);
  });

  it('throws a typed error for tool arguments that are not JSON, keeping the rest of the answer', async () => {
    server.script(toolCallReply([{ id: 'call_ok', name: 'Other', arguments: '{}' }, { id: 'call_bad', name: 'Account_balance', arguments: '{"account_id": ACC-77' }]));
    const error = await rejection(model().complete({ messages }));
    expect(error).toBeInstanceOf(ToolCallArgumentsError);
    const typed = error as ToolCallArgumentsError;
    expect(typed.toolCallId).toBe('call_bad');
    expect(typed.toolName).toBe('Account_balance');
    expect(typed.rawArguments).toBe('{"account_id": ACC-77');
    expect(typed.message).toContain('Account_balance');
    expect(typed.completion.toolCalls.map((c) => c.id)).toEqual(['call_ok', 'call_bad']);
  });

  it('throws a typed error for tool arguments that are JSON but not an object', async () => {
    server.script(toolCallReply([{ name: 'Account_balance', arguments: '["ACC-77"]' }]));
    const error = await rejection(model().complete({ messages }));
    expect(error).toBeInstanceOf(ToolCallArgumentsError);
    expect(error.message).toContain('an array');
  });

  it.each([
    [401, { error: { message: `Incorrect API key provided: ${API_KEY}`, type: 'invalid_request_error' } }, 'HTTP 401: Incorrect API key provided: ****'],
    [404, { error: 'model "llama9" not found, try pulling it first' }, 'HTTP 404: model "llama9" not found, try pulling it first'],
    [429, { message: 'Rate limit reached' }, 'HTTP 429: Rate limit reached'],
    [503, 'upstream overloaded', 'HTTP 503: upstream overloaded'],
  ])('reports HTTP %i with the provider message and never the API key', async (status, body, expected) => {
    server.script({ status, body });
    const error = await rejection(model().complete({ messages }));
    expect(error).toBeInstanceOf(ChatModelError);
    expect((error as ChatModelError).code).toBe('http_error');
    expect((error as ChatModelError).status).toBe(status);
    expect(error.message).toContain(expected);
    expect(error.message).toContain(`${server.baseUrl}/chat/completions`);
    expectNoKey(error);
  });

  it('rejects a 2xx answer that is not JSON or not a chat completion', async () => {
    server.script({ status: 200, body: '<html>proxy login</html>' }, { body: { choices: [] } }, { body: { choices: [{ message: { tool_calls: [{ function: { arguments: '{}' } }] } }] } });
    const notJson = await rejection(model().complete({ messages }));
    expect((notJson as ChatModelError).code).toBe('invalid_response');
    expect(notJson.message).toContain('not JSON');
    const empty = await rejection(model().complete({ messages }));
    expect((empty as ChatModelError).code).toBe('invalid_response');
    expect(empty.message).toContain('choices');
    const nameless = await rejection(model().complete({ messages }));
    expect((nameless as ChatModelError).code).toBe('invalid_response');
    expect(nameless.message).toContain('choices.0.message.tool_calls.0.function.name');
  });

  it('gives up after timeoutMs', async () => {
    server.script(() => new Promise(() => undefined));
    const error = await rejection(model({ timeoutMs: 200 }).complete({ messages }));
    expect((error as ChatModelError).code).toBe('timeout');
    expect(error.message).toContain('did not answer within 200 ms');
    expectNoKey(error);
  });

  it('reports an unreachable server without the API key or URL credentials', async () => {
    const gone = await startUpstream();
    await gone.close();
    const baseUrl = gone.url.replace('http://', 'http://user:hunter2secret@') + '/v1';
    const error = await rejection(createChatModel({ baseUrl, apiKey: API_KEY, model: 'm', timeoutMs: 10_000 }).complete({ messages }));
    expect((error as ChatModelError).code).toBe('network_error');
    expect(error.message).toContain('could not reach the language model');
    expect(error.message).not.toContain('hunter2secret');
    expectNoKey(error);
  });

  it('sends credentials in the base URL as Basic auth, not in the URL', async () => {
    server.script(textReply('ok'));
    const baseUrl = server.baseUrl.replace('http://', 'http://proxy:hunter2secret@');
    await createChatModel({ baseUrl, model: 'm', timeoutMs: 10_000 }).complete({ messages });
    expect(server.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('proxy:hunter2secret').toString('base64')}`);
    expect(server.requests[0]!.url).toBe('/v1/chat/completions');
  });

  it('goes through the given undici dispatcher', async () => {
    const dispatcher = new Agent();
    const seen: string[] = [];
    const recording = dispatcher.compose((dispatch) => (options, handler) => {
      seen.push(`${options.method} ${options.path}`);
      return dispatch(options, handler);
    });
    server.script(textReply('ok'));
    try {
      await model({ dispatcher: recording }).complete({ messages });
    } finally {
      await dispatcher.close();
    }
    expect(seen).toEqual(['POST /v1/chat/completions']);
  });
});
