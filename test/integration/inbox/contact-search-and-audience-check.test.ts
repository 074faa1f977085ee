// GET /contacts?q= and GET /data_connectors/{id}/audience_check: what the
// connector editor's Fin preview uses to pick a contact and say whether the
// AI agent would see the connector for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { createContact } from './inbox-fixtures.ts';

let app: TestApp;
let otherWorkspaceId: number;

beforeAll(async () => {
  app = await startTestApp();
  await app.db.customAttributeDefinition.create({ data: { workspaceId: app.workspaceId, target: 'contact', name: 'plan', type: 'string' } });
  otherWorkspaceId = (await app.db.workspace.create({ data: { name: 'Other' } })).id;
});
afterAll(async () => {
  await app?.close();
});

async function draftConnector(body: Record<string, unknown>): Promise<string> {
  const res = await app.call('POST', '/data_connectors', { body: { http_method: 'get', name: 'Plan lookup', url: 'https://api.example.test/plans', ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

describe('GET /contacts', () => {
  it('finds contacts of the workspace by name, email, external id or id, case-insensitively', async () => {
    const zed = await createContact(app, { name: 'Zed Searchable', email: 'zed@search.test', externalId: 'ext_zed_1' });
    const yan = await createContact(app, { name: 'Yan Searchable', email: 'yan@search.test', externalId: 'ext_yan_1', role: 'lead' });
    await createContact(app, { name: 'Zed Searchable Elsewhere', email: 'zed@search.test' }, otherWorkspaceId);

    const byName = await app.call('GET', '/contacts', { query: { q: 'searchABLE' } });
    expect(byName.status).toBe(200);
    expect(byName.body.data.map((c: any) => c.id)).toEqual([String(yan.id), String(zed.id)]);
    expect(byName.body.data[0]).toEqual({ type: 'contact', id: String(yan.id), role: 'lead', external_id: 'ext_yan_1', email: 'yan@search.test', name: 'Yan Searchable' });

    const byEmail = await app.call('GET', '/contacts', { query: { q: 'ZED@search' } });
    expect(byEmail.body.data.map((c: any) => c.id)).toEqual([String(zed.id)]);
    const byExternalId = await app.call('GET', '/contacts', { query: { q: 'ext_yan' } });
    expect(byExternalId.body.data.map((c: any) => c.id)).toEqual([String(yan.id)]);
    const byId = await app.call('GET', '/contacts', { query: { q: String(zed.id) } });
    expect(byId.body.data[0].id).toBe(String(zed.id));
  });

  it('limits the answer with per_page and refuses a bad one, naming the parameter', async () => {
    await createContact(app, { name: 'Limit One' });
    await createContact(app, { name: 'Limit Two' });
    const limited = await app.call('GET', '/contacts', { query: { q: 'Limit', per_page: '1' } });
    expect(limited.body.data).toHaveLength(1);
    const bad = await app.call('GET', '/contacts', { query: { per_page: '0' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('per_page');
  });
});

describe('GET /data_connectors/{id}/audience_check', () => {
  it('answers for the draft\'s custom rules: role user AND plan equals pro', async () => {
    const id = await draftConnector({
      audience_mode: 'custom',
      audience_rules: { all: [{ type: 'role', operator: 'equals', value: 'user' }, { type: 'attribute', attribute: 'plan', operator: 'equals', value: 'pro' }] },
    });
    const pro = await createContact(app, { customAttributes: { plan: 'Pro' } });
    const free = await createContact(app, { customAttributes: { plan: 'free' } });
    const proLead = await createContact(app, { role: 'lead', customAttributes: { plan: 'pro' } });

    const inside = await app.call('GET', '/data_connectors/{id}/audience_check', { params: { id }, query: { contact_id: String(pro.id) } });
    expect(inside.status).toBe(200);
    expect(inside.body).toEqual({ type: 'data_connector.audience_check', data_connector_id: id, contact_id: String(pro.id), state_version: 'draft', in_audience: true, reason: null });
    for (const outsider of [free, proLead]) {
      const outside = await app.call('GET', '/data_connectors/{id}/audience_check', { params: { id }, query: { contact_id: String(outsider.id) } });
      expect(outside.body).toMatchObject({ in_audience: false, reason: 'this contact is not in the audience of "Plan lookup"' });
    }
  });

  it('checks the version asked for: a never-published connector has no live audience', async () => {
    const id = await draftConnector({});
    const contact = await createContact(app);
    const draft = await app.call('GET', '/data_connectors/{id}/audience_check', { params: { id }, query: { contact_id: String(contact.id) } });
    expect(draft.body.in_audience).toBe(true);
    const live = await app.call('GET', '/data_connectors/{id}/audience_check', { params: { id }, query: { contact_id: String(contact.id), state_version: 'live' } });
    expect(live.status).toBe(409);
    expect(live.body.errors[0].field).toBe('state_version');
  });

  it('names contact_id when it is missing, malformed or of another workspace', async () => {
    const id = await draftConnector({});
    const missing = await app.call('GET', '/data_connectors/{id}/audience_check', { params: { id } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('contact_id');
    const malformed = await app.call('GET', '/data_connectors/{id}/audience_check', { params: { id }, query: { contact_id: 'abc' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('contact_id');
    const foreign = await createContact(app, {}, otherWorkspaceId);
    const elsewhere = await app.call('GET', '/data_connectors/{id}/audience_check', { params: { id }, query: { contact_id: String(foreign.id) } });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.errors[0]).toMatchObject({ code: 'contact_not_found', field: 'contact_id' });
  });
});
