// What the connector gate and audiences ask about a contact's email.
import type { Db } from '../../db/client.ts';
import type { Contact } from '../../db/generated/sqlite/client.ts';
import { normaliseEmail } from './otp-code.ts';
import { OTP_POLICY } from './otp-policy.ts';

export interface OtpVerification {
  verifiedAt: Date;
  verifiedUntil: Date;
}

// A code verified in this conversation (or, with none, outside any
// conversation) for the contact's current email, within the last 30 minutes.
export async function findOtpVerification(
  db: Pick<Db, 'otpChallenge'>,
  input: { contact: Pick<Contact, 'id' | 'email'>; conversationId: number | null; now: Date; verifiedForMs?: number },
): Promise<OtpVerification | null> {
  if (!input.contact.email?.trim()) return null;
  const window = input.verifiedForMs ?? OTP_POLICY.verifiedForMs;
  const challenge = await db.otpChallenge.findFirst({
    where: {
      contactId: input.contact.id,
      conversationId: input.conversationId,
      email: normaliseEmail(input.contact.email),
      verifiedAt: { gt: new Date(input.now.getTime() - window), lte: input.now },
    },
    orderBy: { verifiedAt: 'desc' },
    select: { verifiedAt: true },
  });
  if (!challenge?.verifiedAt) return null;
  return { verifiedAt: challenge.verifiedAt, verifiedUntil: new Date(challenge.verifiedAt.getTime() + window) };
}

// Whether the contact has proved it owns its current email (at any time). A
// verification recorded for another address does not count.
export function isEmailVerified(contact: Pick<Contact, 'email' | 'emailVerifiedAt' | 'verifiedEmail'>): boolean {
  if (!contact.emailVerifiedAt || !contact.email?.trim()) return false;
  return contact.verifiedEmail === null || normaliseEmail(contact.verifiedEmail) === normaliseEmail(contact.email);
}

// Data for an update that changes a contact's email: the old proof goes with it.
export function emailChange(contact: Pick<Contact, 'email'>, nextEmail: string | null): { email: string | null; emailVerifiedAt?: null; verifiedEmail?: null } {
  const same = contact.email !== null && nextEmail !== null && normaliseEmail(contact.email) === normaliseEmail(nextEmail);
  return same ? { email: nextEmail } : { email: nextEmail, emailVerifiedAt: null, verifiedEmail: null };
}
