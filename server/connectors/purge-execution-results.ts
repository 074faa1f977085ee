// Execution results are kept for each workspace's retention period (14 days
// unless the workspace says otherwise) and then deleted.
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export async function purgeExecutionResults(db: Db, now: Date = new Date()): Promise<number> {
  const workspaces = await db.workspace.findMany({ select: { id: true, logRetentionDays: true } });
  let deleted = 0;
  for (const workspace of workspaces) {
    const cutoff = new Date(now.getTime() - workspace.logRetentionDays * DAY_MS);
    const { count } = await db.executionResult.deleteMany({ where: { workspaceId: workspace.id, createdAt: { lt: cutoff } } });
    deleted += count;
  }
  return deleted;
}

// Runs the purge now and then every `intervalMs`; the timer never keeps the process alive.
export function schedulePurge(db: Db, logger: Logger, intervalMs = 60 * 60 * 1000): () => void {
  const run = () =>
    purgeExecutionResults(db)
      .then((deleted) => deleted > 0 && logger.info({ deleted }, 'old execution results purged'))
      .catch((error: unknown) => logger.error({ err: error }, 'purging execution results failed'));
  void run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
