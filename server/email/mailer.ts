// Outgoing email. With SMTP_URL set, messages go out through nodemailer's SMTP
// transport; without it they are kept in the OutboxEmail table, which admins
// read at GET /api/outbox (a fresh install or the demo still works, and the
// customer's one-time code can be read there).
import nodemailer from 'nodemailer';
import type { Db } from '../db/client.ts';

export interface EmailMessage {
  workspaceId: number;
  to: string;
  subject: string;
  text: string;
  // Display name shown with the SMTP_FROM address (the address itself never changes).
  fromName?: string | null | undefined;
}

export interface Delivery {
  via: 'smtp' | 'outbox';
  // The OutboxEmail row when the message was kept in the outbox.
  outboxEmailId: number | null;
}

export interface Mailer {
  readonly via: 'smtp' | 'outbox';
  send(message: EmailMessage): Promise<Delivery>;
  close(): void;
}

// Sending failed; the message says why without the SMTP URL (it carries credentials).
export class MailDeliveryError extends Error {
  override name = 'MailDeliveryError';
}

// The part of a nodemailer transporter the mailer uses (tests pass their own).
export interface MailTransport {
  sendMail(mail: { from: string | { name: string; address: string }; to: string; subject: string; text: string }): Promise<unknown>;
  close(): void;
}

export interface MailerOptions {
  db: Pick<Db, 'outboxEmail'>;
  smtpUrl?: string | undefined;
  from?: string | undefined;
  transport?: MailTransport | undefined;
}

// SMTP_FROM may carry its own display name ("Support <help@example.com>").
export function fromAddress(from: string): string {
  const bracketed = /<([^<>]+)>\s*$/.exec(from);
  return (bracketed ? bracketed[1]! : from).trim();
}

export function createMailer(options: MailerOptions): Mailer {
  const transport = options.transport ?? (options.smtpUrl ? (nodemailer.createTransport(options.smtpUrl) as unknown as MailTransport) : undefined);
  if (!transport) {
    return {
      via: 'outbox',
      async send(message) {
        const row = await options.db.outboxEmail.create({ data: { workspaceId: message.workspaceId, to: message.to, subject: message.subject, text: message.text } });
        return { via: 'outbox', outboxEmailId: row.id };
      },
      close() {},
    };
  }
  if (!options.from) throw new Error('SMTP_FROM is required to send email through SMTP');
  const from = options.from;
  return {
    via: 'smtp',
    async send(message) {
      try {
        await transport.sendMail({ from: message.fromName ? { name: message.fromName, address: fromAddress(from) } : from, to: message.to, subject: message.subject, text: message.text });
      } catch (error) {
        const code = (error as { code?: unknown; responseCode?: unknown }).responseCode ?? (error as { code?: unknown }).code;
        throw new MailDeliveryError(`the SMTP server did not accept the message${typeof code === 'string' || typeof code === 'number' ? ` (${code})` : ''}`);
      }
      return { via: 'smtp', outboxEmailId: null };
    },
    close() {
      transport.close();
    },
  };
}
