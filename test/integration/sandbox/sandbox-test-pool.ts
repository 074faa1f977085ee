import { expect, vi } from 'vitest';
import type { SandboxOptions } from '../../../server/sandbox/sandbox-options.ts';
import { createSandboxPool, type SandboxEvent, type SandboxPool } from '../../../server/sandbox/sandbox-pool.ts';

// Loading Pyodide takes 2-3 s per process on a quiet machine and several
// times that when the test files run side by side, so waits are generous.
export const SLOW_MS = 120_000;

export function startTestPool(options: Partial<SandboxOptions> = {}): { pool: SandboxPool; events: SandboxEvent[] } {
  const events: SandboxEvent[] = [];
  const pool = createSandboxPool(
    { queueTimeoutMs: SLOW_MS, startTimeoutMs: SLOW_MS, ...options },
    { onEvent: (event) => events.push(event) },
  );
  return { pool, events };
}

// After every attack the sandbox must still do ordinary work.
export async function expectHealthy(pool: SandboxPool): Promise<void> {
  const outcome = await pool.runCodeBlock("return {'total': sum(inputs['data']), 'n': len(inputs['data'])}", { data: [1, 2, 3] });
  expect(outcome).toMatchObject({ ok: true, result: { total: 6, n: 3 } });
}

export const readyPids = (events: SandboxEvent[]) =>
  events.flatMap((e) => (e.type === 'process_ready' && e.pid !== undefined ? [e.pid] : []));

// A process answers first and checks itself for tampering right after; the
// pool counts a retirement when that check reports. Waits until every
// process has reported.
export async function settled(pool: SandboxPool): Promise<void> {
  await vi.waitFor(() => {
    const { processes, queued } = pool.stats();
    expect(processes.busy + queued).toBe(0);
  }, { timeout: 10_000, interval: 5 });
}
