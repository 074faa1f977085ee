// GET/PATCH /contacts/{id} (the sidebar) and GET /admins (the assign picker).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAdmin, signInAs, withSession, type BrowserSession } from '../../support/admin-session.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { createContact, createConversation } from './inbox-fixtures.ts';

let app: TestApp;
let admin: Awaited<ReturnType<typeof createTestAdmin>>;
let agent: Awaited<ReturnType<typeof createTestAdmin>>;
let adminSession: BrowserSession;
let agentSession: BrowserSession;
let otherWorkspaceId: number;

beforeAll(async () => {
  app = await startTestApp();
  admin = await createTestAdmin(app, { role: 'admin' });
  agent = await createTestAdmin(app, { role: 'agent' });
  [adminSession, agentSession] = await Promise.all([signInAs(app, admin.email), signInAs(app, agent.email)]);
  await app.db.customAttributeDefinition.createMany({
    data: [
      { workspaceId: app.workspaceId, target: 'contact', name: 'plan', type: 'string' },
      { workspaceId: app.workspaceId, target: 'contact', name: 'balance', type: 'decimal' },
      { workspaceId: app.workspaceId, target: 'contact', name: 'account_id', type: 'string', protected: true },
      { workspaceId: app.workspaceId, target: 'conversation', name: 'order_id', type: 'string' },
    ],
  });
  otherWorkspaceId = (await app.db.workspace.create({ data: { name: 'Other' } })).id;
  await app.db.admin.create({ data: { workspaceId: otherWorkspaceId, email: 'elsewhere@example.test', name: 'Aaron Elsewhere', passwordHash: 'x' } });
});
afterAll(async () => {
  await app?.close();
});

const contactRow = (id: number) => app.db.contact.findUniqueOrThrow({ where: { id } });

describe('GET /contacts/{id}', () => {
  it('returns the contact with its company and five most recent conversations', async () => {
    const company = await app.db.company.create({ data: { workspaceId: app.workspaceId, name: 'Globex', customAttributes: { tier: 'enterprise' } } });
    const contact = await createContact(app, { name: 'Ann', email: 'ann@example.test', externalId: 'u_ann', companyId: company.id, customAttributes: { plan: 'pro' }, emailVerifiedAt: new Date(), verifiedEmail: 'ann@example.test' });
    const conversations = [];
    for (let i = 0; i < 7; i++) {
      conversations.push(await createConversation(app, { contactId: contact.id, startedAt: new Date(Date.now() - (10 - i) * 3600_000), data: { title: `Question ${i}`, state: i === 6 ? 'closed' : 'open' } }));
    }
    const res = await app.call('GET', '/contacts/{id}', { params: { id: String(contact.id) } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      type: 'contact',
      id: String(contact.id),
      role: 'user',
      external_id: 'u_ann',
      email: 'ann@example.test',
      name: 'Ann',
      email_verified: true,
      custom_attributes: { plan: 'pro' },
      company: { id: String(company.id), name: 'Globex', custom_attributes: { tier: 'enterprise' } },
    });
    expect(res.body.recent_conversations.map((c: any) => c.id)).toEqual(conversations.slice(2).reverse().map((c) => String(c.id)));
    expect(res.body.recent_conversations[0]).toMatchObject({ title: 'Question 6', state: 'closed' });
  });

  it('says a changed email is not verified, and shows contacts without a company', async () => {
    const contact = await createContact(app, { email: 'new@example.test', emailVerifiedAt: new Date(), verifiedEmail: 'old@example.test' });
    const res = await app.call('GET', '/contacts/{id}', { params: { id: String(contact.id) } });
    expect(res.body).toMatchObject({ email_verified: false, company: null, recent_conversations: [] });
  });

  it('does not find contacts of another workspace', async () => {
    const foreign = await createContact(app, {}, otherWorkspaceId);
    for (const id of [String(foreign.id), 'x1']) {
      const res = await app.call('GET', '/contacts/{id}', { params: { id } });
      expect(res.status).toBe(404);
      expect(res.body.errors[0].code).toBe('contact_not_found');
    }
  });
});

describe('PATCH /contacts/{id}', () => {
  const patch = (id: number, body: unknown, session: BrowserSession) => app.call('PATCH', '/contacts/{id}', { params: { id: String(id) }, body, ...withSession(session) });

  it('lets a teammate set defined attributes, coerced to their type and merged', async () => {
    const contact = await createContact(app, { customAttributes: { plan: 'free', legacy: 'kept' } });
    const res = await patch(contact.id, { custom_attributes: { plan: 'business', balance: '12.50' } }, agentSession);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.custom_attributes).toEqual({ plan: 'business', balance: 12.5, legacy: 'kept' });
    expect((await contactRow(contact.id)).customAttributes).toEqual({ plan: 'business', balance: 12.5, legacy: 'kept' });
  });

  it('keeps protected attributes for admins', async () => {
    const contact = await createContact(app, { customAttributes: { account_id: 'acct_1' } });
    const refused = await patch(contact.id, { custom_attributes: { plan: 'pro', account_id: 'acct_2' } }, agentSession);
    expect(refused.status).toBe(403);
    expect(refused.body.errors).toEqual([expect.objectContaining({ code: 'forbidden', field: 'custom_attributes.account_id' })]);
    expect((await contactRow(contact.id)).customAttributes).toEqual({ account_id: 'acct_1' });
    const allowed = await patch(contact.id, { custom_attributes: { account_id: 'acct_2' } }, adminSession);
    expect(allowed.status).toBe(200);
    expect((await contactRow(contact.id)).customAttributes).toEqual({ account_id: 'acct_2' });
  });

  it('rejects bad input, naming the field, and changes nothing', async () => {
    const contact = await createContact(app, { customAttributes: { plan: 'free' } });
    const cases: [unknown, string[]][] = [
      [{ custom_attributes: { plan: 'pro', order_id: 'ORD-1' } }, ['custom_attributes.order_id']],
      [{ custom_attributes: { balance: 'lots' } }, ['custom_attributes.balance']],
      [{ custom_attributes: { plan: 'x'.repeat(10_001) } }, ['custom_attributes.plan']],
      [{ custom_attributes: 'plan=pro' }, ['custom_attributes']],
      [{}, ['custom_attributes']],
      [{ custom_attributes: {}, email: 'x@example.test' }, ['email']],
    ];
    for (const [body, fields] of cases) {
      const res = await patch(contact.id, body, adminSession);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(422);
      expect(res.body.errors.map((e: any) => e.field)).toEqual(fields);
    }
    expect((await contactRow(contact.id)).customAttributes).toEqual({ plan: 'free' });
  });

  it('does not update contacts of another workspace', async () => {
    const foreign = await createContact(app, { customAttributes: { plan: 'free' } }, otherWorkspaceId);
    const res = await patch(foreign.id, { custom_attributes: { plan: 'pro' } }, adminSession);
    expect(res.status).toBe(404);
    expect((await contactRow(foreign.id)).customAttributes).toEqual({ plan: 'free' });
  });
});

describe('GET /admins', () => {
  it("lists the workspace's teammates by name, to agents too, and nobody else's", async () => {
    const res = await app.call('GET', '/admins', withSession(agentSession));
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('admin.list');
    const names = res.body.data.map((a: any) => a.name);
    expect(names).toEqual([...names].sort((a: string, b: string) => a.localeCompare(b)));
    expect(res.body.data).toHaveLength(3);
    expect(res.body.data).toEqual(
      expect.arrayContaining([
        { type: 'admin', id: String(agent.id), name: agent.name, email: agent.email, role: 'agent' },
        { type: 'admin', id: String(admin.id), name: admin.name, email: admin.email, role: 'admin' },
        expect.objectContaining({ id: String(app.adminId) }),
      ]),
    );
    expect(JSON.stringify(res.body)).not.toContain('elsewhere@example.test');
    expect(JSON.stringify(res.body)).not.toMatch(/password/i);
  });

  it('needs authentication', async () => {
    expect((await app.call('GET', '/admins', { token: null })).status).toBe(401);
  });
});
