import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../../server/identity/api-tokens.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

let app: TestApp;
let agentToken: string;
beforeAll(async () => {
  app = await startTestApp();
  const agent = await app.db.admin.create({ data: { workspaceId: app.workspaceId, email: `agent-${app.workspaceId}@example.test`, name: 'Agent', passwordHash: 'x', role: 'agent' } });
  agentToken = (await createApiToken(app.db, { workspaceId: app.workspaceId, name: 'agent', createdByAdminId: agent.id })).token;
});
afterAll(() => app?.close());

async function define(body: Record<string, unknown>) {
  const res = await app.call('POST', '/custom_attribute_definitions', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('/custom_attribute_definitions', () => {
  it('creates, lists by target, reads, updates and deletes definitions', async () => {
    const plan = await define({ target: 'contact', name: 'plan', label: 'Plan', description: 'Subscription plan', protected: true });
    expect(plan).toMatchObject({ type: 'custom_attribute_definition', target: 'contact', name: 'plan', label: 'Plan', data_type: 'string', protected: true });
    await define({ target: 'conversation', name: 'priority', data_type: 'integer' });
    // The same name on another target is a different attribute.
    await define({ target: 'company', name: 'plan', data_type: 'string' });
    await define({ target: 'contact', name: 'arr', data_type: 'decimal' });

    const all = await app.call('GET', '/custom_attribute_definitions');
    expect(all.body.data.map((d: { target: string; name: string }) => `${d.target}.${d.name}`)).toEqual(['contact.arr', 'contact.plan', 'conversation.priority', 'company.plan']);
    const contacts = await app.call('GET', '/custom_attribute_definitions', { query: { target: 'contact' } });
    expect(contacts.body.data.map((d: { name: string }) => d.name)).toEqual(['arr', 'plan']);
    expect((await app.call('GET', '/custom_attribute_definitions', { query: { target: 'ticket' } })).body.errors[0]).toMatchObject({ field: 'target' });
    expect((await app.call('GET', '/custom_attribute_definitions/{id}', { params: { id: plan.id } })).body).toEqual(plan);

    const updated = await app.call('PATCH', '/custom_attribute_definitions/{id}', { params: { id: plan.id }, body: { label: null, description: 'Billing plan', protected: false } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'plan', label: null, description: 'Billing plan', protected: false });
    // The name is fixed once created.
    const rename = await app.call('PATCH', '/custom_attribute_definitions/{id}', { params: { id: plan.id }, body: { name: 'tier' } });
    expect(rename.status).toBe(422);
    expect(rename.body.errors[0]).toMatchObject({ field: 'name', message: 'Unknown field: name' });

    const deleted = await app.call('DELETE', '/custom_attribute_definitions/{id}', { params: { id: plan.id } });
    expect(deleted.body).toEqual({ id: plan.id, object: 'custom_attribute_definition', deleted: true, values_removed: 0 });
    const gone = await app.call('GET', '/custom_attribute_definitions/{id}', { params: { id: plan.id } });
    expect(gone.status).toBe(404);
    expect(gone.body.errors[0].code).toBe('custom_attribute_definition_not_found');
  });

  it('names the field and the rule of every invalid input, and changes nothing', async () => {
    const bad = await app.call('POST', '/custom_attribute_definitions', { body: { target: 'ticket', name: 'has space', data_type: 'float', protected: 'yes' } });
    expect(bad.status).toBe(422);
    const byField = Object.fromEntries(bad.body.errors.map((e: { field: string; message: string }) => [e.field, e.message]));
    expect(byField).toEqual({
      target: 'target: must be one of: contact, conversation, company',
      name: 'name: must start with a letter or underscore and contain only letters, digits and underscores',
      data_type: 'data_type: must be one of: string, integer, decimal, boolean, datetime',
      protected: 'protected: must be true or false',
    });
    expect((await app.call('POST', '/custom_attribute_definitions', { body: { target: 'contact' } })).body.errors[0]).toMatchObject({ code: 'parameter_not_found', field: 'name' });

    const standard = await app.call('POST', '/custom_attribute_definitions', { body: { target: 'contact', name: 'email' } });
    expect(standard.body.errors[0]).toMatchObject({ field: 'name', message: expect.stringContaining('"email" is a standard contact attribute') });

    await define({ target: 'contact', name: 'tier' });
    const duplicate = await app.call('POST', '/custom_attribute_definitions', { body: { target: 'contact', name: 'tier', data_type: 'integer' } });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.errors[0]).toEqual({ code: 'parameter_invalid', field: 'name', message: 'name: a contact attribute named "tier" already exists' });

    const names = (await app.db.customAttributeDefinition.findMany({ where: { workspaceId: app.workspaceId, target: 'contact', name: { in: ['has space', 'email', 'tier'] } } })).map((d) => `${d.name}:${d.type}`);
    expect(names).toEqual(['tier:string']);
  });

  it('refuses a type change while values are stored, allows it once they are cleared, and deletes values with the definition', async () => {
    const score = await define({ target: 'contact', name: 'score', data_type: 'string' });
    const contacts = await Promise.all(
      ['a', 'b', 'c'].map((n, i) =>
        app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'user', email: `${n}@example.test`, customAttributes: i < 2 ? { score: String(i + 1), keep: 'yes' } : { keep: 'yes' } } }),
      ),
    );

    const refused = await app.call('PATCH', '/custom_attribute_definitions/{id}', { params: { id: score.id }, body: { data_type: 'integer', label: 'Score' } });
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0]).toEqual({
      code: 'attribute_has_values',
      field: 'data_type',
      message: 'data_type: cannot change "score" from string to integer while 2 contacts have a value for it; clear those values first',
    });
    // Nothing of the refused update was applied.
    expect(await app.db.customAttributeDefinition.findUnique({ where: { id: Number(score.id) } })).toMatchObject({ type: 'string', label: null });
    // Same type: nothing to convert, so it goes through.
    expect((await app.call('PATCH', '/custom_attribute_definitions/{id}', { params: { id: score.id }, body: { data_type: 'string', label: 'Score' } })).status).toBe(200);

    for (const contact of contacts) await app.db.contact.update({ where: { id: contact.id }, data: { customAttributes: { keep: 'yes', score: null } } });
    const changed = await app.call('PATCH', '/custom_attribute_definitions/{id}', { params: { id: score.id }, body: { data_type: 'integer' } });
    expect(changed.status).toBe(200);
    expect(changed.body.data_type).toBe('integer');

    await app.db.contact.update({ where: { id: contacts[0]!.id }, data: { customAttributes: { keep: 'yes', score: 7 } } });
    const deleted = await app.call('DELETE', '/custom_attribute_definitions/{id}', { params: { id: score.id } });
    expect(deleted.body).toMatchObject({ deleted: true, values_removed: 3 });
    const after = await app.db.contact.findMany({ where: { id: { in: contacts.map((c) => c.id) } }, orderBy: { id: 'asc' } });
    expect(after.map((c) => c.customAttributes)).toEqual([{ keep: 'yes' }, { keep: 'yes' }, { keep: 'yes' }]);
  });

  it('lets agents read but not write', async () => {
    const definition = await define({ target: 'conversation', name: 'agent_visible' });
    expect((await app.call('GET', '/custom_attribute_definitions', { token: agentToken })).status).toBe(200);
    expect((await app.call('GET', '/custom_attribute_definitions/{id}', { params: { id: definition.id }, token: agentToken })).status).toBe(200);
    expect((await app.call('POST', '/custom_attribute_definitions', { token: agentToken, body: { target: 'contact', name: 'nope' } })).status).toBe(403);
    expect((await app.call('PATCH', '/custom_attribute_definitions/{id}', { params: { id: definition.id }, token: agentToken, body: { protected: true } })).status).toBe(403);
    expect((await app.call('DELETE', '/custom_attribute_definitions/{id}', { params: { id: definition.id }, token: agentToken })).status).toBe(403);
    expect(await app.db.customAttributeDefinition.findUnique({ where: { id: Number(definition.id) } })).toMatchObject({ protected: false });
  });

  it("hides another workspace's definitions", async () => {
    const definition = await define({ target: 'company', name: 'private_one' });
    const other = await app.newWorkspaceToken();
    expect((await app.call('GET', '/custom_attribute_definitions/{id}', { params: { id: definition.id }, token: other })).status).toBe(404);
    expect((await app.call('DELETE', '/custom_attribute_definitions/{id}', { params: { id: definition.id }, token: other })).status).toBe(404);
    expect((await app.call('GET', '/custom_attribute_definitions', { token: other })).body.data).toEqual([]);
  });
});
