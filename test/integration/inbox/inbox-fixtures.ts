// Conversations, contacts and sockets for the inbox tests, written straight to
// the test database so each test states the data it depends on.
import { io as connectSocket, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
import type { PartAuthorType, PartType, Prisma } from '../../../server/db/generated/sqlite/client.ts';
import type { TestApp } from '../../support/start-test-app.ts';

let serial = 0;

export async function createContact(app: TestApp, data: Partial<Prisma.ContactUncheckedCreateInput> = {}, workspaceId = app.workspaceId) {
  serial++;
  return app.db.contact.create({ data: { workspaceId, role: 'user', name: `Customer ${serial}`, email: `customer-${serial}@example.test`, externalId: `u_${serial}`, ...data } });
}

export interface PartSpec {
  author: PartAuthorType;
  body: string;
  type?: PartType;
  adminId?: number | null;
  at?: Date;
}

// A conversation whose parts are minutes apart, starting `startedAt`.
export async function createConversation(
  app: TestApp,
  options: { contactId?: number; workspaceId?: number; parts?: PartSpec[]; startedAt?: Date; data?: Partial<Prisma.ConversationUncheckedCreateInput> } = {},
) {
  const workspaceId = options.workspaceId ?? app.workspaceId;
  const contactId = options.contactId ?? (await createContact(app, {}, workspaceId)).id;
  const startedAt = options.startedAt ?? new Date(Date.now() - 60 * 60_000);
  const parts = options.parts ?? [{ author: 'customer', body: 'Hello, I need help.' }];
  const at = (i: number) => parts[i]!.at ?? new Date(startedAt.getTime() + i * 60_000);
  const lastComment = [...parts.keys()].filter((i) => (parts[i]!.type ?? 'comment') === 'comment').at(-1);
  const conversation = await app.db.conversation.create({
    data: { workspaceId, contactId, createdAt: startedAt, lastActivityAt: lastComment === undefined ? startedAt : at(lastComment), ...options.data },
  });
  for (const [i, part] of parts.entries()) {
    await app.db.conversationPart.create({
      data: { conversationId: conversation.id, authorType: part.author, authorAdminId: part.adminId ?? null, partType: part.type ?? 'comment', body: part.body, createdAt: at(i) },
    });
  }
  return conversation;
}

export async function liveConnector(app: TestApp, body: Record<string, unknown>): Promise<string> {
  const created = await app.call('POST', '/data_connectors', { body: { http_method: 'get', ...body } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const live = await app.call('PATCH', '/data_connectors/{id}', { params: { id: created.body.id }, body: { state: 'live', security_acknowledgement: true } });
  expect(live.status, JSON.stringify(live.body)).toBe(200);
  return created.body.id as string;
}

// A connected socket.io client, with every event it receives recorded by name.
export interface RecordingSocket {
  socket: Socket;
  events: { name: string; payload: any }[];
  of(name: string): any[];
  close(): void;
}

// token: an API token; messengerToken: a messenger session token (the customer's widget).
export async function openSocket(app: TestApp, options: { cookie?: string; token?: string; messengerToken?: string; origin?: string } = {}): Promise<RecordingSocket> {
  const socket = connectSocket(app.baseUrl, {
    transports: ['websocket'],
    reconnection: false,
    ...(options.token !== undefined && { auth: { token: options.token } }),
    ...(options.messengerToken !== undefined && { auth: { messenger_token: options.messengerToken } }),
    extraHeaders: { ...(options.cookie !== undefined && { Cookie: options.cookie }), ...(options.origin !== undefined && { Origin: options.origin }) },
  });
  const events: { name: string; payload: any }[] = [];
  socket.onAny((name: string, payload: unknown) => events.push({ name, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => {
      socket.disconnect();
      reject(error);
    });
  });
  return { socket, events, of: (name) => events.filter((e) => e.name === name).map((e) => e.payload), close: () => socket.disconnect() };
}

// The error a refused handshake ends with.
export async function refusedSocket(app: TestApp, options: { cookie?: string; token?: string; origin?: string } = {}): Promise<Error> {
  return openSocket(app, options).then(
    (opened) => {
      opened.close();
      throw new Error('the socket was accepted');
    },
    (error: Error) => error,
  );
}

// The first recorded event of that name matching `match`, waiting for it if it has not come yet.
export function nextEvent(recording: RecordingSocket, name: string, match: (payload: any) => boolean = () => true): Promise<any> {
  const seen = recording.of(name).find(match);
  if (seen !== undefined) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const listener = (payload: any) => {
      if (!match(payload)) return;
      recording.socket.off(name, listener);
      resolve(payload);
    };
    recording.socket.on(name, listener);
  });
}
