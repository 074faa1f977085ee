// The rules of emailed one-time codes. Every number here is part of the
// security argument: a code has 10^6 values, each challenge allows
// MAX_ATTEMPTS guesses, and a contact gets at most SENDS_PER_CONTACT codes an
// hour, so an attacker holding a messenger session gets at most
// 3 x 5 = 15 guesses an hour against a one-in-a-million code.
export interface OtpPolicy {
  codeTtlMs: number;
  maxAttempts: number;
  resendCooldownMs: number;
  sendWindowMs: number;
  sendsPerContact: number;
  sendsPerConversation: number;
  // How long a verified code counts for its conversation and email.
  verifiedForMs: number;
}

export const OTP_POLICY: OtpPolicy = {
  codeTtlMs: 10 * 60_000,
  maxAttempts: 3,
  resendCooldownMs: 30_000,
  sendWindowMs: 60 * 60_000,
  sendsPerContact: 5,
  sendsPerConversation: 3,
  verifiedForMs: 30 * 60_000,
};

export const CODE_LENGTH = 6;
