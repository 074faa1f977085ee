// GET /conversations: the inbox list, its filters, search and paging, in a
// workspace that holds only this file's conversations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../../server/identity/api-tokens.ts';
import { createTestAdmin, signInAs, withSession, type BrowserSession } from '../../support/admin-session.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { createContact, createConversation } from './inbox-fixtures.ts';

let app: TestApp;
let agent: Awaited<ReturnType<typeof createTestAdmin>>;
let agentSession: BrowserSession;
const ids: Record<string, string> = {};
const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);

beforeAll(async () => {
  app = await startTestApp();
  agent = await createTestAdmin(app, { role: 'agent' });
  agentSession = await signInAs(app, agent.email);
  const maria = await createContact(app, { name: 'María Gómez', email: 'maria@acme.test' });
  // Oldest activity first; each conversation's last comment decides its place.
  const make = async (key: string, options: Parameters<typeof createConversation>[1]) => {
    ids[key] = String((await createConversation(app, options)).id);
  };
  await make('oldest', { startedAt: hoursAgo(10), parts: [{ author: 'customer', body: 'My INVOICE is wrong: <3 items, not 4 & AT&amp;T' }] });
  await make('maria', { contactId: maria.id, startedAt: hoursAgo(9), parts: [{ author: 'customer', body: 'Hello there' }] });
  await make('assigned', { startedAt: hoursAgo(8), data: { assigneeAdminId: agent.id }, parts: [{ author: 'customer', body: 'Assigned to the agent' }] });
  await make('closed', { startedAt: hoursAgo(7), data: { state: 'closed' }, parts: [{ author: 'customer', body: 'All good, thanks' }] });
  await make('snoozed', { startedAt: hoursAgo(6), data: { state: 'snoozed', snoozedUntil: new Date(Date.now() + 3600_000) }, parts: [{ author: 'customer', body: 'Call me tomorrow' }] });
  await make('woke', { startedAt: hoursAgo(5), data: { state: 'snoozed', snoozedUntil: hoursAgo(1) }, parts: [{ author: 'customer', body: 'Snooze is over' }] });
  await make('read', {
    startedAt: hoursAgo(4),
    data: { adminReadAt: hoursAgo(1) },
    parts: [{ author: 'customer', body: 'Read already' }, { author: 'admin', body: 'Answered', adminId: agent.id }],
  });
  await make('long', { startedAt: hoursAgo(3), parts: [{ author: 'customer', body: `<p>Long   <b>message</b> &amp; more</p> ${'x'.repeat(300)}` }] });
  // A note after the last comment: the list shows it, but it is not activity.
  await make('noted', { startedAt: hoursAgo(2), parts: [{ author: 'customer', body: 'Newest comment' }, { author: 'admin', type: 'note', body: 'Internal only', adminId: agent.id, at: new Date() }] });
  await make('empty', { startedAt: hoursAgo(11), parts: [] });
  // Another workspace's conversation must never show.
  const other = await app.db.workspace.create({ data: { name: 'Other' } });
  await createConversation(app, { workspaceId: other.id, startedAt: new Date(), parts: [{ author: 'customer', body: 'My INVOICE is wrong' }] });
});
afterAll(async () => {
  await app?.close();
});

const list = (query: Record<string, string> = {}, options: Parameters<TestApp['call']>[2] = {}) => app.call('GET', '/conversations', { query, ...options });
const idsOf = (body: { data: { id: string }[] }) => body.data.map((c) => c.id);

describe('GET /conversations', () => {
  it('lists open conversations by last activity, newest first, with a summary of each', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([ids.noted, ids.long, ids.read, ids.woke, ids.assigned, ids.maria, ids.oldest, ids.empty]);
    expect(res.body).toMatchObject({ type: 'conversation.list', total_count: 8, pages: { type: 'pages', per_page: 20, next: null } });
    const byId = new Map(res.body.data.map((c: any) => [c.id, c]));
    expect(byId.get(ids.maria)).toMatchObject({ type: 'conversation', state: 'open', assignee: null, contact: { name: 'María Gómez', email: 'maria@acme.test' }, tags: [], unread: true, preview: { author_type: 'customer', part_type: 'comment', body: 'Hello there' } });
    expect(byId.get(ids.assigned)).toMatchObject({ assignee: { id: String(agent.id), name: agent.name } });
    expect(byId.get(ids.read)).toMatchObject({ unread: false, preview: { author_type: 'admin', body: 'Answered' } });
    expect(byId.get(ids.noted)).toMatchObject({ unread: true, preview: { part_type: 'note', body: 'Internal only' } });
    expect(byId.get(ids.empty)).toMatchObject({ unread: false, preview: null });
    // Plain text is shown as written; only HTML bodies are turned into text.
    expect((byId.get(ids.oldest) as any).preview.body).toBe('My INVOICE is wrong: <3 items, not 4 & AT&amp;T');
    // A snooze whose time has passed reads as open.
    expect(byId.get(ids.woke)).toMatchObject({ state: 'open', snoozed_until: null });
    const preview = (byId.get(ids.long) as any).preview.body as string;
    expect(preview.startsWith('Long message & more xxx')).toBe(true);
    expect(preview).toHaveLength(140);
    expect(preview.endsWith('…')).toBe(true);
  });

  it('filters by state', async () => {
    expect(idsOf((await list({ state: 'closed' })).body)).toEqual([ids.closed]);
    const snoozed = await list({ state: 'snoozed' });
    expect(idsOf(snoozed.body)).toEqual([ids.snoozed]);
    expect(snoozed.body.data[0]).toMatchObject({ state: 'snoozed', snoozed_until: expect.stringMatching(/Z$/) });
    const all = await list({ state: 'all' });
    expect(all.body.total_count).toBe(10);
  });

  it('filters by assignee: me (the signed-in teammate), unassigned, all', async () => {
    expect(idsOf((await list({ assignee: 'me' }, withSession(agentSession))).body)).toEqual([ids.assigned]);
    const unassigned = await list({ assignee: 'unassigned' });
    expect(idsOf(unassigned.body)).not.toContain(ids.assigned);
    expect(unassigned.body.total_count).toBe(7);
    // The test token's creator is another admin, with nothing assigned.
    expect((await list({ assignee: 'me' })).body.total_count).toBe(0);
  });

  it('searches contact names, emails and parts, ignoring case', async () => {
    expect(idsOf((await list({ q: 'invoice' })).body)).toEqual([ids.oldest]);
    expect(idsOf((await list({ q: 'gómez' })).body)).toEqual([ids.maria]);
    expect(idsOf((await list({ q: 'ACME.test' })).body)).toEqual([ids.maria]);
    // Notes are searchable too: teammates wrote them.
    expect(idsOf((await list({ q: 'internal only' })).body)).toEqual([ids.noted]);
    expect(idsOf((await list({ q: 'tomorrow', state: 'all' })).body)).toEqual([ids.snoozed]);
    expect((await list({ q: 'nothing like this' })).body).toMatchObject({ data: [], total_count: 0 });
  });

  it('pages with starting_after, without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await list({ state: 'all', per_page: '3', ...(cursor && { starting_after: cursor }) });
      expect(res.status).toBe(200);
      expect(res.body.total_count).toBe(10);
      seen.push(...idsOf(res.body));
      cursor = res.body.pages.next?.starting_after;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
    expect(seen).toEqual(idsOf((await list({ state: 'all' })).body));
  });

  it('rejects bad filters, naming the parameter', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ state: 'pending' }, 'state'],
      [{ assignee: 'someone' }, 'assignee'],
      [{ per_page: '0' }, 'per_page'],
      [{ per_page: '151' }, 'per_page'],
      [{ starting_after: 'not-a-cursor' }, 'starting_after'],
      [{ q: 'x'.repeat(201) }, 'q'],
    ];
    for (const [query, field] of cases) {
      const res = await list(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ field });
    }
  });

  it('refuses assignee=me for a token that belongs to no teammate', async () => {
    const { token } = await createApiToken(app.db, { workspaceId: app.workspaceId, name: 'cli' });
    const res = await list({ assignee: 'me' }, { token });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'assignee', message: expect.stringContaining('belongs to no admin') });
  });

  it('shows another workspace only its own conversations', async () => {
    const res = await list({ state: 'all', q: 'invoice' }, { token: await app.newWorkspaceToken() });
    expect(res.body.total_count).toBe(0);
  });
});
