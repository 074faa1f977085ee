import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecretKey } from '../../../server/secrets/load-secret-key.ts';
import { createSecretBox } from '../../../server/secrets/secret-box.ts';

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips and uses a fresh IV each time', () => {
    const a = box.encrypt('sk_live_123');
    const b = box.encrypt('sk_live_123');
    expect(a).not.toBe(b);
    expect(a).not.toContain('sk_live');
    expect(box.decrypt(a)).toBe('sk_live_123');
  });

  it('refuses tampered ciphertext and a different key', () => {
    const stored = box.encrypt('secret');
    const parts = stored.split('.');
    const ciphertext = Buffer.from(parts[3]!, 'base64url');
    ciphertext[0]! ^= 1;
    parts[3] = ciphertext.toString('base64url');
    expect(() => box.decrypt(parts.join('.'))).toThrow();
    expect(() => createSecretBox(randomBytes(32)).decrypt(stored)).toThrow();
    expect(() => box.decrypt('garbage')).toThrow('Unreadable encrypted value');
  });
});

describe('loadSecretKey', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-key-'));

  it('generates a key file readable only by its owner, and reuses it', () => {
    const dir = tmp();
    const key = loadSecretKey(undefined, dir);
    const file = path.join(dir, 'secret.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSecretKey(undefined, dir).equals(key)).toBe(true);
  });

  it('accepts hex or base64 from the environment and rejects a wrong length', () => {
    const key = randomBytes(32);
    expect(loadSecretKey(key.toString('hex'), tmp()).equals(key)).toBe(true);
    expect(loadSecretKey(key.toString('base64'), tmp()).equals(key)).toBe(true);
    expect(() => loadSecretKey('abcd', tmp())).toThrow(/PATCHBAY_SECRET_KEY must be 32 bytes/);
  });
});
