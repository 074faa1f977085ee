// The real Patchbay server for the browser tests: server/start-server.ts, as
// `npm start` runs it, on a fresh SQLite data folder and a free port, serving
// the built client, with an HTTP upstream on 127.0.0.1 for the connectors to
// call. The workspace is seeded through Patchbay's own functions and REST API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../server/config.ts';
import type { Prisma } from '../../../server/db/client.ts';
import { createApiToken } from '../../../server/identity/api-tokens.ts';
import { createAdmin } from '../../../server/identity/create-admin.ts';
import { createLogger } from '../../../server/logger.ts';
import { startServer, type RunningServer } from '../../../server/start-server.ts';
import { startUpstream, type ReceivedRequest, type Reply, type Upstream } from '../../support/upstream.ts';

export const PASSWORD = 'e2e correct horse battery staple';

export interface SeededAdmin {
  id: number;
  email: string;
  name: string;
  role: 'admin' | 'agent';
  password: string;
}

export interface ApiResult<T = any> {
  status: number;
  body: T;
}

export interface SeedConversationInput {
  contact: { name: string; email: string; externalId?: string; customAttributes?: Record<string, unknown> };
  title?: string;
  customAttributes?: Record<string, unknown>;
  // Oldest first; customer messages unless `author` says otherwise.
  parts: { body: string; author?: 'customer' | 'admin'; partType?: 'comment' | 'note' }[];
  // Moves the conversation to the top of the (last activity first) list.
  lastActivityAt?: Date;
}

export interface SeededConversation {
  conversationId: number;
  contactId: number;
  partIds: number[];
}

export interface E2eServer {
  // http://127.0.0.1:<port>, the origin the browser uses.
  url: string;
  db: RunningServer['db'];
  workspaceId: number;
  token: string;
  // alice: an admin; bob: an agent of the same workspace.
  alice: SeededAdmin;
  bob: SeededAdmin;
  upstream: Upstream;
  // Answers upstream requests whose path starts with `prefix`.
  route(prefix: string, reply: (request: ReceivedRequest) => Reply): void;
  requestsTo(prefix: string): ReceivedRequest[];
  // /api<path> with the workspace's API token.
  api<T = any>(method: string, path: string, body?: unknown): Promise<ApiResult<T>>;
  // Creates a connector through the REST API and sets it live.
  createLiveConnector(body: Record<string, unknown>): Promise<string>;
  seedConversation(input: SeedConversationInput): Promise<SeededConversation>;
  close(): Promise<void>;
}

export interface E2eServerOptions {
  // Python code blocks are off unless a test needs them: Pyodide is slow to start.
  sandboxPoolSize?: number;
}

export async function startE2eServer(options: E2eServerOptions = {}): Promise<E2eServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'patchbay-e2e-'));
  const routes = new Map<string, (request: ReceivedRequest) => Reply>();
  const upstream = await startUpstream((request) => {
    const prefix = [...routes.keys()].find((p) => request.url.startsWith(p));
    return prefix ? routes.get(prefix)!(request) : { status: 404, body: { error: `no e2e route for ${request.url}` } };
  });

  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PATCHBAY_DATA_DIR: dataDir,
    PATCHBAY_DEMO_DATA: 'false',
    // The upstream listens on 127.0.0.1, which only the operator allow-list opens.
    PATCHBAY_ALLOWED_PRIVATE_TARGETS: '127.0.0.1',
    PATCHBAY_SANDBOX_POOL_SIZE: String(options.sandboxPoolSize ?? 0),
    LOG_LEVEL: process.env.PATCHBAY_E2E_LOG_LEVEL ?? 'error',
  });
  const running = await startServer(config, createLogger(config.logLevel));
  const url = `http://127.0.0.1:${new URL(running.url).port}`;
  const { db } = running;

  const workspace = await db.workspace.create({ data: { name: 'E2E Support' } });
  const makeAdmin = async (name: string, email: string, role: 'admin' | 'agent'): Promise<SeededAdmin> => {
    const created = await createAdmin(db, workspace.id, { email, name, password: PASSWORD, role });
    return { id: created.id, email: created.email, name: created.name, role, password: PASSWORD };
  };
  const alice = await makeAdmin('Alice Admin', 'alice@e2e.test', 'admin');
  const bob = await makeAdmin('Bob Agent', 'bob@e2e.test', 'agent');
  const { token } = await createApiToken(db, { workspaceId: workspace.id, name: 'e2e', createdByAdminId: alice.id });
  await db.customAttributeDefinition.createMany({
    data: [
      { workspaceId: workspace.id, target: 'conversation', name: 'order_id', label: 'Order ID' },
      { workspaceId: workspace.id, target: 'conversation', name: 'order_status', label: 'Order status' },
      { workspaceId: workspace.id, target: 'contact', name: 'plan', label: 'Plan' },
      { workspaceId: workspace.id, target: 'contact', name: 'ticket_ref', label: 'Ticket reference' },
    ],
  });

  async function api<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    const response = await fetch(`${url}/api${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  let activity = Date.now() - 60 * 60_000;

  return {
    url,
    db,
    workspaceId: workspace.id,
    token,
    alice,
    bob,
    upstream,
    route(prefix, reply) {
      routes.set(prefix, reply);
    },
    requestsTo: (prefix) => upstream.requests.filter((r) => r.url.startsWith(prefix)),
    api,
    async createLiveConnector(body) {
      const created = await api<{ id: string }>('POST', '/data_connectors', { http_method: 'get', ...body });
      if (created.status !== 201) throw new Error(`creating connector ${String(body.name)} failed: ${created.status} ${JSON.stringify(created.body)}`);
      // The upstream is plain http on 127.0.0.1: a high-severity finding to acknowledge.
      const live = await api('PATCH', `/data_connectors/${created.body.id}`, { state: 'live', security_acknowledgement: true });
      if (live.status !== 200) throw new Error(`setting connector ${String(body.name)} live failed: ${live.status} ${JSON.stringify(live.body)}`);
      return created.body.id;
    },
    async seedConversation(input) {
      const contact = await db.contact.create({
        data: {
          workspaceId: workspace.id,
          role: 'user',
          name: input.contact.name,
          email: input.contact.email,
          externalId: input.contact.externalId ?? null,
          customAttributes: (input.contact.customAttributes ?? {}) as Prisma.InputJsonValue,
        },
      });
      // Each seeded conversation is newer than the last, so lists have a stable order.
      activity += 60_000;
      const last = input.lastActivityAt ?? new Date(activity);
      const first = new Date(last.getTime() - input.parts.length * 1000);
      const conversation = await db.conversation.create({
        data: {
          workspaceId: workspace.id,
          contactId: contact.id,
          title: input.title ?? null,
          customAttributes: (input.customAttributes ?? {}) as Prisma.InputJsonValue,
          createdAt: first,
          lastActivityAt: last,
        },
      });
      const partIds: number[] = [];
      for (const [i, part] of input.parts.entries()) {
        const author = part.author ?? 'customer';
        const created = await db.conversationPart.create({
          data: {
            conversationId: conversation.id,
            authorType: author,
            authorAdminId: author === 'admin' ? alice.id : null,
            partType: part.partType ?? 'comment',
            body: part.body,
            createdAt: new Date(first.getTime() + (i + 1) * 1000),
          },
        });
        partIds.push(created.id);
      }
      return { conversationId: conversation.id, contactId: contact.id, partIds };
    },
    async close() {
      await running.close();
      await upstream.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
