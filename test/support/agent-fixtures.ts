// Shared set-up for the AI agent's tests: the "Account balance" connector they
// all ask about, a live connector the agent may use, calls to the messenger
// endpoints, and Patchbay started like `npx patchbay` with a messenger lead booted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, vi } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startServer, type RunningServer } from '../../server/start-server.ts';
import type { TestApp } from './start-test-app.ts';
import type { Upstream } from './upstream.ts';

export const BALANCE_QUESTIONS = ['Do I owe anything on my account?', 'What is my account balance?'];

// The customer-safe fields of the balance answer.
export const BALANCE_FIELDS = [
  { path: 'balance', type: 'decimal', label: 'Balance due', selected: true },
  { path: 'currency', type: 'string', selected: true },
];

// Fields of the balance answer the agent must never pass on.
export const RESTRICTED_BALANCE_FIELDS = [
  { path: 'ssn', type: 'string', redacted: true, selected: false },
  { path: 'internal_note', type: 'string', selected: false },
];

// The body of the "Account balance" connector: one account_id input, asked of
// `<upstreamUrl>/accounts/{{account_id}}/balance`; `extra` adds or replaces fields.
export function accountBalanceConnector(upstreamUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Account balance',
    description: 'How much the customer owes on their account',
    url: `${upstreamUrl}/accounts/{{account_id}}/balance`,
    data_inputs: [{ name: 'account_id', type: 'string', description: "The customer's account ID", required: true }],
    ...extra,
  };
}

// Answers shaped to the balance fields (and the restricted ones, unselected, when given).
export const shapedBalance = (restricted: readonly Record<string, unknown>[] = []) => ({
  data_transformation_type: 'redacted_access',
  response_fields: [...BALANCE_FIELDS, ...restricted],
});

// A live connector the AI agent may use (direct_fin_usage), by id.
export async function agentConnector(app: TestApp, body: Record<string, unknown>): Promise<number> {
  const created = await app.call('POST', '/data_connectors', { body: { http_method: 'get', direct_fin_usage: true, ...body } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const live = await app.call('PATCH', '/data_connectors/{id}', { params: { id: created.body.id }, body: { state: 'live', security_acknowledgement: true } });
  expect(live.status, JSON.stringify(live.body)).toBe(200);
  return Number(created.body.id);
}

// What the language-model agent's tests offer the model: the shaped balance
// (with restricted fields it must never see), a connector for leads only, and
// an order lookup with an integer input.
export async function modelAgentConnectors(app: TestApp, upstreamUrl: string): Promise<{ balanceId: number; perksId: number; orderId: number }> {
  const balanceId = await agentConnector(app, accountBalanceConnector(upstreamUrl, shapedBalance(RESTRICTED_BALANCE_FIELDS)));
  const perksId = await agentConnector(app, { name: 'VIP perks', description: 'Perks for leads', url: `${upstreamUrl}/perks`, audiences: ['leads'] });
  const orderId = await agentConnector(app, {
    name: 'Order status',
    description: 'Where an order is',
    url: `${upstreamUrl}/orders/{{order_number}}`,
    data_inputs: [{ name: 'order_number', type: 'integer', description: 'The order number', required: true }],
  });
  return { balanceId, perksId, orderId };
}

// What an agent preview must leave alone unless it runs live: requests upstream,
// run log, conversation parts and conversations.
export const previewCounts = async (app: TestApp, upstream: Upstream) => ({
  requests: upstream.requests.length,
  runs: await app.db.executionResult.count(),
  parts: await app.db.conversationPart.count(),
  conversations: await app.db.conversation.count(),
});

// A call to the messenger endpoints (outside /api), with the messenger session token when given.
export async function messengerCall(baseUrl: string, method: string, route: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}/messenger${route}`, {
    method,
    headers: { ...(token && { Authorization: `Bearer ${token}` }), ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export interface MessengerServer {
  server: RunningServer;
  // A messenger call as the booted lead (or with another token, or none).
  messenger(method: string, route: string, body: unknown, auth?: string | null): Promise<{ status: number; body: any }>;
  // The bot's replies in a conversation, once there are at least `count` (the agent answers after the message is saved).
  botReplies(conversationId: string, count: number): Promise<string[]>;
  close(): Promise<void>;
}

// Patchbay started like `npx patchbay` on a fresh data directory (the demo
// workspace), with `env` added to its environment, and a messenger lead booted.
export async function startMessengerServer(env: Record<string, string> = {}): Promise<MessengerServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-messenger-agent-'));
  let server: RunningServer | undefined;
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', PATCHBAY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PATCHBAY_SANDBOX_POOL_SIZE: '0', ...env }), createLogger('silent'));
  } finally {
    spy.mockRestore();
  }
  const running = server;
  const booted = await messengerCall(running.url, 'POST', '/boot', null, { workspace_id: 1 });
  expect(booted.status).toBe(200);
  const token = booted.body.session_token as string;
  const messenger = (method: string, route: string, body: unknown, auth: string | null = token) => messengerCall(running.url, method, route, auth, body);
  return {
    server: running,
    messenger,
    async botReplies(conversationId, count) {
      let bodies: string[] = [];
      await expect
        .poll(async () => {
          const conversation = await messenger('GET', `/conversations/${conversationId}`, undefined);
          bodies = conversation.body.parts.filter((part: any) => part.author.type === 'bot').map((part: any) => part.body);
          return bodies.length;
        }, { timeout: 15_000 })
        .toBeGreaterThanOrEqual(count);
      return bodies;
    },
    async close() {
      await running.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
