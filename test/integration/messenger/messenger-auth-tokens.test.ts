// Per-user auth tokens passed at messenger boot: the AI agent's run for that
// messenger session fills {{auth_tokens.*}} with them (real SQLite, a real
// upstream on 127.0.0.1), they are redacted from the execution result and the
// logs, never reach the database, and a run without them sends nothing.
import { randomBytes } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { answerCustomerMessage, type AgentTurn } from '../../../server/agent/answer-customer-message.ts';
import { runConnector } from '../../../server/connectors/pipeline/run-connector.ts';
import { hashToken } from '../../../server/identity/opaque-token.ts';
import { createLogger } from '../../../server/logger.ts';
import { MessengerAuthTokenStore } from '../../../server/messenger/messenger-auth-tokens.ts';
import { MESSENGER_SESSION_TTL_MS, revokeMessengerSession } from '../../../server/messenger/messenger-sessions.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { liveConnector } from '../inbox/inbox-fixtures.ts';
import { boot } from '../identity/messenger-test-helpers.ts';

let app: TestApp;
let upstream: Upstream;
let connectorId: number;
const store = new MessengerAuthTokenStore();
const logLines: string[] = [];
const turns: Promise<AgentTurn>[] = [];

// Distinctive values, so finding one anywhere means it leaked.
const secret = (label: string) => `${label}_${randomBytes(12).toString('hex')}`;
const tokens = { shop: secret('shoptoken'), api_key: secret('apikey'), shop_user: secret('user') };
const allValues = () => Object.values(tokens);

beforeAll(async () => {
  app = await startTestApp({
    logger: createLogger('trace', { write: (line: string) => void logLines.push(line) }),
    messengerAuthTokens: store,
    onCustomerMessage: (event) => {
      const turn = answerCustomerMessage(app.deps, event);
      turns.push(turn);
      return turn.then(() => undefined);
    },
  });
  upstream = await startUpstream((req) => {
    // Echoes what it was sent, so the logged response carries the tokens unless redacted.
    if (req.url.startsWith('/shop/')) return { body: { last_order: 'ORD-77', echo: { authorization: req.headers.authorization, url: req.url } } };
    return { status: 404, body: { error: 'not found' } };
  });
  connectorId = Number(
    await liveConnector(app, {
      name: 'Shop orders',
      description: 'The latest order of the customer in the shop',
      example_questions: ['Where are my shop orders?'],
      direct_fin_usage: true,
      url: `${upstream.url}/shop/{{auth_tokens.shop_user}}/orders?key={{auth_tokens.api_key}}`,
      headers: [{ name: 'Authorization', value: 'Bearer {{auth_tokens.shop}}' }],
      data_transformation_type: 'redacted_access',
      response_fields: [{ path: 'last_order', type: 'string', label: 'Last order', selected: true }],
      response_logging: 'full',
    }),
  );
});
afterAll(async () => {
  await upstream?.close();
  await app?.close();
});

async function messenger(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${app.baseUrl}/messenger${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

// The customer asks in a new conversation; resolves with the agent's turn.
async function ask(sessionToken: string, question: string) {
  const before = turns.length;
  const started = await messenger('POST', '/conversations', sessionToken, { body: question });
  expect(started.status).toBe(201);
  await vi.waitFor(() => expect(turns.length).toBe(before + 1));
  return { conversationId: Number(started.body.id), turn: await turns[before]! };
}

const runOf = (conversationId: number) => app.db.executionResult.findFirstOrThrow({ where: { conversationId } });

describe('auth_tokens passed at messenger boot', () => {
  it('fills the header and the URL of the agent run, and is redacted from the execution result and the logs', async () => {
    const booted = await boot(app, { workspace_id: app.workspaceId, auth_tokens: tokens, custom_attributes: { not_defined: 1 } });
    expect(booted.status).toBe(200);
    // Never returned.
    for (const value of allValues()) expect(JSON.stringify(booted.body)).not.toContain(value);
    const requestsBefore = upstream.requests.length;

    const { conversationId, turn } = await ask(booted.body.session_token, 'Where are my shop orders?');

    expect(turn.kind).toBe('answered');
    const sent = upstream.requests.slice(requestsBefore);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${tokens.shop}`);
    expect(sent[0]!.url).toBe(`/shop/${tokens.shop_user}/orders?key=${tokens.api_key}`);
    const reply = await app.db.conversationPart.findUniqueOrThrow({ where: { id: turn.replyPartId! } });
    expect(reply.body).toContain('ORD-77');

    const run = await runOf(conversationId);
    expect(run).toMatchObject({ success: true, sourceType: 'fin', dataConnectorId: connectorId });
    expect(run.requestUrl).toBe(`${upstream.url}/shop/[REDACTED]/orders?key=***`);
    // The echoed response is logged in full, with the tokens (and the Bearer header) redacted.
    expect(run.rawResponseBody).toContain('ORD-77');
    expect(run.rawResponseBody).toContain('[REDACTED]');
    const logged = JSON.stringify(run);
    for (const value of allValues()) expect(logged).not.toContain(value);

    // Something was logged (the ignored attribute), and no token was.
    expect(logLines.some((line) => line.includes('messenger boot ignored attributes'))).toBe(true);
    for (const value of allValues()) expect(logLines.join('\n')).not.toContain(value);
  });

  it('fails with request_validation_error naming the missing token, and sends nothing', async () => {
    const { api_key: _omitted, ...partial } = tokens;
    const booted = await boot(app, { workspace_id: app.workspaceId, auth_tokens: partial });
    expect(booted.status).toBe(200);
    const requestsBefore = upstream.requests.length;

    const { conversationId, turn } = await ask(booted.body.session_token, 'Where are my shop orders?');

    expect(turn.kind).toBe('handed_off');
    const run = await runOf(conversationId);
    expect(run).toMatchObject({ success: false, errorType: 'request_validation_error', requestUrl: null });
    expect(run.errorMessage).toContain('auth_tokens.api_key');
    expect(run.errorMessage).not.toContain('auth_tokens.shop,');
    expect(upstream.requests.length).toBe(requestsBefore);
  });

  it('is missing, with the same clear error, in runs outside the messenger', async () => {
    const contact = await app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'user', externalId: 'inbox-user' } });
    const conversation = await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId: contact.id } });
    const requestsBefore = upstream.requests.length;
    const outcome = await runConnector(app.deps, { workspaceId: app.workspaceId, connectorId, version: 'live', source: { type: 'inbox', id: null }, conversationId: conversation.id });
    expect(outcome).toMatchObject({ success: false, errorType: 'request_validation_error', calledApi: false });
    expect(outcome.errorMessage).toContain('auth_tokens.shop_user, auth_tokens.api_key, auth_tokens.shop are missing');
    expect(outcome.errorMessage).toContain('messenger');
    expect(upstream.requests.length).toBe(requestsBefore);

    // A test run with the example response still renders (nothing is sent) and says why the tokens are empty.
    await app.db.dataConnectorVersion.updateMany({ where: { dataConnectorId: connectorId }, data: { mockResponse: { last_order: 'ORD-EXAMPLE' } } });
    const example = await runConnector(app.deps, { workspaceId: app.workspaceId, connectorId, version: 'live', source: { type: null, id: null }, useExampleResponse: true, writeAttributes: false });
    expect(example).toMatchObject({ success: true, data: { 'Last order': 'ORD-EXAMPLE' } });
    expect(example.warnings.join('\n')).toContain('{{auth_tokens.shop}} has no value here');
    expect(upstream.requests.length).toBe(requestsBefore);
  });

  it('never reaches the database', async () => {
    const [main] = await app.db.$queryRawUnsafe<{ file: string }[]>("SELECT file FROM pragma_database_list WHERE name = 'main'");
    const file = main!.file;
    const files = [file, `${file}-wal`, `${file}-journal`].filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThan(0);
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    // The scan works: something the tests did write is there.
    expect(bytes.includes(Buffer.from('ORD-77'))).toBe(true);
    for (const value of allValues()) expect(bytes.includes(Buffer.from(value)), value).toBe(false);

    const tables = await app.db.$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table'");
    let dump = '';
    for (const { name } of tables) {
      const rows = await app.db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${name}"`);
      dump += JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value));
    }
    expect(dump).toContain('ORD-77');
    for (const value of allValues()) expect(dump).not.toContain(value);
  });

  it('lives only as long as its session', async () => {
    const booted = await boot(app, { workspace_id: app.workspaceId, auth_tokens: { shop: 'short-lived-token' } });
    const sessionId = hashToken(booted.body.session_token);
    const expiresAt = new Date(booted.body.expires_at);
    expect(store.get(sessionId, new Date())).toEqual({ shop: 'short-lived-token' });
    expect(store.get(sessionId, new Date(expiresAt.getTime() - 1000))).toBeDefined();
    expect(store.get(sessionId, new Date(Date.now() + MESSENGER_SESSION_TTL_MS + 1000))).toBeUndefined();
    // Once expired it is gone for good.
    expect(store.get(sessionId, new Date())).toBeUndefined();

    const revoked = await boot(app, { workspace_id: app.workspaceId, auth_tokens: { shop: 'revoked-token' } });
    const revokedId = hashToken(revoked.body.session_token);
    expect(store.get(revokedId, new Date())).toBeDefined();
    await revokeMessengerSession(app.deps, revoked.body.session_token);
    expect(store.get(revokedId, new Date())).toBeUndefined();
    expect(await app.db.messengerSession.count({ where: { id: revokedId } })).toBe(0);
  });

  it('refuses bad auth_tokens naming the field and the rule, without echoing values or opening a session', async () => {
    const sessionsBefore = await app.db.messengerSession.count();
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`t${i}`, 'v']));
    const cases: [unknown, string, RegExp][] = [
      ['not-an-object', 'auth_tokens', /must be an object/],
      [['a'], 'auth_tokens', /must be an object/],
      [tooMany, 'auth_tokens', /at most 20 tokens/],
      [{ 'bad name': 'v' }, 'auth_tokens', /"bad name" is not valid/],
      [{ big: 'secret-value'.padEnd(4097, 'x') }, 'auth_tokens.big', /at most 4096 bytes/],
      [{ wide: 'é'.repeat(2049) }, 'auth_tokens.wide', /at most 4096 bytes/],
      [{ n: 42 }, 'auth_tokens.n', /must be a string/],
      [{ empty: '' }, 'auth_tokens.empty', /must not be empty/],
      [{ crlf: 'secret-value\r\nX-Injected: 1' }, 'auth_tokens.crlf', /control characters/],
    ];
    for (const [value, field, message] of cases) {
      const res = await boot(app, { workspace_id: app.workspaceId, auth_tokens: value });
      expect(res.status, JSON.stringify(value).slice(0, 80)).toBe(422);
      expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field });
      expect(res.body.errors[0].message).toMatch(message);
      expect(JSON.stringify(res.body)).not.toContain('secret-value');
    }
    expect(await app.db.messengerSession.count()).toBe(sessionsBefore);

    // The limits themselves are allowed.
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`t_${i}`, 'v'.repeat(i === 0 ? 4096 : 1)]));
    const ok = await boot(app, { workspace_id: app.workspaceId, auth_tokens: { ...twenty } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(Object.keys(store.get(hashToken(ok.body.session_token), new Date()) ?? {})).toHaveLength(20);
    expect((await boot(app, { workspace_id: app.workspaceId, auth_tokens: null })).status).toBe(200);
  });

  it('the logger redacts objects that carry auth tokens', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.info({ auth_tokens: { shop: tokens.shop } }, 'top level');
    logger.info({ body: { auth_tokens: { shop: tokens.shop } } }, 'nested');
    expect(lines).toHaveLength(2);
    expect(lines.join('')).not.toContain(tokens.shop);
    expect(lines.join('')).toContain('[redacted]');
  });
});
