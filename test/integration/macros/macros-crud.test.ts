// GET/POST /macros, GET/PATCH/DELETE /macros/{id}: the reference's listMacros
// and getMacro (cursor, updated_since, visibility) plus Patchbay's writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../../server/identity/api-tokens.ts';
import { createTestAdmin } from '../../support/admin-session.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

let app: TestApp;
let otherAdminToken: string;
let otherAdminId: number;
let agentToken: string;
let connectorId: string;

beforeAll(async () => {
  app = await startTestApp();
  const other = await createTestAdmin(app);
  otherAdminId = other.id;
  otherAdminToken = (await createApiToken(app.db, { workspaceId: app.workspaceId, name: 'other admin', createdByAdminId: other.id })).token;
  const agent = await createTestAdmin(app, { role: 'agent' });
  agentToken = (await createApiToken(app.db, { workspaceId: app.workspaceId, name: 'agent', createdByAdminId: agent.id })).token;
  await app.db.customAttributeDefinition.create({ data: { workspaceId: app.workspaceId, target: 'conversation', name: 'order_status' } });
  const created = await app.call('POST', '/data_connectors', { body: { name: 'Order lookup', http_method: 'get', url: 'https://api.example.test/orders/{{order_id}}', data_inputs: [{ name: 'order_id', type: 'string', required: true }] } });
  expect(created.status).toBe(201);
  connectorId = created.body.id;
});
afterAll(async () => {
  await app?.close();
});

const macroCount = () => app.db.macro.count({ where: { workspaceId: app.workspaceId } });

const refundMacro = () => ({
  name: 'Refund lookup',
  actions: [
    { type: 'reply', body: `Hi {{contact.name | fallback: 'there'}},\n\nI'm checking order <{{conversation.custom_attributes.order_id}}>.` },
    { type: 'add_tag', tag: 'refund' },
    { type: 'run_connector', data_connector_id: connectorId, inputs: { order_id: '{{conversation.custom_attributes.order_id}}' } },
    { type: 'set_attribute', target: 'conversation', name: 'order_status', value: 'checking' },
    { type: 'assign', assignee_id: 'me' },
    { type: 'snooze', minutes: 60 },
  ],
});

describe('writing macros', () => {
  it('creates, reads, lists, updates and deletes a macro', async () => {
    const created = await app.call('POST', '/macros', { body: refundMacro() });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      type: 'macro',
      name: 'Refund lookup',
      body_text: `Hi {{contact.name | fallback: 'there'}},\n\nI'm checking order <{{conversation.custom_attributes.order_id}}>.`,
      body: '<p>Hi <attribute key="contact.name" default="there"/>,</p><p>I&#39;m checking order &lt;<attribute key="conversation.custom_attributes.order_id"/>&gt;.</p>',
      visible_to: 'everyone',
      visible_to_team_ids: [],
      available_on: ['inbox'],
    });
    expect(created.body.actions).toEqual(refundMacro().actions);
    const id: string = created.body.id;
    const stored = await app.db.macro.findUniqueOrThrow({ where: { id: Number(id) } });
    expect(stored).toMatchObject({ ownerAdminId: app.adminId, visibility: 'everyone', bodyText: created.body.body_text });

    const read = await app.call('GET', '/macros/{id}', { params: { id } });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const list = await app.call('GET', '/macros');
    expect(list.status).toBe(200);
    expect(list.body.data.map((m: { id: string }) => m.id)).toContain(id);

    const patched = await app.call('PATCH', '/macros/{id}', { params: { id }, body: { name: 'Refund lookup (EU)', actions: [{ type: 'note', body: 'no reply here' }, { type: 'close' }] } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Refund lookup (EU)', body: '', body_text: '', actions: [{ type: 'note', body: 'no reply here' }, { type: 'close' }] });
    expect((await app.call('GET', '/macros/{id}', { params: { id } })).body.name).toBe('Refund lookup (EU)');

    const deleted = await app.call('DELETE', '/macros/{id}', { params: { id } });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id, object: 'macro', deleted: true });
    const gone = await app.call('GET', '/macros/{id}', { params: { id } });
    expect(gone.status).toBe(404);
    expect(gone.body.errors).toEqual([{ code: 'not_found', message: 'Macro not found' }]);
    expect(await app.db.macro.findUnique({ where: { id: Number(id) } })).toBeNull();
  });

  it.each([
    ['an empty name', { ...refundMacro(), name: ' ' }, 'name', /name: must not be empty/],
    ['no actions', { ...refundMacro(), actions: [] }, 'actions', /actions: must have at least one action/],
    ['an unknown action type', { ...refundMacro(), actions: [{ type: 'close' }, { type: 'delete_everything' }] }, 'actions.1.type', /actions\.1\.type: must be one of: reply, note/],
    ['a snooze of 0 minutes', { ...refundMacro(), actions: [{ type: 'close' }, { type: 'snooze', minutes: 0 }] }, 'actions.1.minutes', /actions\.1\.minutes: must be at least 1/],
    ['a missing reply body', { ...refundMacro(), actions: [{ type: 'reply' }] }, 'actions.0.body', /actions\.0\.body is required/],
    ['a connector of nowhere', { ...refundMacro(), actions: [{ type: 'run_connector', data_connector_id: '999999' }] }, 'actions.0.data_connector_id', /no data connector with id 999999 in this workspace/],
    ['an undefined attribute', { ...refundMacro(), actions: [{ type: 'close' }, { type: 'set_attribute', target: 'contact', name: 'order_status', value: 'x' }] }, 'actions.1.name', /no contact attribute named "order_status"/],
    ['an admin of nowhere', { ...refundMacro(), actions: [{ type: 'assign', assignee_id: '999999' }] }, 'actions.0.assignee_id', /no admin with id 999999/],
    ['team visibility', { ...refundMacro(), visible_to: 'specific_teams' }, 'visible_to', /visible_to: must be one of: everyone, me/],
    ['an unknown field', { ...refundMacro(), shortcut: '/r' }, 'shortcut', /Unknown field: shortcut/],
  ])('refuses %s, naming the field, and stores nothing', async (_what, body, field, message) => {
    const before = await macroCount();
    const res = await app.call('POST', '/macros', { body });
    expect(res.status).toBe(422);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ field, message: expect.stringMatching(message) }));
    expect(await macroCount()).toBe(before);
  });

  it('refuses a bad update and leaves the macro as it was', async () => {
    const id: string = (await app.call('POST', '/macros', { body: refundMacro() })).body.id;
    const before = await app.db.macro.findUniqueOrThrow({ where: { id: Number(id) } });
    const res = await app.call('PATCH', '/macros/{id}', { params: { id }, body: { name: 'Renamed', actions: [{ type: 'close' }, { type: 'run_connector', data_connector_id: '999999' }] } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'actions.1.data_connector_id' })]);
    expect(await app.db.macro.findUniqueOrThrow({ where: { id: Number(id) } })).toEqual(before);
  });

  it('lets agents read macros but not write them', async () => {
    const id: string = (await app.call('POST', '/macros', { body: refundMacro() })).body.id;
    const before = await macroCount();
    const forbidden = { code: 'forbidden', message: 'This needs the admin role; you have the agent role' };
    const writes = [
      await app.call('POST', '/macros', { body: refundMacro(), token: agentToken }),
      await app.call('PATCH', '/macros/{id}', { params: { id }, body: { name: 'Agent was here' }, token: agentToken }),
      await app.call('DELETE', '/macros/{id}', { params: { id }, token: agentToken }),
    ];
    for (const res of writes) {
      expect(res.status).toBe(403);
      expect(res.body.errors).toEqual([forbidden]);
    }
    expect(await macroCount()).toBe(before);
    expect((await app.db.macro.findUniqueOrThrow({ where: { id: Number(id) } })).name).toBe('Refund lookup');
    expect((await app.call('GET', '/macros/{id}', { params: { id }, token: agentToken })).status).toBe(200);
    expect((await app.call('GET', '/macros', { token: agentToken })).body.data.map((m: { id: string }) => m.id)).toContain(id);
  });
});

describe("'me' macros", () => {
  it('are seen, changed and deleted by their owner only', async () => {
    const mine = await app.call('POST', '/macros', { body: { ...refundMacro(), name: 'My shortcut', visible_to: 'me' } });
    expect(mine.status).toBe(201);
    expect(mine.body.visible_to).toBe('me');
    const id: string = mine.body.id;

    expect((await app.call('GET', '/macros/{id}', { params: { id } })).status).toBe(200);
    expect((await app.call('GET', '/macros')).body.data.map((m: { id: string }) => m.id)).toContain(id);

    for (const token of [otherAdminToken, agentToken]) {
      const read = await app.call('GET', '/macros/{id}', { params: { id }, token });
      expect(read.status).toBe(404);
      expect(read.body.errors).toEqual([{ code: 'not_found', message: 'Macro not found' }]);
      expect((await app.call('GET', '/macros', { token })).body.data.map((m: { id: string }) => m.id)).not.toContain(id);
    }
    expect((await app.call('PATCH', '/macros/{id}', { params: { id }, body: { name: 'Stolen' }, token: otherAdminToken })).status).toBe(404);
    expect((await app.call('DELETE', '/macros/{id}', { params: { id }, token: otherAdminToken })).status).toBe(404);
    expect(await app.db.macro.findUniqueOrThrow({ where: { id: Number(id) } })).toMatchObject({ name: 'My shortcut', visibility: 'me' });
  });

  it('become the private macro of whoever makes a shared macro private', async () => {
    const id: string = (await app.call('POST', '/macros', { body: refundMacro() })).body.id;
    const res = await app.call('PATCH', '/macros/{id}', { params: { id }, body: { visible_to: 'me' }, token: otherAdminToken });
    expect(res.status).toBe(200);
    expect((await app.db.macro.findUniqueOrThrow({ where: { id: Number(id) } })).ownerAdminId).toBe(otherAdminId);
    expect((await app.call('GET', '/macros/{id}', { params: { id }, token: otherAdminToken })).status).toBe(200);
    expect((await app.call('GET', '/macros/{id}', { params: { id } })).status).toBe(404);
  });

  it('need a caller who is an admin', async () => {
    const before = await macroCount();
    const token = (await createApiToken(app.db, { workspaceId: app.workspaceId, name: 'cli' })).token;
    const res = await app.call('POST', '/macros', { body: { ...refundMacro(), visible_to: 'me' }, token });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'visible_to' })]);
    expect(await macroCount()).toBe(before);
  });

  it('of another workspace are not found', async () => {
    const id: string = (await app.call('POST', '/macros', { body: refundMacro() })).body.id;
    const res = await app.call('GET', '/macros/{id}', { params: { id }, token: await app.newWorkspaceToken() });
    expect(res.status).toBe(404);
  });
});

describe('listing', () => {
  // Far in the future so updated_since selects just these.
  const base = Date.UTC(2031, 0, 1) / 1000;
  const at = (offset: number) => new Date((base + offset) * 1000);
  let expectedOrder: string[];

  beforeAll(async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await app.call('POST', '/macros', { body: { name: `Paged ${i}`, actions: [{ type: 'close' }] } })).body.id);
    // Two share a timestamp so the id breaks the tie.
    const offsets = [10, 30, 20, 30, 40.5];
    for (const [i, id] of ids.entries()) await app.db.macro.update({ where: { id: Number(id) }, data: { updatedAt: at(offsets[i]!) } });
    expectedOrder = [ids[4]!, ids[3]!, ids[1]!, ids[2]!, ids[0]!];
  });

  it('pages newest first with the reference cursor ([updated_at, "id"] in base64)', async () => {
    const seen: string[] = [];
    let startingAfter: string | undefined;
    const cursors: string[] = [];
    for (let page = 0; page < 5; page++) {
      const res = await app.call('GET', '/macros', { query: { per_page: '2', updated_since: String(base), ...(startingAfter && { starting_after: startingAfter }) } });
      expect(res.status).toBe(200);
      expect(res.body.pages).toMatchObject({ type: 'pages', per_page: 2 });
      seen.push(...res.body.data.map((m: { id: string }) => m.id));
      startingAfter = res.body.pages.next?.starting_after;
      if (!startingAfter) break;
      cursors.push(startingAfter);
    }
    expect(seen).toEqual(expectedOrder);
    expect(cursors).toHaveLength(2);
    expect(JSON.parse(Buffer.from(cursors[0]!, 'base64').toString('utf8'))).toEqual([base + 30, expectedOrder[1]]);
  });

  it('filters by updated_since', async () => {
    const res = await app.call('GET', '/macros', { query: { updated_since: String(base + 20) } });
    expect(res.body.data.map((m: { id: string }) => m.id)).toEqual(expectedOrder.slice(0, 3));
  });

  it.each([
    ['starting_after', { starting_after: 'bm90IGEgY3Vyc29y' }],
    ['starting_after', { starting_after: Buffer.from(JSON.stringify([1, 'abc'])).toString('base64') }],
    ['per_page', { per_page: '151' }],
    ['per_page', { per_page: '0' }],
    ['updated_since', { updated_since: 'yesterday' }],
  ])('refuses a bad %s with 400 parameter_invalid', async (field, query) => {
    const res = await app.call('GET', '/macros', { query });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ code: 'parameter_invalid', field })]);
  });
});
