import path from 'node:path';
import { z } from 'zod';
import { parseTargetAllowList, type TargetAllowList } from './connectors/http/target-allow-list.ts';
import { parseAllowedModules, resolveSandboxOptions, type SandboxOptions } from './sandbox/sandbox-options.ts';

// Every setting Patchbay reads comes from the environment, is validated here
// once at start, and is documented in README.md ("Configuration").
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  PORT: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PATCHBAY_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().min(1).optional(),
  PATCHBAY_SECRET_KEY: z.string().optional(),
  PATCHBAY_DEMO_DATA: booleanFlag.default(true),
  PATCHBAY_PUBLIC_URL: z.url({ error: 'must be an absolute http(s) URL' }).optional(),
  PATCHBAY_ALLOWED_PRIVATE_TARGETS: z.string().default(''),
  PATCHBAY_SANDBOX_POOL_SIZE: z.coerce.number({ error: 'must be a number' }).int().min(0, 'must be 0 (code blocks off) or more').max(32).default(2),
  PATCHBAY_SANDBOX_TIMEOUT_MS: z.coerce.number({ error: 'must be a number' }).int().min(100).max(30_000).default(2000),
  PATCHBAY_SANDBOX_MODULES: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL, like smtps://user:password@smtp.example.com:465' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  SMTP_FROM: z
    .string()
    .regex(/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'must be an address like support@example.com or "Support <support@example.com>"')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379/0' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  // An OpenAI-compatible chat-completions API (hosted, or Ollama, vLLM, llama.cpp).
  LLM_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL of an OpenAI-compatible API, including /v1, like http://127.0.0.1:11434/v1' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  LLM_API_KEY: z.string().optional().transform((v) => v?.trim() || undefined),
  LLM_MODEL: z.string().optional().transform((v) => v?.trim() || undefined),
  LLM_TIMEOUT_MS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number of milliseconds').min(1000, 'must be at least 1000').max(600_000, 'must be at most 600000').default(60_000),
}).superRefine((env, ctx) => {
  if (env.SMTP_URL && !env.SMTP_FROM) ctx.addIssue({ code: 'custom', path: ['SMTP_FROM'], message: 'is required when SMTP_URL is set (the sender of outgoing email)' });
  if (env.LLM_BASE_URL && !env.LLM_MODEL) ctx.addIssue({ code: 'custom', path: ['LLM_MODEL'], message: 'is required when LLM_BASE_URL is set (the model name the API serves)' });
  if (env.LLM_MODEL && !env.LLM_BASE_URL) ctx.addIssue({ code: 'custom', path: ['LLM_BASE_URL'], message: 'is required when LLM_MODEL is set (the OpenAI-compatible API that serves it)' });
  if (env.LLM_API_KEY && !env.LLM_BASE_URL) ctx.addIssue({ code: 'custom', path: ['LLM_API_KEY'], message: 'is set but LLM_BASE_URL is not (the key would be sent nowhere)' });
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  secretKey: string | undefined;
  demoData: boolean;
  publicUrl: string | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  // Hosts and networks connectors may reach over plain http or on private addresses.
  allowedPrivateTargets: TargetAllowList;
  // Outgoing email; without smtpUrl, email is kept in the outbox (GET /api/outbox).
  smtpUrl: string | undefined;
  smtpFrom: string | undefined;
  // Realtime fan-out between several app processes; without it, events reach
  // only the sockets of the process that published them.
  redisUrl: string | undefined;
  // Python code blocks (pool size, time limit, importable modules), or null
  // when PATCHBAY_SANDBOX_POOL_SIZE is 0 (code blocks off).
  sandbox: SandboxOptions | null;
  // The language model the AI agent uses, or null (LLM_BASE_URL and LLM_MODEL
  // unset): the built-in deterministic agent answers instead.
  llm: LlmConfig | null;
}

export interface LlmConfig {
  baseUrl: string;
  // Optional: local servers need none. Never logged.
  apiKey: string | undefined;
  model: string;
  timeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const allowedPrivateTargets = orConfigError(() => parseTargetAllowList(e.PATCHBAY_ALLOWED_PRIVATE_TARGETS));
  // Resolved here, so that a module that may not be allowed stops the start
  // before anything else happens.
  const sandbox = e.PATCHBAY_SANDBOX_POOL_SIZE === 0 ? null : orConfigError(() => resolveSandboxOptions({
    poolSize: e.PATCHBAY_SANDBOX_POOL_SIZE,
    timeoutMs: e.PATCHBAY_SANDBOX_TIMEOUT_MS,
    allowedModules: e.PATCHBAY_SANDBOX_MODULES === undefined ? undefined : parseAllowedModules(e.PATCHBAY_SANDBOX_MODULES),
  }));
  const dataDir = path.resolve(e.PATCHBAY_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `file:${path.join(dataDir, 'patchbay.db')}`,
    secretKey: e.PATCHBAY_SECRET_KEY || undefined,
    demoData: e.PATCHBAY_DEMO_DATA,
    publicUrl: e.PATCHBAY_PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    allowedPrivateTargets,
    smtpUrl: e.SMTP_URL,
    smtpFrom: e.SMTP_FROM,
    redisUrl: e.REDIS_URL,
    sandbox,
    llm: e.LLM_BASE_URL && e.LLM_MODEL ? { baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY, model: e.LLM_MODEL, timeoutMs: e.LLM_TIMEOUT_MS } : null,
  };
}

function orConfigError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  ${(error as Error).message}`);
  }
}
