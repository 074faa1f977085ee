import { hash } from '@node-rs/argon2';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../../server/db/client.ts';
import { AppError } from '../../../server/http/app-error.ts';
import type { LoginRateLimiter } from '../../../server/identity/login-rate-limit.ts';
import { INVALID_CREDENTIALS_MESSAGE, signIn, signInSchema, TooManyAttemptsError } from '../../../server/identity/sign-in.ts';

// The refusal paths of signIn, with a stand-in database and limiter (the
// success path, which starts a session, is covered by the integration tests).
let passwordHash: string;
beforeAll(async () => {
  passwordHash = await hash('the right password');
});

function setup(options: { blocked?: number } = {}) {
  const findUnique = vi.fn(async ({ where }: { where: { email: string } }) =>
    where.email === 'ann@example.test' ? { id: 1, email: 'ann@example.test', name: 'Ann', role: 'admin', passwordHash, workspace: { id: 1, name: 'W' } } : null,
  );
  const limiter: LoginRateLimiter = {
    attempt: vi.fn(async () => (options.blocked ? { retryAfterSeconds: options.blocked } : null)),
    succeeded: vi.fn(async () => {}),
  };
  const db = { admin: { findUnique } } as unknown as Db;
  return { db, limiter, findUnique };
}

const refusal = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a refusal');
};

describe('signIn refusals', () => {
  it('gives the same 401 for a wrong password and an unknown email, and counts both attempts', async () => {
    const { db, limiter } = setup();
    const wrong = await refusal(signIn({ db, limiter }, { email: 'ann@example.test', password: 'nope' }, { ip: '192.0.2.1' }));
    const unknown = await refusal(signIn({ db, limiter }, { email: 'bob@example.test', password: 'nope' }, { ip: '192.0.2.1' }));
    for (const error of [wrong, unknown]) {
      expect(error).toBeInstanceOf(AppError);
      expect(error.status).toBe(401);
      expect(error.errors).toEqual([{ code: 'invalid_credentials', message: INVALID_CREDENTIALS_MESSAGE }]);
    }
    expect(limiter.attempt).toHaveBeenCalledTimes(2);
    expect(limiter.attempt).toHaveBeenCalledWith({ account: 'bob@example.test', ip: '192.0.2.1' });
    expect(limiter.succeeded).not.toHaveBeenCalled();
  });

  it('when limited, refuses with 429 before looking at the password', async () => {
    const { db, limiter, findUnique } = setup({ blocked: 125 });
    const error = await refusal(signIn({ db, limiter }, { email: 'ann@example.test', password: 'the right password' }, { ip: '192.0.2.1' }));
    expect(error).toBeInstanceOf(TooManyAttemptsError);
    expect(error.status).toBe(429);
    expect((error as TooManyAttemptsError).retryAfterSeconds).toBe(125);
    expect(error.message).toBe('Too many failed sign-in attempts; try again in 3 minutes');
    expect(findUnique).not.toHaveBeenCalled();
  });
});

describe('signInSchema', () => {
  it('normalises the email and bounds the password', () => {
    expect(signInSchema.parse({ email: ' Ann@Example.TEST ', password: 'x' })).toEqual({ email: 'ann@example.test', password: 'x' });
    expect(signInSchema.safeParse({ email: 'a@b', password: 'x'.repeat(201) }).success).toBe(false);
    expect(signInSchema.safeParse({ email: 'a@b', password: '' }).success).toBe(false);
    expect(signInSchema.safeParse({ email: 'a@b', password: 'x', remember: true }).success).toBe(false);
  });
});
