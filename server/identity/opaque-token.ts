import { createHash, randomBytes } from 'node:crypto';

// The random bearer credentials Patchbay hands out: API tokens, admin session
// cookies, messenger session tokens. Each carries 256 random bits, so a plain
// SHA-256 is enough to store it: nobody can brute-force the pre-image, and a
// lookup stays a single indexed read.
export const newOpaqueToken = (prefix = '') => prefix + randomBytes(32).toString('base64url');

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

// Longer values are never ours; refusing them early avoids hashing junk.
export const MAX_TOKEN_LENGTH = 200;

