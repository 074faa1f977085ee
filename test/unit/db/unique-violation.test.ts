// Find-or-create races (messenger boot, Fin Agent API start/reply): the loser's
// transaction runs once more; nothing else is retried.
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../../server/db/client.ts';
import { retryOnUniqueViolation } from '../../../server/db/unique-violation.ts';

const violation = (code: string) => new Prisma.PrismaClientKnownRequestError('Unique constraint failed', { code, clientVersion: 'test' });

function failing(errors: unknown[]) {
  let calls = 0;
  const run = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return `run ${calls}`;
  };
  return { run, calls: () => calls };
}

describe('retryOnUniqueViolation', () => {
  it('runs again once after a unique-constraint violation', async () => {
    const attempt = failing([violation('P2002')]);
    await expect(retryOnUniqueViolation(attempt.run)).resolves.toBe('run 2');
    expect(attempt.calls()).toBe(2);
  });

  it('gives up after the second loss', async () => {
    const second = violation('P2002');
    const attempt = failing([violation('P2002'), second]);
    await expect(retryOnUniqueViolation(attempt.run)).rejects.toBe(second);
    expect(attempt.calls()).toBe(2);
  });

  it('does not retry other errors', async () => {
    const notUnique = violation('P2025');
    const attempt = failing([notUnique]);
    await expect(retryOnUniqueViolation(attempt.run)).rejects.toBe(notUnique);
    const plain = failing([new Error('boom')]);
    await expect(retryOnUniqueViolation(plain.run)).rejects.toThrow('boom');
    expect(attempt.calls() + plain.calls()).toBe(2);
  });
});
