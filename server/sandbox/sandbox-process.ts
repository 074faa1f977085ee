import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { isPlainObject } from '../connectors/pipeline/own-json.ts';
import type { CodeBlockError } from './code-block-result.ts';
import type { SandboxCommand } from './sandbox-command.ts';

// One sandbox process seen from the server: starting it, checking what it
// reports about its own containment, one run at a time with a hard deadline,
// and its end. The pool (sandbox-pool.ts) decides when to start and retire.

// What the process tried at start and how each attempt was refused (an error
// code), or "allowed". See probeContainment() in sandbox-child.mjs.
export interface ContainmentReport {
  envKeys: string[];
  spawn: string;
  worker: string;
  readOutside: string;
  write: string;
  network: string;
  codeFromStrings: string;
}

export interface RunRequest {
  kind: 'code' | 'condition';
  code: string;
  inputsJson: string;
  timeoutMs: number;
}

export interface RunReply {
  durationMs: number;
  debugOutput: string;
  // Why the process must not run anything else ("memory", "broken"), known
  // with the answer; or null, and then the process says so when it is idle.
  retire: string | null;
  outcome: { ok: true; resultJson: string } | { ok: false; error: CodeBlockError };
}

export type RunResult =
  | { kind: 'reply'; reply: RunReply }
  // the process did not answer within the time limit plus grace and was killed
  | { kind: 'killed' }
  // the process died (or answered nonsense) during the run
  | { kind: 'crashed'; detail: string };

export type ProcessState = 'starting' | 'idle' | 'busy' | 'stopping' | 'exited';

const STDERR_TAIL_BYTES = 4096;
const STOP_GRACE_MS = 1000;
// The check after a run compares references, without user code; it takes
// about a millisecond. A process silent for this long after answering is
// not well and is killed.
const IDLE_TIMEOUT_MS = 10_000;

export class SandboxProcess {
  state: ProcessState = 'starting';
  runs = 0;
  loadMs: number | null = null;
  containment: ContainmentReport | null = null;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  readonly pid: number | undefined;
  private readonly child: ChildProcess;
  private stderrTail = '';
  private inflight: { id: string; resolve: (result: RunResult) => void; timer: NodeJS.Timeout } | null = null;
  private finishing: { id: string; timer: NodeJS.Timeout } | null = null;
  private onExitCallback: ((process: SandboxProcess, detail: string) => void) | null = null;
  private onIdleCallback: ((process: SandboxProcess, retire: string | null) => void) | null = null;

  constructor(command: SandboxCommand, limits: { startTimeoutMs: number; maxDebugOutputBytes: number; maxResultBytes: number }) {
    this.child = fork(command.entry, command.args, {
      execPath: command.execPath,
      execArgv: command.execArgv,
      cwd: command.cwd,
      // No secrets: the process starts with an empty environment.
      env: {},
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.pid = this.child.pid;
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));

    this.ready = new Promise<void>((resolve, reject) => {
      const started = performance.now();
      const timer = setTimeout(() => {
        reject(new Error(`the sandbox process did not load Pyodide within ${limits.startTimeoutMs} ms`));
        this.kill();
      }, limits.startTimeoutMs);
      const onMessage = (message: unknown) => {
        if (!isPlainObject(message)) return;
        if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(String(message.message ?? 'the sandbox process failed to start')));
        } else if (message.type === 'containment') {
          const problem = containmentProblem(message.containment);
          if (problem) {
            clearTimeout(timer);
            this.kill();
            reject(new Error(`sandbox containment check failed: ${problem}`));
            return;
          }
          this.containment = message.containment as ContainmentReport;
        } else if (message.type === 'ready' && this.containment) {
          clearTimeout(timer);
          this.loadMs = performance.now() - started;
          this.state = 'idle';
          resolve();
        }
      };
      this.child.on('message', onMessage);
      this.child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error(`the sandbox process exited while starting${this.stderrTail ? `: ${lastLines(this.stderrTail)}` : ''}`));
      });
      this.child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    // Callers observe start failures through ready; this keeps an unobserved
    // rejection from crashing the server.
    this.ready.catch(() => {});

    this.child.on('message', (message: unknown) => this.onMessage(message, limits));
    this.child.once('exit', (code, signal) => {
      const detail = signal ? `killed by ${signal}` : `exited with code ${code}`;
      this.state = 'exited';
      if (this.finishing) clearTimeout(this.finishing.timer);
      this.settle({ kind: 'crashed', detail: `the sandbox process ${detail}${this.stderrTail ? `: ${lastLines(this.stderrTail)}` : ''}` });
      this.onExitCallback?.(this, detail);
    });
    this.child.on('error', () => {
      // 'exit' follows, or the spawn failed and ready has rejected
    });
  }

  onExit(callback: (process: SandboxProcess, detail: string) => void): void {
    this.onExitCallback = callback;
  }

  // Called when the process may take the next run (retire null) or must
  // not (why), after it has answered and checked itself.
  onIdle(callback: (process: SandboxProcess, retire: string | null) => void): void {
    this.onIdleCallback = callback;
  }

  // Runs one request. The process is killed when it has not answered
  // `killAfterMs` after the request was sent. It stays busy after the
  // answer until it reports idle.
  run(request: RunRequest, killAfterMs: number): Promise<RunResult> {
    if (this.state !== 'idle') throw new Error(`sandbox process is ${this.state}, not idle`);
    this.state = 'busy';
    this.runs += 1;
    const id = randomUUID();
    return new Promise<RunResult>((resolve) => {
      const timer = setTimeout(() => {
        this.settle({ kind: 'killed' });
        this.kill();
      }, killAfterMs);
      this.inflight = { id, resolve, timer };
      this.child.send({ type: 'run', id, ...request }, (error) => {
        if (error) this.settle({ kind: 'crashed', detail: `could not reach the sandbox process: ${error.message}` });
      });
    });
  }

  // Ends the process: politely first, then by force.
  stop(): Promise<void> {
    if (this.state === 'exited') return this.exited;
    this.state = 'stopping';
    if (this.child.connected) this.child.send({ type: 'exit' }, () => {});
    const force = setTimeout(() => this.kill(), STOP_GRACE_MS);
    force.unref();
    return this.exited.finally(() => clearTimeout(force));
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private onMessage(message: unknown, limits: { maxDebugOutputBytes: number; maxResultBytes: number }): void {
    if (!isPlainObject(message)) return;
    if (message.type === 'result' && this.inflight && message.id === this.inflight.id) {
      const reply = parseReply(message, limits);
      if (!reply) {
        // The process is ours and plain JavaScript; an answer that does not
        // parse means it is not in a state to be trusted with another run.
        this.settle({ kind: 'crashed', detail: 'the sandbox process sent a malformed answer' });
        this.kill();
        return;
      }
      const timer = setTimeout(() => this.kill(), IDLE_TIMEOUT_MS);
      timer.unref();
      this.finishing = { id: this.inflight.id, timer };
      this.settle({ kind: 'reply', reply });
    } else if (message.type === 'idle' && this.finishing && message.id === this.finishing.id) {
      clearTimeout(this.finishing.timer);
      this.finishing = null;
      const retire = typeof message.retire === 'string' ? message.retire.slice(0, 500) : null;
      if (this.state === 'busy') this.state = 'idle';
      this.onIdleCallback?.(this, retire);
    }
  }

  private settle(result: RunResult): void {
    const inflight = this.inflight;
    if (!inflight) return;
    this.inflight = null;
    clearTimeout(inflight.timer);
    inflight.resolve(result);
  }
}

// How each attempt must have been refused. Anything else (including an
// unexpected error code) fails closed: the process is not used.
const REQUIRED_REFUSALS: Record<Exclude<keyof ContainmentReport, 'envKeys'>, readonly string[]> = {
  spawn: ['ERR_ACCESS_DENIED'],
  worker: ['ERR_ACCESS_DENIED'],
  readOutside: ['ERR_ACCESS_DENIED'],
  write: ['ERR_ACCESS_DENIED'],
  network: ['ERR_SANDBOX_DENIED', 'ERR_ACCESS_DENIED'],
  codeFromStrings: ['EvalError'],
};

function containmentProblem(report: unknown): string | null {
  if (!isPlainObject(report)) return 'no containment report';
  const problems: string[] = [];
  for (const [key, refusals] of Object.entries(REQUIRED_REFUSALS)) {
    const seen = report[key];
    if (typeof seen !== 'string' || !refusals.includes(seen)) problems.push(seen === 'allowed' ? `${key} is allowed` : `${key} gave ${String(seen)}`);
  }
  if (!Array.isArray(report.envKeys) || report.envKeys.length > 0) problems.push('environment variables are visible');
  return problems.length > 0 ? problems.join(', ') : null;
}

function parseReply(message: Record<string, unknown>, limits: { maxDebugOutputBytes: number; maxResultBytes: number }): RunReply | null {
  const { durationMs, debugOutput, retire } = message;
  if (typeof durationMs !== 'number' || typeof debugOutput !== 'string') return null;
  if (retire !== null && typeof retire !== 'string') return null;
  // The child caps both; the margin covers the truncation notice.
  if (debugOutput.length > limits.maxDebugOutputBytes + 200) return null;
  const base = { durationMs, debugOutput, retire: retire as string | null };
  if (message.ok === true) {
    if (typeof message.resultJson !== 'string' || message.resultJson.length > limits.maxResultBytes) return null;
    return { ...base, outcome: { ok: true, resultJson: message.resultJson } };
  }
  const error = message.error;
  if (message.ok !== false || !isPlainObject(error)) return null;
  if (typeof error.type !== 'string' || typeof error.message !== 'string') return null;
  const line = typeof error.line === 'number' && Number.isInteger(error.line) && error.line > 0 ? error.line : null;
  return { ...base, outcome: { ok: false, error: { type: error.type.slice(0, 200), message: error.message.slice(0, 4000), line } } };
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ').slice(0, 1000);
}
