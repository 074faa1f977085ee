// Emailed one-time codes against a real database: the domain functions with
// an injected clock, then the HTTP routes with a stand-in messenger session.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMailer, MailDeliveryError, type Mailer } from '../../../server/email/mailer.ts';
import type { OtpDeps } from '../../../server/identity/otp/otp-deps.ts';
import { OtpError } from '../../../server/identity/otp/otp-error.ts';
import { otpRoutes } from '../../../server/identity/otp/otp-routes.ts';
import { emailChange, findOtpVerification, isEmailVerified } from '../../../server/identity/otp/otp-verification.ts';
import { requestOtp } from '../../../server/identity/otp/request-otp.ts';
import { verifyOtp } from '../../../server/identity/otp/verify-otp.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

let app: TestApp;
let clock: Date;
let deps: OtpDeps;
let revealed: string[];
let contactId: number;
let conversations: number[];

const MINUTE = 60_000;
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

beforeEach(async () => {
  clock = new Date('2026-03-01T10:00:00Z');
  revealed = [];
  deps = { db: app.db, secrets: app.secrets, mailer: createMailer({ db: app.db }), now: () => clock, revealCode: (line) => revealed.push(line) };
  const contact = await app.db.contact.create({ data: { workspaceId: app.workspaceId, role: 'lead', email: 'Ann@Example.test', name: 'Ann' } });
  contactId = contact.id;
  conversations = [];
  for (let i = 0; i < 6; i++) conversations.push((await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId } })).id);
});

const target = (conversationId: number | null = conversations[0]!) => ({ workspaceId: app.workspaceId, contactId, conversationId });
const request = (conversationId?: number | null) => requestOtp(deps, target(conversationId));
const verify = (code: string, conversationId?: number | null) => verifyOtp(deps, { ...target(conversationId), code });

// The code as the customer reads it: from the email kept in the outbox.
async function lastCode(): Promise<string> {
  const email = await app.db.outboxEmail.findFirstOrThrow({ where: { workspaceId: app.workspaceId }, orderBy: { id: 'desc' } });
  return /code is (\d{6})/.exec(email.text)![1]!;
}
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function failure(promise: Promise<unknown>): Promise<OtpError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OtpError);
    return error as OtpError;
  }
  throw new Error('expected an OtpError');
}

const verifiedHere = (conversationId: number | null = conversations[0]!) =>
  app.db.contact.findUniqueOrThrow({ where: { id: contactId } }).then((contact) => findOtpVerification(app.db, { contact, conversationId, now: clock }));

describe('requesting a code', () => {
  it('emails six digits to the contact and stores only a keyed hash', async () => {
    const view = await request();
    expect(view).toEqual({
      type: 'otp.challenge',
      conversation_id: String(conversations[0]),
      email: 'a***@example.test',
      expires_at: '2026-03-01T10:10:00.000Z',
      attempts_left: 3,
      resend_available_at: '2026-03-01T10:00:30.000Z',
    });
    const email = await app.db.outboxEmail.findFirstOrThrow({ where: { workspaceId: app.workspaceId }, orderBy: { id: 'desc' } });
    expect(email.to).toBe('Ann@Example.test');
    expect(email.subject).toBe('Your Test workspace verification code');
    const code = await lastCode();
    const row = await app.db.otpChallenge.findFirstOrThrow({ where: { contactId } });
    expect(row).toMatchObject({ email: 'ann@example.test', attempts: 0, conversationId: conversations[0], verifiedAt: null });
    expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.codeHash).not.toContain(code);
    // The demo prints the code too.
    expect(revealed).toEqual([`[demo] one-time code for Ann@Example.test (contact ${contactId}, conversation ${conversations[0]}): ${code}`]);
  });

  it('does not touch the contact row it locks', async () => {
    const before = await app.db.contact.findUniqueOrThrow({ where: { id: contactId } });
    await request();
    const after = await app.db.contact.findUniqueOrThrow({ where: { id: contactId } });
    expect(after.updatedAt.getTime()).toBe(before.updatedAt.getTime());
  });

  it('refuses a contact without an email, sending nothing', async () => {
    await app.db.contact.update({ where: { id: contactId }, data: { email: null } });
    const error = await failure(request());
    expect(error).toMatchObject({ status: 422, otpCode: 'otp_no_email' });
    expect(error.message).toContain('no email address');
    expect(await app.db.otpChallenge.count({ where: { contactId } })).toBe(0);
    expect(revealed).toEqual([]);
    expect(await failure(verify('123456'))).toMatchObject({ otpCode: 'otp_no_email' });
  });

  it("refuses another contact's conversation as if it did not exist", async () => {
    const other = await app.db.contact.create({ data: { workspaceId: app.workspaceId, email: 'bob@example.test' } });
    const theirs = await app.db.conversation.create({ data: { workspaceId: app.workspaceId, contactId: other.id } });
    expect(await failure(request(theirs.id))).toMatchObject({ status: 404, otpCode: 'conversation_not_found' });
  });

  it('waits 30 seconds between codes, and only the newest code works', async () => {
    await request();
    const first = await lastCode();
    advance(10_000);
    const cooldown = await failure(request());
    expect(cooldown).toMatchObject({ status: 429, otpCode: 'otp_cooldown', details: { retryAfterSeconds: 20 } });
    // The cooldown is per contact: another conversation waits too.
    expect(await failure(request(conversations[1]))).toMatchObject({ otpCode: 'otp_cooldown' });
    advance(20_000);
    await request();
    const second = await lastCode();
    if (second !== first) expect(await failure(verify(first))).toMatchObject({ otpCode: 'otp_code_incorrect' });
    expect((await verify(second)).verified).toBe(true);
  });

  it('sends at most 3 codes an hour per conversation', async () => {
    for (let i = 0; i < 3; i++) {
      await request();
      advance(31_000);
    }
    const limited = await failure(request());
    expect(limited).toMatchObject({ status: 429, otpCode: 'otp_rate_limited' });
    expect(limited.message).toContain('for this conversation');
    // The first code of the window frees a slot an hour after it was sent.
    expect(limited.details.retryAfterSeconds).toBe(60 * 60 - 2 * 31 - 31);
    expect((await request(conversations[1])).attempts_left).toBe(3);
    advance(limited.details.retryAfterSeconds! * 1000);
    expect((await request()).attempts_left).toBe(3);
  });

  it('reports a failed delivery, ends the code and still counts it', async () => {
    const failing: Mailer = { via: 'smtp', send: async () => Promise.reject(new MailDeliveryError('refused')), close() {} };
    const error = await failure(requestOtp({ ...deps, mailer: failing }, target()));
    expect(error).toMatchObject({ status: 502, otpCode: 'otp_delivery_failed' });
    const row = await app.db.otpChallenge.findFirstOrThrow({ where: { contactId } });
    expect(row.expiresAt.getTime()).toBe(clock.getTime());
    expect(revealed).toEqual([]);
    expect(await failure(request())).toMatchObject({ otpCode: 'otp_cooldown' });
  });
});

describe('verifying a code', () => {
  it('verifies the contact for this conversation and this email, for 30 minutes', async () => {
    await request();
    advance(2 * MINUTE);
    const result = await verify(` ${await lastCode()} `);
    expect(result).toEqual({ type: 'otp.verification', verified: true, conversation_id: String(conversations[0]), email: 'a***@example.test', verified_until: '2026-03-01T10:32:00.000Z' });
    const contact = await app.db.contact.findUniqueOrThrow({ where: { id: contactId } });
    expect(contact.emailVerifiedAt?.toISOString()).toBe('2026-03-01T10:02:00.000Z');
    expect(contact.verifiedEmail).toBe('ann@example.test');
    expect(isEmailVerified(contact)).toBe(true);
    expect(await verifiedHere()).toEqual({ verifiedAt: new Date('2026-03-01T10:02:00Z'), verifiedUntil: new Date('2026-03-01T10:32:00Z') });
    // Another conversation, or none, is not verified by it.
    expect(await verifiedHere(conversations[1])).toBeNull();
    expect(await verifiedHere(null)).toBeNull();
    // A used code cannot be used again.
    expect(await failure(verify(await lastCode()))).toMatchObject({ status: 409, otpCode: 'otp_already_verified' });
    advance(30 * MINUTE - 1);
    expect(await verifiedHere()).not.toBeNull();
    advance(1);
    expect(await verifiedHere()).toBeNull();
  });

  it('expires a code after 10 minutes', async () => {
    await request();
    const code = await lastCode();
    advance(10 * MINUTE);
    const expired = await failure(verify(code));
    expect(expired).toMatchObject({ status: 410, otpCode: 'otp_expired', details: { expiresAt: new Date('2026-03-01T10:10:00Z') } });
    expect(await verifiedHere()).toBeNull();
  });

  it('allows 3 attempts, telling how many are left, then refuses even the right code', async () => {
    await request();
    const code = await lastCode();
    const first = await failure(verify(wrong(code)));
    expect(first).toMatchObject({ status: 422, otpCode: 'otp_code_incorrect', details: { attemptsLeft: 2, expiresAt: new Date('2026-03-01T10:10:00Z') } });
    expect(first.message).toContain('2 tries left');
    expect(await failure(verify(wrong(wrong(code))))).toMatchObject({ details: { attemptsLeft: 1 } });
    const last = await failure(verify(wrong(code)));
    expect(last).toMatchObject({ otpCode: 'otp_code_incorrect', details: { attemptsLeft: 0 } });
    expect(last.message).toContain('last try');
    expect(await failure(verify(code))).toMatchObject({ status: 429, otpCode: 'otp_too_many_attempts', details: { attemptsLeft: 0 } });
    expect(await verifiedHere()).toBeNull();
  });

  it('does not count a malformed code as an attempt', async () => {
    await request();
    expect(await failure(verify('12345'))).toMatchObject({ otpCode: 'otp_code_invalid' });
    expect((await app.db.otpChallenge.findFirstOrThrow({ where: { contactId } })).attempts).toBe(0);
  });

  it('needs a code to have been requested', async () => {
    expect(await failure(verify('123456'))).toMatchObject({ status: 409, otpCode: 'otp_not_requested' });
  });

  it('refuses a code sent to an email the contact no longer has, and drops the verification when the email changes', async () => {
    await request();
    const pending = await lastCode();
    await app.db.contact.update({ where: { id: contactId }, data: { email: 'new@example.test' } });
    expect(await failure(verify(pending))).toMatchObject({ status: 409, otpCode: 'otp_email_changed' });
    // Changing it back does not revive that code.
    await app.db.contact.update({ where: { id: contactId }, data: { email: 'ann@example.test' } });
    expect(await failure(verify(pending))).toMatchObject({ otpCode: 'otp_expired' });

    advance(31_000);
    await request();
    await verify(await lastCode());
    expect(await verifiedHere()).not.toBeNull();
    // The email changes (without anyone clearing the verification): it no longer counts.
    await app.db.contact.update({ where: { id: contactId }, data: { email: 'mallory@example.test' } });
    expect(await verifiedHere()).toBeNull();
    expect(isEmailVerified(await app.db.contact.findUniqueOrThrow({ where: { id: contactId } }))).toBe(false);
    // emailChange gives the data that clears it explicitly.
    expect(emailChange({ email: 'ann@example.test' }, 'ANN@example.test')).toEqual({ email: 'ANN@example.test' });
    expect(emailChange({ email: 'ann@example.test' }, 'x@example.test')).toEqual({ email: 'x@example.test', emailVerifiedAt: null, verifiedEmail: null });
  });
});

describe('brute force', () => {
  it('an attacker requesting codes in many conversations hits the per-contact limit of 5 an hour', async () => {
    const sent: number[] = [];
    for (const conversationId of conversations) {
      try {
        await request(conversationId);
        sent.push(conversationId);
      } catch (error) {
        expect(error).toMatchObject({ otpCode: 'otp_rate_limited' });
        expect((error as OtpError).message).toContain('to you');
      }
      advance(31_000);
    }
    expect(sent).toHaveLength(5);
    expect(await app.db.otpChallenge.count({ where: { contactId } })).toBe(5);
    expect(await failure(request(null))).toMatchObject({ otpCode: 'otp_rate_limited' });
  });

  it('guessing across challenges gets 3 tries per code and at most 15 an hour', async () => {
    let guesses = 0;
    let accepted = 0;
    for (const conversationId of conversations) {
      try {
        await request(conversationId);
      } catch {
        advance(31_000);
        continue;
      }
      const code = await lastCode();
      // Every guess is wrong; one more than allowed is tried on each code.
      for (let i = 0; i < 4; i++) {
        try {
          await verify(wrong(code), conversationId);
          accepted++;
        } catch (error) {
          if ((error as OtpError).otpCode === 'otp_code_incorrect') guesses++;
          else expect(error).toMatchObject({ otpCode: 'otp_too_many_attempts' });
        }
      }
      advance(31_000);
    }
    expect(accepted).toBe(0);
    expect(guesses).toBe(15);
  });

  it("a code is only good in its own conversation, and another conversation's code costs an attempt there", async () => {
    await request(conversations[0]);
    const codeA = await lastCode();
    advance(31_000);
    await request(conversations[1]);
    const codeB = await lastCode();
    if (codeA !== codeB) {
      expect(await failure(verify(codeA, conversations[1]))).toMatchObject({ otpCode: 'otp_code_incorrect', details: { attemptsLeft: 2 } });
    }
    for (let i = 0; i < 3; i++) await failure(verify(wrong(codeA), conversations[0]));
    // Locked in A even with A's right code; B's own code still works in B only.
    expect(await failure(verify(codeA, conversations[0]))).toMatchObject({ otpCode: 'otp_too_many_attempts' });
    expect((await verify(codeB, conversations[1])).verified).toBe(true);
    expect(await verifiedHere(conversations[0])).toBeNull();
  });

  it('parallel guesses cannot get past 3 attempts', async () => {
    await request();
    const code = await lastCode();
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => verify(wrong(code))));
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as OtpError).otpCode : 'verified'));
    expect(codes.filter((c) => c === 'otp_code_incorrect')).toHaveLength(3);
    expect(codes.filter((c) => c === 'otp_too_many_attempts')).toHaveLength(9);
    expect((await app.db.otpChallenge.findFirstOrThrow({ where: { contactId } })).attempts).toBe(3);
  });

  it('parallel requests send one code', async () => {
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => request(conversations[i])));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await app.db.otpChallenge.count({ where: { contactId } })).toBe(1);
  });
});

describe('POST /messenger/otp/request and /verify', () => {
  let server: http.Server;
  let baseUrl: string;
  beforeAll(async () => {
    const router = otpRoutes({
      get db() {
        return deps.db;
      },
      secrets: app.secrets,
      get mailer() {
        return deps.mailer;
      },
      now: () => clock,
      rateLimit: { request: { points: 6, durationSeconds: 3600 } },
      resolveMessengerContact: (req) => {
        const id = Number(req.get('X-Test-Contact'));
        return id ? { workspaceId: app.workspaceId, contactId: id } : null;
      },
    });
    server = http.createServer(express().use('/messenger/otp', router));
    server.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/messenger/otp`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = async (path: string, body: unknown, contact: number | null = contactId) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(contact && { 'X-Test-Contact': String(contact) }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
  };

  it('sends and verifies a code for the session contact, telling attempts left and expiry', async () => {
    expect((await post('/request', {}, null)).status).toBe(401);
    const requested = await post('/request', { conversation_id: String(conversations[0]) });
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({ type: 'otp.challenge', attempts_left: 3, expires_at: '2026-03-01T10:10:00.000Z', conversation_id: String(conversations[0]) });

    const cooldown = await post('/request', { conversation_id: conversations[0] });
    expect(cooldown.status).toBe(429);
    expect(cooldown.headers.get('retry-after')).toBe('30');
    expect(cooldown.body).toMatchObject({ type: 'error.list', errors: [{ code: 'otp_cooldown' }], retry_after_seconds: 30 });
    expect(cooldown.body.request_id).toEqual(expect.any(String));

    const code = await lastCode();
    const bad = await post('/verify', { code: wrong(code), conversation_id: conversations[0] });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ errors: [{ code: 'otp_code_incorrect', field: 'code' }], attempts_left: 2, expires_at: '2026-03-01T10:10:00.000Z' });

    const good = await post('/verify', { code, conversation_id: conversations[0] });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ verified: true, verified_until: '2026-03-01T10:30:00.000Z' });
  });

  it('validates bodies and reports a missing email', async () => {
    expect((await post('/verify', { code: 123456 })).body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'code' });
    expect((await post('/request', { conversation: 1 })).body.errors[0]).toMatchObject({ code: 'parameter_invalid', message: 'Unknown field: conversation' });
    const malformed = await post('/request', '{nope');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0]).toEqual({ code: 'client_error', message: 'The request body is not valid JSON' });
    expect((await post('/verify', { code: 'x'.repeat(20_000) })).status).toBe(413);
    await app.db.contact.update({ where: { id: contactId }, data: { email: null } });
    const noEmail = await post('/request', {});
    expect(noEmail.status).toBe(422);
    expect(noEmail.body.errors[0].code).toBe('otp_no_email');
  });

  it('limits requests per client address on top of the per-contact limits', async () => {
    // 6 per hour in this router; earlier tests used some of them.
    let status = 0;
    for (let i = 0; i < 7 && status !== 429; i++) status = (await post('/request', {}, 999_999)).status;
    expect(status).toBe(429);
    const limited = await post('/request', {});
    expect(limited.body.errors[0].code).toBe('otp_rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
