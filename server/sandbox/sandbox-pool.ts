import type { CodeBlockError, CodeBlockOutcome } from './code-block-result.ts';
import { exceedsNestingDepth } from './nesting-depth.ts';
import { buildSandboxCommand, type SandboxCommand } from './sandbox-command.ts';
import { SandboxUnavailableError } from './sandbox-errors.ts';
import { resolveSandboxOptions, type SandboxOptions } from './sandbox-options.ts';
import { SandboxProcess, type ContainmentReport, type RunRequest, type RunResult } from './sandbox-process.ts';

// A pool of sandbox processes that run admins' Python code blocks and code
// conditions. Processes are started (Pyodide loaded, ~2-3 s each) before any
// request needs them and replaced in the background, so a run only waits when
// every process is busy; waiting runs form a bounded FIFO queue.
//
// A process is replaced after maxRunsPerProcess runs, after a run that hit
// the memory limit, timed out, broke the interpreter, or tampered with state
// shared between runs (see sandbox-runtime.py), so one workspace's code never
// sees what another's left behind.

// What code sees as `inputs`: data for code blocks; temporary, user,
// conversation and company as well for conditions and procedures. Must be
// JSON-serialisable.
export type CodeBlockInputs = Readonly<Record<string, unknown>>;

export interface RunOptions {
  // Overrides the pool's timeoutMs for this run (not above 60 s).
  timeoutMs?: number;
}

export type RetireReason = 'max_runs' | 'tainted' | 'memory' | 'broken' | 'timeout' | 'crashed';

export interface SandboxStats {
  poolSize: number;
  processes: { starting: number; idle: number; busy: number; stopping: number };
  queued: number;
  runs: { total: number; ok: number; failed: number; timedOut: number; crashed: number };
  retired: Record<RetireReason, number>;
  startFailures: number;
  lastStartError: string | null;
  lastLoadMs: number | null;
  // What the most recently started process reported about its containment.
  containment: ContainmentReport | null;
}

export type SandboxEvent =
  | { type: 'process_ready'; pid: number | undefined; loadMs: number }
  | { type: 'process_start_failed'; message: string; consecutiveFailures: number }
  | { type: 'process_retired'; pid: number | undefined; reason: RetireReason; detail: string | null; runs: number };

export interface SandboxPool {
  runCodeBlock(code: string, inputs: CodeBlockInputs, options?: RunOptions): Promise<CodeBlockOutcome>;
  evaluateCondition(expression: string, inputs: CodeBlockInputs, options?: RunOptions): Promise<CodeBlockOutcome<boolean>>;
  // Resolves once poolSize processes are loaded; rejects while processes
  // keep failing to start.
  ready(): Promise<void>;
  stats(): SandboxStats;
  // Fails waiting runs with SandboxUnavailableError('closed') and ends every process.
  close(): Promise<void>;
}

export interface SandboxPoolDeps {
  // How processes are started (tests point this at a broken setup).
  command?: SandboxCommand;
  onEvent?: (event: SandboxEvent) => void;
}

// Consecutive start failures after which waiting and new runs fail at once
// (starting goes on in the background, with backoff).
const FAILURES_BEFORE_UNAVAILABLE = 3;
const MAX_RESTART_DELAY_MS = 30_000;
// A replacement starts loading when a process has used this share of its runs.
const PREWARM_SHARE = 0.9;

interface Job {
  request: RunRequest;
  condition: boolean;
  resolve: (outcome: CodeBlockOutcome) => void;
  reject: (error: unknown) => void;
  queueTimer: NodeJS.Timeout | null;
}

export function createSandboxPool(overrides: Partial<SandboxOptions> = {}, deps: SandboxPoolDeps = {}): SandboxPool {
  const options = resolveSandboxOptions(overrides);
  const command = deps.command ?? buildSandboxCommand(options);
  const limits = { startTimeoutMs: options.startTimeoutMs, maxDebugOutputBytes: options.maxDebugOutputBytes, maxResultBytes: options.maxResultBytes };
  const prewarmAt = Math.max(1, Math.floor(options.maxRunsPerProcess * PREWARM_SHARE));
  const emit = deps.onEvent ?? (() => {});

  const processes = new Set<SandboxProcess>();
  const queue: Job[] = [];
  let closed = false;
  let consecutiveFailures = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  let readyWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  const counters = { total: 0, ok: 0, failed: 0, timedOut: 0, crashed: 0 };
  const retired: Record<RetireReason, number> = { max_runs: 0, tainted: 0, memory: 0, broken: 0, timeout: 0, crashed: 0 };
  let startFailures = 0;
  let lastStartError: string | null = null;
  let lastLoadMs: number | null = null;
  let containment: ContainmentReport | null = null;

  const serving = () => [...processes].filter((p) => p.state === 'idle' || p.state === 'busy');
  const unavailable = () => consecutiveFailures >= FAILURES_BEFORE_UNAVAILABLE && serving().length === 0;

  function unavailableError(): SandboxUnavailableError {
    return new SandboxUnavailableError('unavailable', `the Python sandbox cannot start: ${lastStartError ?? 'unknown error'}`);
  }

  function settleReadyWaiters(): void {
    if (readyWaiters.length === 0) return;
    if (serving().length >= options.poolSize) {
      for (const waiter of readyWaiters) waiter.resolve();
      readyWaiters = [];
    } else if (closed || unavailable()) {
      const error = closed ? new SandboxUnavailableError('closed', 'the sandbox pool is closed') : unavailableError();
      for (const waiter of readyWaiters) waiter.reject(error);
      readyWaiters = [];
    }
  }

  // Starts processes until poolSize of them are starting or serving, not
  // counting those near the end of their runs.
  function maintain(): void {
    if (closed || restartTimer) return;
    const capacity = [...processes].filter((p) => (p.state === 'starting' || p.state === 'idle' || p.state === 'busy') && p.runs < prewarmAt).length;
    for (let i = capacity; i < options.poolSize; i++) spawn();
  }

  function spawn(): void {
    const proc = new SandboxProcess(command, limits);
    processes.add(proc);
    proc.onIdle((idle, retireDetail) => {
      if (retireDetail) retire(idle, retireReason(retireDetail), retireDetail);
      else if (idle.runs >= options.maxRunsPerProcess) retire(idle, 'max_runs', null);
      maintain();
      dispatch();
    });
    proc.onExit(() => {
      processes.delete(proc);
      if (proc.loadMs !== null) maintain(); // start failures are handled below, with backoff
      settleReadyWaiters();
    });
    proc.ready.then(
      () => {
        if (closed) {
          void proc.stop();
          return;
        }
        consecutiveFailures = 0;
        lastLoadMs = proc.loadMs;
        containment = proc.containment;
        emit({ type: 'process_ready', pid: proc.pid, loadMs: proc.loadMs ?? 0 });
        settleReadyWaiters();
        dispatch();
      },
      (error: unknown) => {
        processes.delete(proc);
        proc.kill();
        if (closed) return;
        consecutiveFailures += 1;
        startFailures += 1;
        lastStartError = error instanceof Error ? error.message : String(error);
        emit({ type: 'process_start_failed', message: lastStartError, consecutiveFailures });
        if (unavailable()) {
          for (const job of queue.splice(0)) {
            if (job.queueTimer) clearTimeout(job.queueTimer);
            job.reject(unavailableError());
          }
        }
        settleReadyWaiters();
        const delay = Math.min(MAX_RESTART_DELAY_MS, 250 * 2 ** (consecutiveFailures - 1));
        if (!restartTimer) {
          restartTimer = setTimeout(() => {
            restartTimer = null;
            maintain();
          }, delay);
          restartTimer.unref();
        }
      },
    );
  }

  const retiredProcesses = new WeakSet<SandboxProcess>();
  function retire(proc: SandboxProcess, reason: RetireReason, detail: string | null): void {
    if (retiredProcesses.has(proc)) return;
    retiredProcesses.add(proc);
    retired[reason] += 1;
    emit({ type: 'process_retired', pid: proc.pid, reason, detail, runs: proc.runs });
    void proc.stop();
  }

  function dispatch(): void {
    while (queue.length > 0 && !closed) {
      const proc = [...processes].find((p) => p.state === 'idle');
      if (!proc) return;
      const job = queue.shift()!;
      if (job.queueTimer) clearTimeout(job.queueTimer);
      void execute(proc, job);
    }
  }

  async function execute(proc: SandboxProcess, job: Job): Promise<void> {
    const started = performance.now();
    let result: RunResult;
    try {
      result = await proc.run(job.request, job.request.timeoutMs + options.killGraceMs);
    } catch (error) {
      job.reject(error);
      return;
    }
    const durationMs = performance.now() - started;
    if (closed && result.kind !== 'reply') {
      job.reject(new SandboxUnavailableError('closed', 'the sandbox pool was closed during the run'));
      return;
    }
    let outcome: CodeBlockOutcome;
    try {
      outcome = toOutcome(result, job, durationMs);
    } catch {
      // Only a process that is no longer itself answers with unreadable JSON.
      outcome = { ok: false, error: { type: 'SandboxError', message: 'the sandbox returned an unreadable result', line: null }, debugOutput: '', durationMs };
      retire(proc, 'broken', 'unreadable result');
    }
    counters.total += 1;
    if (outcome.ok) counters.ok += 1;
    else if (outcome.error.type === 'TimeoutError') counters.timedOut += 1;
    else if (result.kind === 'crashed') counters.crashed += 1;
    else counters.failed += 1;

    // A process that answered normally reports idle (or tampered) shortly;
    // see onIdle in spawn().
    if (result.kind === 'killed') retire(proc, 'timeout', null);
    else if (result.kind === 'crashed') retire(proc, 'crashed', result.detail);
    else if (result.reply.retire) retire(proc, retireReason(result.reply.retire), result.reply.retire);
    job.resolve(outcome);
    maintain();
  }

  function toOutcome(result: RunResult, job: Job, durationMs: number): CodeBlockOutcome {
    const timeoutMs = job.request.timeoutMs;
    const timeout = (line: number | null, stopped: boolean): CodeBlockError => ({
      type: 'TimeoutError',
      message: `the code ran longer than its time limit of ${timeoutMs} ms${stopped ? ' and its sandbox process was stopped' : ''}`,
      line,
    });
    if (result.kind === 'killed') return { ok: false, error: timeout(null, true), debugOutput: '', durationMs };
    if (result.kind === 'crashed') {
      return { ok: false, error: { type: 'SandboxError', message: `the sandbox process stopped unexpectedly (${result.detail})`, line: null }, debugOutput: '', durationMs };
    }
    const { reply } = result;
    const { debugOutput } = reply;
    if (!reply.outcome.ok) {
      const error = reply.outcome.error.type === 'TimeoutError' ? timeout(reply.outcome.error.line, false) : reply.outcome.error;
      return { ok: false, error, debugOutput, durationMs };
    }
    // Code that caught the interrupt and returned anyway still took too long.
    if (reply.durationMs > timeoutMs) return { ok: false, error: timeout(null, false), debugOutput, durationMs };
    const value: unknown = JSON.parse(reply.outcome.resultJson);
    if (job.condition && typeof value !== 'boolean') {
      return { ok: false, error: { type: 'SandboxError', message: 'the condition did not produce a boolean', line: null }, debugOutput, durationMs };
    }
    return { ok: true, result: value, debugOutput, durationMs };
  }

  function submit(kind: 'code' | 'condition', code: string, inputs: CodeBlockInputs, runOptions: RunOptions = {}): Promise<CodeBlockOutcome> {
    if (typeof code !== 'string') return Promise.reject(new TypeError('code must be a string'));
    if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) return Promise.reject(new TypeError('inputs must be an object'));
    if (closed) return Promise.reject(new SandboxUnavailableError('closed', 'the sandbox pool is closed'));
    const invalid = (message: string): Promise<CodeBlockOutcome> =>
      Promise.resolve({ ok: false, error: { type: 'ValueError', message, line: null }, debugOutput: '', durationMs: 0 });
    const codeBytes = Buffer.byteLength(code, 'utf8');
    if (codeBytes > options.maxCodeBytes) {
      return invalid(`the ${kind === 'code' ? 'code' : 'condition'} is ${codeBytes} bytes long, over the limit of ${options.maxCodeBytes} bytes`);
    }
    if (exceedsNestingDepth(inputs, options.maxNestingDepth + 1)) {
      return invalid(`the inputs are nested more than ${options.maxNestingDepth} levels deep`);
    }
    let inputsJson: string;
    try {
      inputsJson = JSON.stringify(inputs);
    } catch (error) {
      return Promise.reject(new TypeError(`inputs must be JSON-serialisable: ${(error as Error).message}`));
    }
    const timeoutMs = runOptions.timeoutMs ?? options.timeoutMs;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000) {
      return Promise.reject(new RangeError('timeoutMs must be an integer from 1 to 60000'));
    }
    if (unavailable()) return Promise.reject(unavailableError());

    return new Promise<CodeBlockOutcome>((resolve, reject) => {
      const job: Job = { request: { kind, code, inputsJson, timeoutMs }, condition: kind === 'condition', resolve, reject, queueTimer: null };
      const idle = queue.length === 0 ? [...processes].find((p) => p.state === 'idle') : undefined;
      if (idle) {
        void execute(idle, job);
        return;
      }
      if (queue.length >= options.queueLimit) {
        const running = serving().length;
        reject(new SandboxUnavailableError('busy', `all ${running} Python sandbox processes are busy and ${queue.length} runs are already waiting; try again shortly`));
        return;
      }
      job.queueTimer = setTimeout(() => {
        const index = queue.indexOf(job);
        if (index === -1) return;
        queue.splice(index, 1);
        reject(new SandboxUnavailableError('busy', `no Python sandbox process became free within ${options.queueTimeoutMs} ms`));
      }, options.queueTimeoutMs);
      queue.push(job);
      maintain();
    });
  }

  maintain();

  return {
    runCodeBlock: (code, inputs, runOptions) => submit('code', code, inputs, runOptions),
    evaluateCondition: (expression, inputs, runOptions) =>
      submit('condition', expression, inputs, runOptions) as Promise<CodeBlockOutcome<boolean>>,
    ready() {
      if (closed) return Promise.reject(new SandboxUnavailableError('closed', 'the sandbox pool is closed'));
      return new Promise<void>((resolve, reject) => {
        readyWaiters.push({ resolve, reject });
        settleReadyWaiters();
      });
    },
    stats() {
      const count = (state: SandboxProcess['state']) => [...processes].filter((p) => p.state === state).length;
      return {
        poolSize: options.poolSize,
        processes: { starting: count('starting'), idle: count('idle'), busy: count('busy'), stopping: count('stopping') },
        queued: queue.length,
        runs: { ...counters },
        retired: { ...retired },
        startFailures,
        lastStartError,
        lastLoadMs,
        containment,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      if (restartTimer) clearTimeout(restartTimer);
      for (const job of queue.splice(0)) {
        if (job.queueTimer) clearTimeout(job.queueTimer);
        job.reject(new SandboxUnavailableError('closed', 'the sandbox pool was closed'));
      }
      settleReadyWaiters();
      await Promise.all([...processes].map((p) => p.stop()));
    },
  };
}

// The child's reasons: "tainted: ...", "memory" or "broken".
function retireReason(detail: string): RetireReason {
  if (detail.startsWith('tainted')) return 'tainted';
  return detail === 'memory' ? 'memory' : 'broken';
}
