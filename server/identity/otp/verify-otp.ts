// Checks a code the customer typed against the newest code of its
// conversation. Each guess is counted before the code is compared, with a
// conditional update, so parallel guesses cannot get past MAX_ATTEMPTS.
import { codeMatches, maskEmail, normaliseCode, normaliseEmail } from './otp-code.ts';
import { clockOf, policyOf, type OtpDeps } from './otp-deps.ts';
import { OtpError } from './otp-error.ts';
import { loadOtpTarget, noEmailError, type OtpTarget } from './request-otp.ts';

export interface OtpVerificationView {
  type: 'otp.verification';
  verified: true;
  conversation_id: string | null;
  email: string;
  verified_until: string;
}

const notRequested = () => new OtpError(409, 'otp_not_requested', 'No code is waiting here; ask for a new code first.');
const tooManyAttempts = () =>
  new OtpError(429, 'otp_too_many_attempts', 'That code was entered wrongly too many times and no longer works; ask for a new code.', { attemptsLeft: 0 });

export async function verifyOtp(deps: OtpDeps, input: OtpTarget & { code: string }): Promise<OtpVerificationView> {
  const policy = policyOf(deps);
  const now = clockOf(deps);
  const conversationId = input.conversationId ?? null;
  const code = normaliseCode(input.code);
  // A malformed code cannot be right; it costs no attempt.
  if (code === null) throw new OtpError(422, 'otp_code_invalid', 'The code is the 6 digits from the email.', {}, 'code');

  const contact = await loadOtpTarget(deps.db, input);
  if (!contact.email?.trim()) throw noEmailError();
  const challenge = await deps.db.otpChallenge.findFirst({
    where: { contactId: contact.id, conversationId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  if (!challenge) throw notRequested();
  if (challenge.verifiedAt) {
    const verifiedUntil = new Date(challenge.verifiedAt.getTime() + policy.verifiedForMs);
    if (verifiedUntil > now && challenge.email === normaliseEmail(contact.email)) {
      throw new OtpError(409, 'otp_already_verified', 'This code was already used: you are verified.', { verifiedUntil });
    }
    throw notRequested();
  }
  if (challenge.email !== normaliseEmail(contact.email)) {
    await deps.db.otpChallenge.updateMany({ where: { id: challenge.id, expiresAt: { gt: now } }, data: { expiresAt: now } });
    throw new OtpError(409, 'otp_email_changed', 'Your email address changed after the code was sent; ask for a new code for the new address.');
  }
  if (challenge.attempts >= policy.maxAttempts) throw tooManyAttempts();
  if (challenge.expiresAt <= now) {
    throw new OtpError(410, 'otp_expired', 'This code has expired; ask for a new code.', { expiresAt: challenge.expiresAt });
  }

  const reserved = await deps.db.otpChallenge.updateMany({
    where: { id: challenge.id, verifiedAt: null, attempts: { lt: policy.maxAttempts }, expiresAt: { gt: now } },
    data: { attempts: { increment: 1 } },
  });
  if (reserved.count === 0) throw tooManyAttempts();
  const current = await deps.db.otpChallenge.findUniqueOrThrow({ where: { id: challenge.id } });
  const attemptsLeft = Math.max(0, policy.maxAttempts - current.attempts);

  if (!codeMatches(deps.secrets, challenge.id, code, challenge.codeHash)) {
    if (attemptsLeft === 0) {
      throw new OtpError(422, 'otp_code_incorrect', 'That code is not right, and it was the last try; ask for a new code.', { attemptsLeft: 0, expiresAt: challenge.expiresAt }, 'code');
    }
    throw new OtpError(422, 'otp_code_incorrect', `That code is not right; ${attemptsLeft} ${attemptsLeft === 1 ? 'try' : 'tries'} left.`, { attemptsLeft, expiresAt: challenge.expiresAt }, 'code');
  }

  await deps.db.$transaction([
    deps.db.otpChallenge.update({ where: { id: challenge.id }, data: { verifiedAt: now } }),
    // Only while the contact still has the address the code went to.
    deps.db.contact.updateMany({ where: { id: contact.id, email: contact.email }, data: { emailVerifiedAt: now, verifiedEmail: challenge.email } }),
  ]);
  return {
    type: 'otp.verification',
    verified: true,
    conversation_id: conversationId === null ? null : String(conversationId),
    email: maskEmail(challenge.email),
    verified_until: new Date(now.getTime() + policy.verifiedForMs).toISOString(),
  };
}
