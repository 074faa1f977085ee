import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GuardedAgent } from '../../server/connectors/http/guarded-agent.ts';
import { systemSendTime } from '../../server/connectors/http/send-request.ts';
import { parseTargetAllowList } from '../../server/connectors/http/target-allow-list.ts';
import type { AppDeps } from '../../server/http/app-deps.ts';
import { createRealtimeServer } from '../../server/realtime/realtime-server.ts';
import { createDb, type Db } from '../../server/db/client.ts';
import { migrateDatabase } from '../../server/db/migrate.ts';
import { createApp } from '../../server/http/app.ts';
import { createApiToken } from '../../server/identity/api-tokens.ts';
import { createLogger } from '../../server/logger.ts';
import { createSecretBox, type SecretBox } from '../../server/secrets/secret-box.ts';
import { assertMatchesOpenApi } from './openapi-validator.ts';
import { createTestDatabase } from './test-database.ts';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  token?: string | null;
  headers?: Record<string, string>;
}

export interface TestApp {
  baseUrl: string;
  // The same dependencies the app's routes use, to drive the pipeline directly.
  deps: AppDeps;
  db: Db;
  secrets: SecretBox;
  workspaceId: number;
  adminId: number;
  token: string;
  // Calls /api<path template> and checks the response against Patchbay's OpenAPI document.
  call<T = any>(method: string, pathTemplate: string, options?: CallOptions): Promise<ApiResponse<T>>;
  newWorkspaceToken(): Promise<string>;
  close(): Promise<void>;
}

// overrides: dependencies to replace, e.g. a stricter sign-in rate limiter.
export async function startTestApp(overrides: Partial<AppDeps> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  await migrateDatabase(database.url);
  const db = createDb(database.url);
  const secrets = createSecretBox(randomBytes(32));
  const workspace = await db.workspace.create({ data: { name: 'Test workspace' } });
  const admin = await db.admin.create({ data: { workspaceId: workspace.id, email: `admin-${workspace.id}@example.test`, name: 'Admin', passwordHash: 'x' } });
  const { token } = await createApiToken(db, { workspaceId: workspace.id, name: 'tests', createdByAdminId: admin.id });
  const server = http.createServer();
  const realtime = createRealtimeServer(server, { db, logger: createLogger('silent') });
  // Upstreams in tests listen on 127.0.0.1, which only the operator allow-list opens.
  const agent = new GuardedAgent({ allowList: parseTargetAllowList('127.0.0.1,::1,localhost') });
  const deps: AppDeps = { db, secrets, logger: createLogger('silent'), bus: realtime, http: { agent, ...systemSendTime }, ...overrides };
  server.on('request', createApp(deps));
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function call(method: string, pathTemplate: string, options: CallOptions = {}) {
    const path = pathTemplate.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(options.params?.[name] ?? `{${name}}`));
    const query = options.query ? `?${new URLSearchParams(options.query)}` : '';
    const headers: Record<string, string> = { ...options.headers };
    const bearer = options.token === undefined ? token : options.token;
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    let payload: string | undefined = options.rawBody;
    if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['Content-Type'] ??= 'application/json';
    const response = await fetch(`${baseUrl}/api${path}${query}`, { method, headers, body: payload });
    const text = await response.text();
    const body = text ? JSON.parse(text) : undefined;
    assertMatchesOpenApi({ method, path: pathTemplate, status: response.status, body });
    return { status: response.status, body, headers: response.headers };
  }

  return {
    baseUrl,
    deps,
    db,
    secrets,
    workspaceId: workspace.id,
    adminId: admin.id,
    token,
    call,
    async newWorkspaceToken() {
      const other = await db.workspace.create({ data: { name: 'Other workspace' } });
      return (await createApiToken(db, { workspaceId: other.id, name: 'other' })).token;
    },
    async close() {
      server.closeAllConnections();
      await realtime.close();
      await agent.close();
      await db.$disconnect();
      await database.drop();
    },
  };
}
