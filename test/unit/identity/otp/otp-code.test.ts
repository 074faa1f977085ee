import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codeMatches, generateCode, hashCode, maskEmail, normaliseCode } from '../../../../server/identity/otp/otp-code.ts';
import { createSecretBox } from '../../../../server/secrets/secret-box.ts';

const secrets = createSecretBox(randomBytes(32));

describe('one-time codes', () => {
  it('are six digits, zero-padded, from the whole range', () => {
    expect(generateCode(() => 42)).toBe('000042');
    expect(generateCode(() => 999_999)).toBe('999999');
    let asked = 0;
    generateCode((max) => ((asked = max), 0));
    expect(asked).toBe(1_000_000);
    expect(generateCode()).toMatch(/^\d{6}$/);
  });

  it('are stored as a keyed hash bound to the challenge, compared in constant time', () => {
    const hash = hashCode(secrets, 7, '123456');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('123456');
    expect(codeMatches(secrets, 7, '123456', hash)).toBe(true);
    expect(codeMatches(secrets, 7, '123457', hash)).toBe(false);
    // The same code of another challenge, or under another server key, does not match.
    expect(codeMatches(secrets, 8, '123456', hash)).toBe(false);
    expect(codeMatches(createSecretBox(randomBytes(32)), 7, '123456', hash)).toBe(false);
    expect(codeMatches(secrets, 7, '123456', 'abcd')).toBe(false);
  });

  it('accept what customers type, and nothing else', () => {
    expect(normaliseCode('123456')).toBe('123456');
    expect(normaliseCode(' 123 456 ')).toBe('123456');
    expect(normaliseCode('123-456')).toBe('123456');
    expect(normaliseCode('12345')).toBeNull();
    expect(normaliseCode('1234567')).toBeNull();
    expect(normaliseCode('12345a')).toBeNull();
    expect(normaliseCode('１２３４５６')).toBeNull();
  });

  it('mask the address they were sent to', () => {
    expect(maskEmail('ann@example.test')).toBe('a***@example.test');
    expect(maskEmail('nope')).toBe('***');
  });
});

describe('SecretBox.deriveKey', () => {
  it('gives a stable 32-byte key per purpose, unlike the encryption key and other purposes', () => {
    const key = randomBytes(32);
    const box = createSecretBox(key);
    expect(box.deriveKey('otp-code')).toHaveLength(32);
    expect(box.deriveKey('otp-code').equals(createSecretBox(key).deriveKey('otp-code'))).toBe(true);
    expect(box.deriveKey('otp-code').equals(box.deriveKey('other'))).toBe(false);
    expect(box.deriveKey('otp-code').equals(key)).toBe(false);
  });
});
