import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../../server/identity/api-tokens.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

let app: TestApp;
let agentToken: string;
beforeAll(async () => {
  app = await startTestApp();
  await app.db.customAttributeDefinition.createMany({
    data: [
      { workspaceId: app.workspaceId, target: 'contact', name: 'plan' },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'priority' },
    ],
  });
  const agent = await app.db.admin.create({ data: { workspaceId: app.workspaceId, email: `agent-${app.workspaceId}@example.test`, name: 'Agent', passwordHash: 'x', role: 'agent' } });
  agentToken = (await createApiToken(app.db, { workspaceId: app.workspaceId, name: 'agent', createdByAdminId: agent.id })).token;
});
afterAll(() => app?.close());

const enterprise = { all: [{ type: 'attribute', attribute: 'plan', operator: 'equals', value: 'enterprise' }] };

async function createAudience(body: Record<string, unknown>) {
  const res = await app.call('POST', '/audiences', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('/audiences', () => {
  it('creates, lists, reads, updates and deletes an audience', async () => {
    const created = await createAudience({ name: 'Enterprise', description: 'Paying big', rules: enterprise });
    expect(created).toMatchObject({ type: 'audience', name: 'Enterprise', description: 'Paying big', rules: enterprise });
    await createAudience({ name: 'Alpha testers', rules: { any: [{ type: 'email_verified', value: true }] } });

    const list = await app.call('GET', '/audiences');
    expect(list.body.data.map((a: { name: string }) => a.name)).toEqual(['Alpha testers', 'Enterprise']);
    expect((await app.call('GET', '/audiences/{id}', { params: { id: created.id } })).body).toEqual(created);

    const renamed = await app.call('PATCH', '/audiences/{id}', { params: { id: created.id }, body: { name: 'Enterprise plan', description: null } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Enterprise plan', description: null, rules: enterprise });

    const deleted = await app.call('DELETE', '/audiences/{id}', { params: { id: created.id } });
    expect(deleted.body).toEqual({ id: created.id, object: 'audience', deleted: true });
    expect((await app.call('GET', '/audiences/{id}', { params: { id: created.id } })).status).toBe(404);
    expect((await app.call('GET', '/audiences/{id}', { params: { id: 'abc' } })).body.errors[0].code).toBe('audience_not_found');
  });

  it('names every invalid rule and unknown attribute, and duplicate names', async () => {
    const invalid = await app.call('POST', '/audiences', { body: { name: 'Bad', rules: { all: [{ type: 'role', operator: 'equals', value: 'admin' }, { type: 'attribute', attribute: 'plan', operator: 'greater_than', value: 'x' }] } } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((e: { field: string }) => e.field)).toEqual(['rules.all.0.value', 'rules.all.1.value']);
    expect(invalid.body.errors[0].message).toBe('rules.all.0.value: role must be one of: user, lead, visitor');

    const unknown = await app.call('POST', '/audiences', { body: { name: 'Typo', rules: { all: [{ type: 'attribute', attribute: 'plann', operator: 'exists' }, { type: 'attribute', attribute: 'priority', operator: 'exists' }] } } });
    expect(unknown.status).toBe(422);
    // A conversation attribute is not a contact attribute.
    expect(unknown.body.errors.map((e: { field: string }) => e.field)).toEqual(['rules.all.0.attribute', 'rules.all.1.attribute']);
    expect(unknown.body.errors[0].message).toContain('no contact attribute named "plann"');

    expect((await app.call('POST', '/audiences', { body: { name: 'Missing rules' } })).body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'rules' });
    await createAudience({ name: 'Unique', rules: enterprise });
    const duplicate = await app.call('POST', '/audiences', { body: { name: 'Unique', rules: enterprise } });
    expect(duplicate.body.errors[0]).toMatchObject({ field: 'name', message: 'name: an audience named "Unique" already exists' });
    expect(await app.db.audience.count({ where: { name: { in: ['Bad', 'Typo', 'Missing rules'] } } })).toBe(0);
  });

  it('lets agents read but not write', async () => {
    const audience = await createAudience({ name: 'Readable', rules: enterprise });
    expect((await app.call('GET', '/audiences', { token: agentToken })).status).toBe(200);
    expect((await app.call('GET', '/audiences/{id}', { params: { id: audience.id }, token: agentToken })).status).toBe(200);
    expect((await app.call('POST', '/audiences', { token: agentToken, body: { name: 'Nope', rules: enterprise } })).status).toBe(403);
    expect((await app.call('PATCH', '/audiences/{id}', { params: { id: audience.id }, token: agentToken, body: { name: 'Nope' } })).status).toBe(403);
    expect((await app.call('DELETE', '/audiences/{id}', { params: { id: audience.id }, token: agentToken })).status).toBe(403);
  });

  it("hides another workspace's audiences", async () => {
    const audience = await createAudience({ name: 'Private', rules: enterprise });
    const other = await app.newWorkspaceToken();
    expect((await app.call('GET', '/audiences/{id}', { params: { id: audience.id }, token: other })).status).toBe(404);
    expect((await app.call('GET', '/audiences', { token: other })).body.data).toEqual([]);
  });
});

describe('connector audiences', () => {
  it('targets everyone by default, reusable audiences, or custom rules, never both', async () => {
    const audience = await createAudience({ name: 'Targeted', rules: enterprise });
    const created = await app.call('POST', '/data_connectors', { body: { name: 'Audience connector' } });
    expect(created.body).toMatchObject({ audience_mode: 'everyone', audience_ids: [], audience_rules: null });
    const id = created.body.id;

    const reusable = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { audience_ids: [audience.id] } });
    expect(reusable.status).toBe(200);
    expect(reusable.body).toMatchObject({ audience_mode: 'audiences', audience_ids: [audience.id], audience_rules: null });

    const custom = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { audience_rules: { any: [{ type: 'identity_verified', value: true }] } } });
    expect(custom.body).toMatchObject({ audience_mode: 'custom', audience_ids: [], audience_rules: { any: [{ type: 'identity_verified', value: true }] } });

    const both = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { audience_ids: [audience.id], audience_rules: enterprise } });
    expect(both.status).toBe(422);
    expect(both.body.errors[0]).toMatchObject({ field: 'audience_rules' });
    expect(both.body.errors[0].message).toContain('not both');

    const everyone = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { audience_mode: 'everyone' } });
    expect(everyone.body).toMatchObject({ audience_mode: 'everyone', audience_ids: [], audience_rules: null });
  });

  it('validates audience ids, rule attributes and the rule language', async () => {
    const other = await app.newWorkspaceToken();
    const theirs = await app.call('POST', '/audiences', { token: other, body: { name: 'Theirs', rules: { all: [{ type: 'email_verified', value: true }] } } });
    const res = await app.call('POST', '/data_connectors', { body: { name: 'Bad audience', audience_ids: ['424242', theirs.body.id] } });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { message: string }) => e.message)).toEqual([
      'audience_ids: no audience with id 424242 in this workspace',
      `audience_ids: no audience with id ${theirs.body.id} in this workspace`,
    ]);
    const rules = await app.call('POST', '/data_connectors', { body: { name: 'Bad rules', audience_rules: { all: [{ type: 'attribute', attribute: 'tier', operator: 'exists' }] } } });
    expect(rules.body.errors[0]).toMatchObject({ field: 'audience_rules.all.0.attribute' });
    const language = await app.call('POST', '/data_connectors', { body: { name: 'Bad language', audience_rules: { all: [{ type: 'attribute', attribute: 'plan', operator: 'matches', value: 'x' }] } } });
    expect(language.body.errors[0]).toMatchObject({ field: 'audience_rules.all.0.operator' });
    const mode = await app.call('POST', '/data_connectors', { body: { name: 'Bad mode', audience_mode: 'some' } });
    expect(mode.body.errors[0]).toMatchObject({ field: 'audience_mode', message: 'audience_mode: audience_mode must be one of: everyone, audiences, custom' });
  });

  it('refuses to delete an audience a connector targets, naming it', async () => {
    const audience = await createAudience({ name: 'In use', rules: enterprise });
    await app.call('POST', '/data_connectors', { body: { name: 'Invoices for enterprise', audience_ids: [audience.id] } });
    const refused = await app.call('DELETE', '/audiences/{id}', { params: { id: audience.id } });
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0]).toMatchObject({ code: 'audience_in_use', message: 'Audience is targeted by data connector(s) "Invoices for enterprise"; change their audience first' });
    expect((await app.call('GET', '/audiences/{id}', { params: { id: audience.id } })).status).toBe(200);
  });
});
