// GET/PATCH /api/workspace_settings: log retention as the hourly purge applies
// it, and the one-time code email as the customer receives it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExecutionResults } from '../../../server/connectors/purge-execution-results.ts';
import { createMailer, type MailTransport } from '../../../server/email/mailer.ts';
import { createApiToken } from '../../../server/identity/api-tokens.ts';
import { requestOtp } from '../../../server/identity/otp/request-otp.ts';
import { createTestAdmin } from '../../support/admin-session.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

const DAY = 24 * 60 * 60 * 1000;
let app: TestApp;
let agentToken: string;

beforeAll(async () => {
  app = await startTestApp();
  const agent = await createTestAdmin(app, { role: 'agent' });
  agentToken = (await createApiToken(app.db, { workspaceId: app.workspaceId, name: 'agent', createdByAdminId: agent.id })).token;
});
afterAll(() => app?.close());

const workspaceRow = () => app.db.workspace.findUniqueOrThrow({ where: { id: app.workspaceId } });
const patch = (body: unknown, token?: string) => app.call('PATCH', '/workspace_settings', { body, ...(token && { token }) });

// Each OTP request is for a new contact, so the per-contact cooldown never interferes.
let contactCount = 0;
async function requestCode(mailer = createMailer({ db: app.db })) {
  const contact = await app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'lead', email: `c${++contactCount}@example.test` } });
  await requestOtp({ db: app.db, secrets: app.secrets, mailer }, { workspaceId: app.workspaceId, contactId: contact.id });
  return app.db.outboxEmail.findFirst({ where: { workspaceId: app.workspaceId, to: contact.email! }, orderBy: { id: 'desc' } });
}

describe('GET and PATCH /workspace_settings', () => {
  it('starts with 14 days and the default email', async () => {
    const res = await app.call('GET', '/workspace_settings');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      type: 'workspace_settings',
      workspace_name: 'Test workspace',
      log_retention_days: 14,
      otp_email_sender_name: null,
      otp_email_subject: null,
      otp_email_intro: null,
      default_otp_email_subject: 'Your Test workspace verification code',
    });
    const email = await requestCode();
    expect(email?.subject).toBe('Your Test workspace verification code');
    expect(email?.text).toMatch(/^Your verification code is \d{6}\./);
  });

  it.each([
    ['a retention of 0 days', { log_retention_days: 0 }, 'log_retention_days'],
    ['a retention over a year', { log_retention_days: 366 }, 'log_retention_days'],
    ['a fractional retention', { log_retention_days: 1.5 }, 'log_retention_days'],
    ['a retention as a string', { log_retention_days: '30' }, 'log_retention_days'],
    ['a CR/LF in the subject', { otp_email_subject: 'Hi\r\nBcc: victim@example.test' }, 'otp_email_subject'],
    ['a LF in the sender name', { otp_email_sender_name: 'Acme\nBcc: victim@example.test' }, 'otp_email_sender_name'],
    ['a sender name over 100 characters', { otp_email_sender_name: 'x'.repeat(101) }, 'otp_email_sender_name'],
    ['a subject over 150 characters', { otp_email_subject: 'x'.repeat(151) }, 'otp_email_subject'],
    ['an intro over 500 characters', { otp_email_intro: 'x'.repeat(501) }, 'otp_email_intro'],
    ['an unknown field', { name: 'Renamed' }, 'name'],
  ])('refuses %s naming the field, and changes nothing', async (_label, body, field) => {
    const before = await workspaceRow();
    const res = await patch({ ...body, log_retention_days: 'log_retention_days' in body ? body.log_retention_days : 20 });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await workspaceRow()).toEqual(before);
  });

  it('lets agents read but not change the settings', async () => {
    expect((await app.call('GET', '/workspace_settings', { token: agentToken })).status).toBe(200);
    const before = await workspaceRow();
    const res = await patch({ log_retention_days: 3 }, agentToken);
    expect(res.status).toBe(403);
    expect(await workspaceRow()).toEqual(before);
  });

  it('changes only what is sent, and null or empty text restores the default', async () => {
    let res = await patch({ otp_email_subject: ' Code for {{workspace.name}} ', otp_email_intro: 'Hello!' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ log_retention_days: 14, otp_email_subject: 'Code for {{workspace.name}}', otp_email_intro: 'Hello!', otp_email_sender_name: null });
    res = await patch({ otp_email_subject: '' });
    expect(res.body).toMatchObject({ otp_email_subject: null, otp_email_intro: 'Hello!' });
    res = await patch({ otp_email_intro: null });
    expect(res.body.otp_email_intro).toBeNull();
    expect((await app.call('GET', '/workspace_settings')).body).toEqual(res.body);
  });

  it('applies a patched retention in the hourly purge', async () => {
    const now = new Date('2026-11-20T12:00:00Z');
    const connector = await app.db.dataConnector.create({ data: { workspaceId: app.workspaceId, versions: { create: { kind: 'draft', name: 'Retention' } } } });
    const ids: Record<number, number> = {};
    for (const ageDays of [2, 5, 10]) {
      const result = await app.db.executionResult.create({
        data: { workspaceId: app.workspaceId, dataConnectorId: connector.id, success: true, httpMethod: 'get', createdAt: new Date(now.getTime() - ageDays * DAY) },
      });
      ids[ageDays] = result.id;
    }
    const left = async () => (await app.db.executionResult.findMany({ where: { dataConnectorId: connector.id }, select: { id: true } })).map((r) => r.id).sort();

    // With the default 14 days all three stay.
    await purgeExecutionResults(app.db, now);
    expect(await left()).toEqual([ids[2], ids[5], ids[10]].sort());

    expect((await patch({ log_retention_days: 7 })).body.log_retention_days).toBe(7);
    await purgeExecutionResults(app.db, now);
    expect(await left()).toEqual([ids[2], ids[5]].sort());

    await patch({ log_retention_days: 3 });
    await purgeExecutionResults(app.db, now);
    expect(await left()).toEqual([ids[2]]);
    await patch({ log_retention_days: 14 });
  });
});

describe('the one-time code email after a PATCH', () => {
  it('goes out with the custom subject (workspace name inserted) and the intro before the code', async () => {
    const res = await patch({ otp_email_subject: '{{workspace.name}}: your code', otp_email_intro: 'Hi! You asked to confirm your email in our chat.' });
    expect(res.status).toBe(200);
    const email = await requestCode();
    expect(email?.subject).toBe('Test workspace: your code');
    expect(email?.text).toMatch(/^Hi! You asked to confirm your email in our chat\.\n\nYour verification code is \d{6}\./);

    // The admin reads the same email in the outbox.
    const outbox = await app.call('GET', '/outbox');
    expect(outbox.status).toBe(200);
    expect(JSON.stringify(outbox.body)).toContain('Test workspace: your code');
  });

  it('is sent over SMTP with the sender name and the configured address', async () => {
    await patch({ otp_email_sender_name: 'Acme Support' });
    const sent: Parameters<MailTransport['sendMail']>[0][] = [];
    const transport: MailTransport = {
      async sendMail(mail) {
        sent.push(mail);
      },
      close() {},
    };
    await requestCode(createMailer({ db: app.db, from: 'Patchbay <no-reply@patchbay.test>', transport }));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.from).toEqual({ name: 'Acme Support', address: 'no-reply@patchbay.test' });
    expect(sent[0]!.subject).toBe('Test workspace: your code');

    // Without a sender name the configured From is used unchanged.
    await patch({ otp_email_sender_name: null });
    await requestCode(createMailer({ db: app.db, from: 'Patchbay <no-reply@patchbay.test>', transport }));
    expect(sent[1]!.from).toBe('Patchbay <no-reply@patchbay.test>');
  });

  it('never carries a line break into the subject, even from the workspace name', async () => {
    await app.db.workspace.update({ where: { id: app.workspaceId }, data: { name: 'Evil\r\nBcc: x@example.test' } });
    try {
      const email = await requestCode();
      expect(email?.subject).toBe('Evil Bcc: x@example.test: your code');
    } finally {
      await app.db.workspace.update({ where: { id: app.workspaceId }, data: { name: 'Test workspace' } });
    }
  });
});
