import { AppError } from '../../http/app-error.ts';

// What a failed OTP request or verification tells the customer besides the
// error: attempts left, when the code expires, when to try again.
export interface OtpErrorDetails {
  attemptsLeft?: number;
  expiresAt?: Date;
  retryAfterSeconds?: number;
  verifiedUntil?: Date;
}

export type OtpErrorCode =
  | 'otp_no_email'
  | 'otp_cooldown'
  | 'otp_rate_limited'
  | 'otp_not_requested'
  | 'otp_expired'
  | 'otp_too_many_attempts'
  | 'otp_code_incorrect'
  | 'otp_code_invalid'
  | 'otp_already_verified'
  | 'otp_email_changed'
  | 'otp_delivery_failed'
  | 'contact_not_found'
  | 'conversation_not_found';

export class OtpError extends AppError {
  override name = 'OtpError';
  constructor(
    status: number,
    readonly otpCode: OtpErrorCode,
    message: string,
    readonly details: OtpErrorDetails = {},
    field?: string,
  ) {
    super(status, { code: otpCode, message, ...(field && { field }) });
  }
}
