import { randomUUID } from 'node:crypto';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/**
 * Returns the headers with an Idempotency-Key added, unless one is already
 * there (any case). Call it once per execution, before sendRequest: the key
 * must stay the same across the retries of that execution, which is what makes
 * retrying a POST or PATCH safe.
 */
export function withIdempotencyKey(
  headers: Readonly<Record<string, string>>,
  newKey: () => string = randomUUID,
): Record<string, string> {
  const present = Object.keys(headers).some((name) => name.toLowerCase() === 'idempotency-key');
  return present ? { ...headers } : { ...headers, [IDEMPOTENCY_KEY_HEADER]: newKey() };
}
