import type { Db } from '../../db/client.ts';
import type { Mailer } from '../../email/mailer.ts';
import type { Logger } from '../../logger.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { RandomInt } from './otp-code.ts';
import { OTP_POLICY, type OtpPolicy } from './otp-policy.ts';

export interface OtpDeps {
  db: Db;
  secrets: Pick<SecretBox, 'deriveKey'>;
  mailer: Mailer;
  now?: (() => Date) | undefined;
  randomInt?: RandomInt | undefined;
  logger?: Logger | undefined;
  // The demo prints each code to the console (stderr) besides emailing it.
  revealCode?: ((line: string) => void) | undefined;
  policy?: Partial<OtpPolicy> | undefined;
}

export const policyOf = (deps: Pick<OtpDeps, 'policy'>): OtpPolicy => ({ ...OTP_POLICY, ...deps.policy });
export const clockOf = (deps: Pick<OtpDeps, 'now'>): Date => deps.now?.() ?? new Date();
