// Which agent answers customers: the language-model agent when LLM_BASE_URL
// and LLM_MODEL are set, otherwise (undefined) the built-in deterministic one.
import type { LlmConfig } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import type { AnswerFn } from '../resume-after-verification.ts';
import { answerWithModel } from './answer-with-model.ts';
import { createChatModel, type ChatModel } from './chat-completions-client.ts';

export function modelAnswerFn(llm: LlmConfig | null, logger: Pick<Logger, 'info'>, chatModel?: ChatModel): AnswerFn | undefined {
  if (!llm) return undefined;
  const model = chatModel ?? createChatModel({ baseUrl: llm.baseUrl, apiKey: llm.apiKey, model: llm.model, timeoutMs: llm.timeoutMs });
  // Where, without any credentials the URL may carry; the API key is never logged.
  logger.info({ llm: { model: llm.model, endpoint: shownEndpoint(llm.baseUrl), timeoutMs: llm.timeoutMs } }, 'AI agent: language model');
  return (deps, input) => answerWithModel({ ...deps, chatModel: model }, input);
}

function shownEndpoint(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
