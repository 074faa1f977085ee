// Find-or-create under concurrency: two first requests for the same row both
// miss it, both insert, and the loser fails on the unique constraint. Running
// the loser's transaction once more lets it find the winner's row.
import { Prisma } from './client.ts';

export const isUniqueViolation = (error: unknown): boolean => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** Runs `run`, and once more if it lost such a race; any other error, or a second loss, is the caller's. */
export function retryOnUniqueViolation<T>(run: () => Promise<T>): Promise<T> {
  return run().catch((error: unknown) => (isUniqueViolation(error) ? run() : Promise.reject(error)));
}
