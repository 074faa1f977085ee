import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const KEY_FILE = 'secret.key';

function decodeKey(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new Error(`${origin} must be 32 bytes, as 64 hex characters or base64 (generate one with: openssl rand -hex 32)`);
  }
  return key;
}

// The key comes from PATCHBAY_SECRET_KEY, or from <dataDir>/secret.key, which
// is generated on first start with owner-only permissions.
export function loadSecretKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return decodeKey(configured, 'PATCHBAY_SECRET_KEY');
  const file = path.join(dataDir, KEY_FILE);
  if (fs.existsSync(file)) return decodeKey(fs.readFileSync(file, 'utf8'), file);
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  // 'wx' fails if another process created the file meanwhile; then use theirs.
  try {
    fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return decodeKey(fs.readFileSync(file, 'utf8'), file);
  }
  return key;
}
