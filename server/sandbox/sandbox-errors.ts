// Thrown (not returned) when the sandbox could not run the code at all: the
// code itself was never at fault, so callers map it to a retryable server
// error rather than to an error in the admin's code.
export type SandboxUnavailableReason =
  // every process is busy and the queue is full, or the wait for a free
  // process took longer than queueTimeoutMs
  | 'busy'
  // processes fail to start (Pyodide missing or broken, containment check failed)
  | 'unavailable'
  // the pool has been closed
  | 'closed';

export class SandboxUnavailableError extends Error {
  override name = 'SandboxUnavailableError';
  readonly reason: SandboxUnavailableReason;

  constructor(reason: SandboxUnavailableReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}
