import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../../secrets/secret-box.ts';
import { CODE_LENGTH } from './otp-policy.ts';

const CODE_SPACE = 10 ** CODE_LENGTH;

export type RandomInt = (maxExclusive: number) => number;

export function generateCode(random: RandomInt = (max) => randomInt(0, max)): string {
  return String(random(CODE_SPACE)).padStart(CODE_LENGTH, '0');
}

// HMAC-SHA256 under a key derived from the server's secret key, over the
// challenge id and the code: a leaked database alone does not let anyone try
// the million codes offline, and a hash never matches another challenge.
export function hashCode(secrets: Pick<SecretBox, 'deriveKey'>, challengeId: number, code: string): string {
  return createHmac('sha256', secrets.deriveKey('otp-code')).update(`${challengeId}:${code}`).digest('hex');
}

export function codeMatches(secrets: Pick<SecretBox, 'deriveKey'>, challengeId: number, code: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = Buffer.from(hashCode(secrets, challengeId, code), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

// What a customer types: digits, maybe with spaces or a dash in the middle.
export function normaliseCode(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return new RegExp(`^\\d{${CODE_LENGTH}}$`).test(digits) ? digits : null;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

// "a***@example.com": enough for the customer to recognise the address.
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
