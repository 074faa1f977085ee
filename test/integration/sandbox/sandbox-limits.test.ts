import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSandboxCommand } from '../../../server/sandbox/sandbox-command.ts';
import { SandboxUnavailableError } from '../../../server/sandbox/sandbox-errors.ts';
import { resolveSandboxOptions } from '../../../server/sandbox/sandbox-options.ts';
import { createSandboxPool, type SandboxEvent, type SandboxPool } from '../../../server/sandbox/sandbox-pool.ts';
import { expectHealthy, readyPids, settled, SLOW_MS, startTestPool } from './sandbox-test-pool.ts';

// Time, memory, output and queue limits, and how the pool recovers from
// every way a run can end badly. A small pool with short limits.
let pool: SandboxPool;

beforeAll(async () => {
  ({ pool } = startTestPool({
    poolSize: 1, timeoutMs: 500, killGraceMs: 300, queueLimit: 2, memoryLimitMb: 384,
    maxDebugOutputBytes: 1024, maxResultBytes: 64 * 1024,
  }));
  await pool.ready();
}, SLOW_MS);

afterAll(async () => {
  await pool?.close();
});

const run = (code: string, data: unknown = null) => pool.runCodeBlock(code, { data });

describe('time limit', () => {
  it('interrupts a busy loop at the limit, in the process, with the line it was on', async () => {
    await settled(pool);
    const retiredBefore = pool.stats().retired;
    const outcome = await run('n = 0\nwhile True:\n    n += 1\nreturn n');
    expect(outcome).toMatchObject({ ok: false, error: { type: 'TimeoutError', message: 'the code ran longer than its time limit of 500 ms' } });
    if (!outcome.ok) expect([2, 3]).toContain(outcome.error.line);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(490);
    expect(outcome.durationMs).toBeLessThan(500 + 300);
    // the interrupt was enough: the process carries on
    await settled(pool);
    expect(pool.stats().retired).toEqual(retiredBefore);
    await expectHealthy(pool);
  }, SLOW_MS);

  it('takes a shorter limit for one run', async () => {
    const outcome = await pool.runCodeBlock('while True:\n    pass\nreturn 1', { data: null }, { timeoutMs: 100 });
    expect(outcome).toMatchObject({ ok: false, error: { type: 'TimeoutError', message: 'the code ran longer than its time limit of 100 ms', line: 2 } });
    expect(outcome.durationMs).toBeLessThan(400);
  });

  it.each([
    ['swallows the interrupt', 'while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass\nreturn 1'],
    ['is stuck in one long C call', 'return sum(range(10 ** 12))'],
    ['sleeps', 'import time\ntime.sleep(30)\nreturn 1'],
  ])('kills and replaces a process whose code %s', async (_what, code) => {
    const killedBefore = pool.stats().retired.timeout;
    const outcome = await run(code);
    expect(outcome).toMatchObject({
      ok: false,
      error: { type: 'TimeoutError', message: 'the code ran longer than its time limit of 500 ms and its sandbox process was stopped', line: null },
    });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(500 + 300 - 10);
    expect(outcome.durationMs).toBeLessThan(500 + 300 + 1000);
    expect(pool.stats().retired.timeout).toBe(killedBefore + 1);
    await expectHealthy(pool);
  }, SLOW_MS);
});

describe('memory limit', () => {
  it('ends a growing list with MemoryError and replaces the process', async () => {
    const before = pool.stats().retired.memory;
    // a longer limit for this run: growing to the cap takes a while on a busy machine
    const outcome = await pool.runCodeBlock('chunks = []\nwhile True:\n    chunks.append(bytearray(10 ** 7))\nreturn len(chunks)', { data: null }, { timeoutMs: 20_000 });
    expect(outcome).toMatchObject({ ok: false, error: { type: 'MemoryError', message: 'the code used more memory than a code block may use', line: 3 } });
    expect(pool.stats().retired.memory).toBe(before + 1);
    await expectHealthy(pool);
  }, SLOW_MS);

  it('refuses one huge allocation the same way', async () => {
    expect(await run("return len('x' * (2 ** 31 - 2))")).toMatchObject({ ok: false, error: { type: 'MemoryError', line: 1 } });
    await expectHealthy(pool);
  }, SLOW_MS);
});

describe('deep data', () => {
  it('refuses a returned value nested deeper than the limit without crashing', async () => {
    const broken = pool.stats().retired.broken;
    const outcome = await run('value = []\nfor _ in range(1000):\n    value = [value]\nreturn value');
    expect(outcome).toMatchObject({ ok: false, error: { type: 'ValueError', message: 'the returned value is nested more than 500 levels deep' } });
    expect(pool.stats().retired.broken).toBe(broken);
  });

  it('refuses inputs nested deeper than the limit without running anything', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 600; i++) deep = [deep];
    expect(await run('return 1', deep)).toMatchObject({ ok: false, error: { type: 'ValueError', message: 'the inputs are nested more than 500 levels deep' } });
  });

  it('replaces a process whose interpreter stack overflowed in C', async () => {
    const broken = pool.stats().retired.broken;
    const outcome = await pool.runCodeBlock("print('building')\nvalue = []\nfor _ in range(200000):\n    value = [value]\nreturn len(repr(value))", { data: null }, { timeoutMs: 20_000 });
    expect(outcome).toMatchObject({ ok: false, error: { type: 'RecursionError', line: null }, debugOutput: 'building' });
    expect(pool.stats().retired.broken).toBe(broken + 1);
    await expectHealthy(pool);
  }, SLOW_MS);
});

describe('output limits', () => {
  it('caps print() output at maxDebugOutputBytes and still returns the result', async () => {
    const outcome = await run("for i in range(10000):\n    print('line', i)\nreturn 'done'");
    expect(outcome).toMatchObject({ ok: true, result: 'done' });
    expect(outcome.debugOutput.startsWith('line 0\nline 1\n')).toBe(true);
    const [kept] = outcome.debugOutput.split('\n… debug output truncated');
    expect(Buffer.byteLength(kept!)).toBeLessThanOrEqual(1024);
    expect(outcome.debugOutput).toMatch(/… debug output truncated: \d+ more bytes were printed$/);
  });

  it('refuses a result over maxResultBytes, counting UTF-8 bytes', async () => {
    const big = await run("return 'x' * 100000");
    expect(big).toMatchObject({ ok: false, error: { type: 'ValueError' } });
    if (!big.ok) expect(big.error.message).toBe('the returned value is 100002 bytes of JSON, over the limit of 65536 bytes; return only the fields that are needed');
    // 40 000 characters, 80 000 bytes
    expect(await run("return 'é' * 40000")).toMatchObject({ ok: false, error: { type: 'ValueError' } });
    expect(await run("return 'é' * 30000")).toMatchObject({ ok: true });
  });
});

describe('queue', () => {
  it('queues runs while the only process is busy, completes them in order, and refuses one too many at once', async () => {
    await settled(pool);
    const finished: number[] = [];
    const runs = [0, 1, 2].map((i) =>
      pool.runCodeBlock(`import time\ntime.sleep(0.15)\nreturn ${i}`, { data: null }).then((outcome) => {
        finished.push(i);
        return outcome;
      }),
    );
    expect(pool.stats()).toMatchObject({ queued: 2, processes: { busy: 1 } });
    const started = performance.now();
    const overflow = await pool.runCodeBlock('return 3', { data: null }).catch((error: unknown) => error);
    expect(performance.now() - started).toBeLessThan(50);
    expect(overflow).toBeInstanceOf(SandboxUnavailableError);
    expect(overflow).toMatchObject({ reason: 'busy', message: 'all 1 Python sandbox processes are busy and 2 runs are already waiting; try again shortly' });
    const outcomes = await Promise.all(runs);
    expect(outcomes.map((o) => (o.ok ? o.result : o.error))).toEqual([0, 1, 2]);
    expect(finished).toEqual([0, 1, 2]);
  });

  it('refuses inputs that are not JSON-serialisable as a programming error', async () => {
    await expect(pool.runCodeBlock('return 1', { data: 1n })).rejects.toThrow(TypeError);
    await expect(pool.runCodeBlock(42 as unknown as string, { data: 1 })).rejects.toThrow(/code must be a string/);
  });
});

describe('recycling and allow-list', () => {
  let recycled: SandboxPool;
  let events: SandboxEvent[];

  beforeAll(async () => {
    ({ pool: recycled, events } = startTestPool({ poolSize: 1, maxRunsPerProcess: 3, allowedModules: ['collections', 'json', 'time'] }));
    await recycled.ready();
  }, SLOW_MS);

  afterAll(async () => {
    await recycled?.close();
  });

  it('replaces a process after maxRunsPerProcess runs, with the replacement loading ahead', async () => {
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await recycled.runCodeBlock(`return ${i}`, { data: null }));
    expect(outcomes.map((o) => o.ok && o.result)).toEqual([0, 1, 2, 3]);
    expect(recycled.stats().retired.max_runs).toBe(1);
    const pids = readyPids(events);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    expect(new Set(pids).size).toBe(pids.length);
  }, SLOW_MS);

  it('imports only the configured modules, naming them, and runs namedtuple without tainting', async () => {
    expect(await recycled.runCodeBlock('import math\nreturn 1', { data: null })).toMatchObject({
      ok: false, error: { type: 'ImportError', message: "import of 'math' is not allowed in code blocks; allowed modules: collections, json, time" },
    });
    await settled(recycled);
    const tainted = recycled.stats().retired.tainted;
    const outcome = await recycled.runCodeBlock("from collections import namedtuple, Counter\nP = namedtuple('P', 'x y')\nreturn [P(1, 2).y, Counter('aab').most_common(1)]", { data: null });
    expect(outcome).toMatchObject({ ok: true, result: [2, [['a', 2]]] });
    await settled(recycled);
    expect(recycled.stats().retired.tainted).toBe(tainted);
  }, SLOW_MS);

  it('fails waiting and running runs when closed, and refuses new ones', async () => {
    const running = recycled.runCodeBlock('import time\ntime.sleep(1)\nreturn 1', { data: null }).catch((e: unknown) => e);
    const waiting = recycled.runCodeBlock('return 2', { data: null }).catch((e: unknown) => e);
    await recycled.close();
    expect(await waiting).toMatchObject({ name: 'SandboxUnavailableError', reason: 'closed' });
    expect(await running).toMatchObject({ name: 'SandboxUnavailableError', reason: 'closed' });
    await expect(recycled.runCodeBlock('return 3', { data: null })).rejects.toMatchObject({ reason: 'closed' });
    await expect(recycled.ready()).rejects.toMatchObject({ reason: 'closed' });
    expect(recycled.stats().processes).toEqual({ starting: 0, idle: 0, busy: 0, stopping: 0 });
  }, SLOW_MS);
});

describe('start failures', () => {
  it('refuses a process that could spawn processes, before loading Pyodide', async () => {
    const options = resolveSandboxOptions({ poolSize: 1 });
    const command = buildSandboxCommand(options);
    const loose = createSandboxPool({ poolSize: 1 }, { command: { ...command, execArgv: [...command.execArgv, '--allow-child-process'] } });
    try {
      const started = performance.now();
      await expect(loose.ready()).rejects.toMatchObject({ reason: 'unavailable', message: expect.stringMatching(/containment check failed: spawn is allowed/) });
      expect(performance.now() - started).toBeLessThan(30_000);
      await expect(loose.runCodeBlock('return 1', { data: null })).rejects.toBeInstanceOf(SandboxUnavailableError);
      expect(loose.stats()).toMatchObject({ startFailures: 3, processes: { idle: 0, busy: 0 } });
    } finally {
      await loose.close();
    }
  }, SLOW_MS);

  it('reports why processes cannot start when Pyodide is missing', async () => {
    const options = resolveSandboxOptions({ poolSize: 1 });
    const command = buildSandboxCommand(options, '/nonexistent/pyodide');
    const broken = createSandboxPool({ poolSize: 1 }, { command });
    try {
      await expect(broken.ready()).rejects.toMatchObject({ reason: 'unavailable', message: expect.stringMatching(/^the Python sandbox cannot start: Pyodide did not load/) });
    } finally {
      await broken.close();
    }
  }, SLOW_MS);
});
