// The mailer against a small SMTP server on 127.0.0.1, and its outbox fallback.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, MailDeliveryError } from '../../../server/email/mailer.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

interface Session {
  lines: string[];
  data: string;
}

// Speaks just enough SMTP for one message per connection; `rejectRecipient` answers RCPT with 550.
async function startSmtpServer(options: { rejectRecipient?: boolean } = {}) {
  const sessions: Session[] = [];
  const server = net.createServer((socket) => {
    const session: Session = { lines: [], data: '' };
    sessions.push(session);
    let buffer = '';
    let inData = false;
    socket.write('220 test.local ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) !== -1) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            socket.write('250 2.0.0 queued\r\n');
          } else session.data += `${line}\n`;
          continue;
        }
        session.lines.push(line);
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'EHLO') socket.write('250-test.local\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n');
        else if (verb === 'AUTH') socket.write('235 2.7.0 accepted\r\n');
        else if (verb === 'MAIL') socket.write('250 2.1.0 ok\r\n');
        else if (verb === 'RCPT') socket.write(options.rejectRecipient ? '550 5.1.1 no such user\r\n' : '250 2.1.5 ok\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else if (verb === 'RSET') socket.write('250 ok\r\n');
        else socket.write('502 not implemented\r\n');
      }
    });
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    sessions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

describe('createMailer', () => {
  it('sends through SMTP_URL with its credentials and SMTP_FROM, keeping nothing in the outbox', async () => {
    const smtp = await startSmtpServer();
    const mailer = createMailer({ db: app.db, smtpUrl: `smtp://patchbay:s3cret@127.0.0.1:${smtp.port}`, from: 'Acme Support <support@acme.test>' });
    try {
      expect(mailer.via).toBe('smtp');
      const delivery = await mailer.send({ workspaceId: app.workspaceId, to: 'ann@example.test', subject: 'Your code', text: 'Your verification code is 123456.' });
      expect(delivery).toEqual({ via: 'smtp', outboxEmailId: null });
      const session = smtp.sessions.at(-1)!;
      expect(session.lines).toContain('MAIL FROM:<support@acme.test>');
      expect(session.lines).toContain('RCPT TO:<ann@example.test>');
      const auth = session.lines.find((l) => l.startsWith('AUTH '))!;
      const plain = auth.startsWith('AUTH PLAIN') ? Buffer.from(auth.split(' ')[2]!, 'base64').toString('utf8') : '';
      expect(plain).toBe('\u0000patchbay\u0000s3cret');
      expect(session.data).toContain('Subject: Your code');
      expect(session.data).toContain('Your verification code is 123456.');
      expect(await app.db.outboxEmail.count()).toBe(0);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });

  it('reports a refused message without the credentials of the URL', async () => {
    const smtp = await startSmtpServer({ rejectRecipient: true });
    const mailer = createMailer({ db: app.db, smtpUrl: `smtp://patchbay:s3cret@127.0.0.1:${smtp.port}`, from: 'support@acme.test' });
    try {
      const error = await mailer.send({ workspaceId: app.workspaceId, to: 'nobody@example.test', subject: 's', text: 't' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailDeliveryError);
      expect((error as Error).message).toBe('the SMTP server did not accept the message (550)');
      expect((error as Error).message).not.toContain('s3cret');
    } finally {
      mailer.close();
      await smtp.close();
    }
  });

  it('keeps messages in the outbox without SMTP_URL, and needs SMTP_FROM with it', async () => {
    const mailer = createMailer({ db: app.db });
    expect(mailer.via).toBe('outbox');
    const delivery = await mailer.send({ workspaceId: app.workspaceId, to: 'ann@example.test', subject: 'Hi', text: 'Body' });
    const row = await app.db.outboxEmail.findUniqueOrThrow({ where: { id: delivery.outboxEmailId! } });
    expect(row).toMatchObject({ workspaceId: app.workspaceId, to: 'ann@example.test', subject: 'Hi', text: 'Body', sentAt: null });
    expect(() => createMailer({ db: app.db, smtpUrl: 'smtp://127.0.0.1:1' })).toThrow('SMTP_FROM is required');
  });
});

describe('GET /api/outbox', () => {
  it('lists kept emails newest first, with cursors, for admins only', async () => {
    await app.db.outboxEmail.deleteMany();
    const mailer = createMailer({ db: app.db });
    for (let i = 1; i <= 3; i++) await mailer.send({ workspaceId: app.workspaceId, to: `c${i}@example.test`, subject: `Code ${i}`, text: `Your verification code is 00000${i}.` });
    const other = await app.db.workspace.create({ data: { name: 'Other' } });
    await mailer.send({ workspaceId: other.id, to: 'x@other.test', subject: 'Theirs', text: 'x' });

    const first = await app.call('GET', '/outbox', { query: { per_page: '2' } });
    expect(first.status).toBe(200);
    expect(first.body.data.map((e: { subject: string }) => e.subject)).toEqual(['Code 3', 'Code 2']);
    expect(first.body.data[0]).toMatchObject({ type: 'outbox_email', to: 'c3@example.test', text: 'Your verification code is 000003.', sent_at: null });
    const second = await app.call('GET', '/outbox', { query: { per_page: '2', starting_after: first.body.pages.next.starting_after } });
    expect(second.body.data.map((e: { subject: string }) => e.subject)).toEqual(['Code 1']);
    expect(second.body.pages.next).toBeNull();
    expect((await app.call('GET', '/outbox', { query: { per_page: '0' } })).status).toBe(400);

    const agent = await app.db.admin.create({ data: { workspaceId: app.workspaceId, email: `agent-${Date.now()}@example.test`, name: 'Agent', passwordHash: 'x', role: 'agent' } });
    const { createApiToken } = await import('../../../server/identity/api-tokens.ts');
    const { token } = await createApiToken(app.db, { workspaceId: app.workspaceId, name: 'agent', createdByAdminId: agent.id });
    const forbidden = await app.call('GET', '/outbox', { token });
    expect(forbidden.status).toBe(403);
  });
});
