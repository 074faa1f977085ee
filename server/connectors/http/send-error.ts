// Errors of the send step. Non-2xx responses are not errors here: the caller
// decides what a 401 or a 404 means (token refresh, "not found" branch, ...).

/**
 * Stable error types of a connector execution (names follow the Intercom
 * data-connector API).
 * - request_configuration_error: the request may not be sent as configured
 *   (blocked target, https required, invalid URL or header).
 * - faraday_error: transport failure (DNS, refused, reset, timeout, too many
 *   redirects); the name is the spec's, kept for wire compatibility.
 * - 3rd_party_error: the upstream misbehaved; here only for an oversized body,
 *   the caller uses it for non-2xx statuses.
 * - response_mapping_error: the body could not be parsed as its declared format.
 */
export type SendErrorType =
  | 'request_configuration_error'
  | 'faraday_error'
  | '3rd_party_error'
  | 'response_mapping_error';

/** One try of the request (its redirects included). Exactly one of status/error is set. */
export type AttemptRecord =
  | { status: number; error?: undefined; durationMs: number; delayBeforeMs: number }
  | { status?: undefined; error: string; durationMs: number; delayBeforeMs: number };

export class SendError extends Error {
  override name = 'SendError';
  readonly errorType: SendErrorType;
  /** Attempts made before the failure; empty when nothing was sent. */
  readonly attempts: AttemptRecord[];

  constructor(errorType: SendErrorType, message: string, options: { attempts?: AttemptRecord[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.errorType = errorType;
    this.attempts = options.attempts ?? [];
  }

  /** A copy carrying the attempts of the whole execution. */
  withAttempts(attempts: AttemptRecord[]): SendError {
    return new SendError(this.errorType, this.message, { attempts, cause: this.cause });
  }
}
