import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { AppError } from '../http/app-error.ts';
import { startAdminSession, type StartedSession } from './admin-sessions.ts';
import type { LoginRateLimiter } from './login-rate-limit.ts';
import type { AdminRole } from './principal.ts';

export const signInSchema = z.strictObject({
  email: z.string().trim().min(1, 'is required').max(320).transform((e) => e.toLowerCase()),
  // Bounded so nobody can make the server hash megabytes.
  password: z.string().min(1, 'is required').max(200),
});

export type SignInInput = z.output<typeof signInSchema>;

// One message for an unknown email and a wrong password, so sign-in does not
// tell which accounts exist.
export const INVALID_CREDENTIALS_MESSAGE = 'The email or password is incorrect';

export class TooManyAttemptsError extends AppError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    const minutes = Math.ceil(retryAfterSeconds / 60);
    super(429, { code: 'rate_limit_exceeded', message: `Too many failed sign-in attempts; try again in ${minutes} minute${minutes === 1 ? '' : 's'}` });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

// Verifying an unknown email against a real argon2id hash (same parameters as
// stored ones) makes it take as long as a wrong password for a known one.
let dummyHash: Promise<string> | undefined;
const dummyPasswordHash = () => (dummyHash ??= hash('patchbay-timing-equaliser-not-a-password'));
// Computes the dummy hash ahead of the first sign-in, which would otherwise be
// the slow one (and so tell an unknown email apart).
export function prepareSignIn(): void {
  dummyPasswordHash().catch(() => {
    dummyHash = undefined;
  });
}

async function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // not an argon2 hash: such an account cannot sign in with a password
  }
}

export interface SignInDeps {
  db: Db;
  limiter: LoginRateLimiter;
  now?: (() => Date) | undefined;
}

export interface SignedIn {
  session: StartedSession;
  admin: { id: number; email: string; name: string; role: AdminRole };
  workspace: { id: number; name: string };
}

export async function signIn(deps: SignInDeps, input: SignInInput, client: { ip: string }): Promise<SignedIn> {
  const keys = { account: input.email, ip: client.ip };
  const blocked = await deps.limiter.attempt(keys);
  if (blocked) throw new TooManyAttemptsError(blocked.retryAfterSeconds);

  const admin = await deps.db.admin.findUnique({
    where: { email: input.email },
    select: { id: true, email: true, name: true, role: true, passwordHash: true, workspace: { select: { id: true, name: true } } },
  });
  const matches = await passwordMatches(admin?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!admin || !matches) throw new AppError(401, { code: 'invalid_credentials', message: INVALID_CREDENTIALS_MESSAGE });

  await deps.limiter.succeeded(keys);
  const session = await startAdminSession(deps.db, admin.id, deps.now?.() ?? new Date());
  const { passwordHash: _hash, workspace, ...profile } = admin;
  return { session, admin: profile, workspace };
}
