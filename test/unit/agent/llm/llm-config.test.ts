import { describe, expect, it } from 'vitest';
import { modelAnswerFn } from '../../../../server/agent/llm/model-agent.ts';
import { loadConfig } from '../../../../server/config.ts';

const error = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a configuration error');
};

describe('LLM_* configuration', () => {
  it('is off by default: the deterministic agent answers', () => {
    expect(loadConfig({}).llm).toBeNull();
    expect(loadConfig({ LLM_BASE_URL: '', LLM_MODEL: '', LLM_API_KEY: '' }).llm).toBeNull();
    expect(modelAnswerFn(null, { info: () => undefined })).toBeUndefined();
  });

  it('reads the model, the endpoint, the optional key and the timeout', () => {
    expect(loadConfig({ LLM_BASE_URL: 'http://127.0.0.1:11434/v1', LLM_MODEL: 'llama3.1' }).llm).toEqual({ baseUrl: 'http://127.0.0.1:11434/v1', apiKey: undefined, model: 'llama3.1', timeoutMs: 60_000 });
    expect(loadConfig({ LLM_BASE_URL: 'https://api.openai.com/v1', LLM_MODEL: 'gpt-4o-mini', LLM_API_KEY: 'sk-abc', LLM_TIMEOUT_MS: '15000' }).llm).toEqual({
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'sk-abc',
      model: 'gpt-4o-mini',
      timeoutMs: 15_000,
    });
  });

  it('names the variable and the rule when a value is wrong or one is missing', () => {
    expect(error({ LLM_BASE_URL: 'ftp://models.internal', LLM_MODEL: 'x' })).toMatch(/LLM_BASE_URL: must be an http\(s\) URL/);
    expect(error({ LLM_BASE_URL: 'http://127.0.0.1:8000/v1' })).toMatch(/LLM_MODEL: is required when LLM_BASE_URL is set/);
    expect(error({ LLM_MODEL: 'llama3.1' })).toMatch(/LLM_BASE_URL: is required when LLM_MODEL is set/);
    expect(error({ LLM_API_KEY: 'sk-secret-value' })).toMatch(/LLM_API_KEY: is set but LLM_BASE_URL is not/);
    expect(error({ LLM_BASE_URL: 'http://127.0.0.1:8000/v1', LLM_MODEL: 'm', LLM_TIMEOUT_MS: '50' })).toMatch(/LLM_TIMEOUT_MS: must be at least 1000/);
    expect(error({ LLM_BASE_URL: 'http://127.0.0.1:8000/v1', LLM_MODEL: 'm', LLM_TIMEOUT_MS: 'soon' })).toMatch(/LLM_TIMEOUT_MS: must be a number/);
  });

  it('never echoes the API key in a configuration error', () => {
    expect(error({ LLM_API_KEY: 'sk-secret-value', LLM_BASE_URL: 'nonsense' })).not.toContain('sk-secret-value');
  });

  it('logs which model answers, without the key or credentials in the URL', () => {
    const logged: unknown[] = [];
    const answer = modelAnswerFn({ baseUrl: 'https://proxy:pw-in-url@llm.example.test/v1', apiKey: 'sk-secret-value', model: 'm', timeoutMs: 1000 }, { info: (...args: unknown[]) => void logged.push(args) } as never);
    expect(typeof answer).toBe('function');
    const text = JSON.stringify(logged);
    expect(text).toContain('https://llm.example.test/v1');
    expect(text).not.toContain('sk-secret-value');
    expect(text).not.toContain('pw-in-url');
  });
});
