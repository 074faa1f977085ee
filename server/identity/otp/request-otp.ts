// Sends a contact a fresh one-time code for a conversation (or for no
// conversation), within the cooldown and hourly limits of otp-policy.ts.
import type { Prisma } from '../../db/client.ts';
import { MailDeliveryError } from '../../email/mailer.ts';
import { generateCode, hashCode, maskEmail, normaliseEmail } from './otp-code.ts';
import { clockOf, policyOf, type OtpDeps } from './otp-deps.ts';
import { retryAfterSeconds } from '../rate-limit.ts';
import { OtpError } from './otp-error.ts';
import { otpEmailSubject } from '../../workspace/workspace-settings.ts';

export interface OtpTarget {
  workspaceId: number;
  contactId: number;
  conversationId?: number | null | undefined;
}

export interface OtpChallengeView {
  type: 'otp.challenge';
  conversation_id: string | null;
  email: string;
  expires_at: string;
  attempts_left: number;
  resend_available_at: string;
}

type Tx = Prisma.TransactionClient;

export async function loadOtpTarget(db: Tx | OtpDeps['db'], target: OtpTarget) {
  const contact = await db.contact.findFirst({ where: { id: target.contactId, workspaceId: target.workspaceId } });
  if (!contact) throw new OtpError(404, 'contact_not_found', 'Contact not found');
  if (target.conversationId != null) {
    // Another contact's conversation is reported as missing, not as someone else's.
    const conversation = await db.conversation.findFirst({ where: { id: target.conversationId, workspaceId: target.workspaceId, contactId: contact.id }, select: { id: true } });
    if (!conversation) throw new OtpError(404, 'conversation_not_found', `Conversation ${target.conversationId} not found`, {}, 'conversation_id');
  }
  return contact;
}

export const noEmailError = () =>
  new OtpError(422, 'otp_no_email', 'We have no email address for you, so we cannot send a verification code. Add your email address first (or sign in), then ask again.');

export async function requestOtp(deps: OtpDeps, target: OtpTarget): Promise<OtpChallengeView> {
  const policy = policyOf(deps);
  const now = clockOf(deps);
  const conversationId = target.conversationId ?? null;
  const code = generateCode(deps.randomInt);

  const { challenge, email, workspace } = await deps.db.$transaction(async (tx) => {
    const contact = await loadOtpTarget(tx, target);
    if (!contact.email?.trim()) throw noEmailError();
    // Writing the contact row (to the value it already has) locks it, so two
    // parallel requests for one contact are counted one after the other.
    await tx.contact.update({ where: { id: contact.id }, data: { updatedAt: contact.updatedAt } });

    const windowStart = new Date(now.getTime() - policy.sendWindowMs);
    const recent = await tx.otpChallenge.findMany({
      where: { contactId: contact.id, createdAt: { gt: windowStart } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { createdAt: true, lastSentAt: true, conversationId: true },
    });
    const lastSent = recent.reduce<Date | null>((latest, c) => (!latest || c.lastSentAt > latest ? c.lastSentAt : latest), null);
    if (lastSent && now.getTime() - lastSent.getTime() < policy.resendCooldownMs) {
      const retryAt = new Date(lastSent.getTime() + policy.resendCooldownMs);
      const wait = retryAfterSeconds(retryAt.getTime() - now.getTime());
      throw new OtpError(429, 'otp_cooldown', `A code was sent a moment ago; you can ask for a new one in ${wait} seconds.`, { retryAfterSeconds: wait });
    }
    const limitError = (sent: { createdAt: Date }[], limit: number, scope: string) => {
      if (sent.length < limit) return null;
      const freesAt = new Date(sent[sent.length - limit]!.createdAt.getTime() + policy.sendWindowMs);
      const wait = retryAfterSeconds(freesAt.getTime() - now.getTime());
      return new OtpError(429, 'otp_rate_limited', `Too many codes were sent ${scope} in the last hour; try again in ${Math.ceil(wait / 60)} minutes.`, { retryAfterSeconds: wait });
    };
    const contactLimit = limitError(recent, policy.sendsPerContact, 'to you');
    if (contactLimit) throw contactLimit;
    if (conversationId !== null) {
      const conversationLimit = limitError(recent.filter((c) => c.conversationId === conversationId), policy.sendsPerConversation, 'for this conversation');
      if (conversationLimit) throw conversationLimit;
    }

    // Only the newest code of a conversation can be used; older ones end now.
    await tx.otpChallenge.updateMany({
      where: { contactId: contact.id, conversationId, verifiedAt: null, expiresAt: { gt: now } },
      data: { expiresAt: now },
    });
    const email = normaliseEmail(contact.email);
    const created = await tx.otpChallenge.create({
      data: {
        workspaceId: target.workspaceId,
        contactId: contact.id,
        conversationId,
        email,
        codeHash: '',
        expiresAt: new Date(now.getTime() + policy.codeTtlMs),
        lastSentAt: now,
        createdAt: now,
      },
    });
    const challenge = await tx.otpChallenge.update({ where: { id: created.id }, data: { codeHash: hashCode(deps.secrets, created.id, code) } });
    const workspace = await tx.workspace.findUniqueOrThrow({
      where: { id: target.workspaceId },
      select: { name: true, otpEmailSenderName: true, otpEmailSubject: true, otpEmailIntro: true },
    });
    return { challenge, email: contact.email.trim(), workspace };
  });

  try {
    await deps.mailer.send({
      workspaceId: target.workspaceId,
      to: email,
      fromName: workspace.otpEmailSenderName,
      subject: otpEmailSubject(workspace),
      text: [
        ...(workspace.otpEmailIntro ? [workspace.otpEmailIntro, ''] : []),
        `Your verification code is ${code}.`,
        '',
        `Type it in the chat with ${workspace.name} to confirm this is your email address. It expires in ${Math.round(policy.codeTtlMs / 60_000)} minutes and works only once.`,
        'If you did not ask for a code, you can ignore this email: nobody can use it without access to your inbox.',
      ].join('\n'),
    });
  } catch (error) {
    if (!(error instanceof MailDeliveryError)) throw error;
    // The code never arrived: end it, but keep counting it against the limits.
    await deps.db.otpChallenge.update({ where: { id: challenge.id }, data: { expiresAt: now } });
    deps.logger?.warn({ err: error.message, contactId: target.contactId }, 'one-time code email failed');
    throw new OtpError(502, 'otp_delivery_failed', 'We could not send the email with your code; try again in a minute.');
  }
  deps.revealCode?.(`[demo] one-time code for ${email} (contact ${target.contactId}${conversationId === null ? '' : `, conversation ${conversationId}`}): ${code}`);
  return challengeView(challenge, policy.maxAttempts, new Date(challenge.lastSentAt.getTime() + policy.resendCooldownMs));
}

export function challengeView(
  challenge: { conversationId: number | null; email: string; expiresAt: Date; attempts: number },
  maxAttempts: number,
  resendAvailableAt: Date,
): OtpChallengeView {
  return {
    type: 'otp.challenge',
    conversation_id: challenge.conversationId === null ? null : String(challenge.conversationId),
    email: maskEmail(challenge.email),
    expires_at: challenge.expiresAt.toISOString(),
    attempts_left: Math.max(0, maxAttempts - challenge.attempts),
    resend_available_at: resendAvailableAt.toISOString(),
  };
}
