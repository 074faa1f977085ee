// Limits and sizes of the Python sandbox, validated once when the pool is
// created. Every field has a default; callers pass only what they change.

// Modules an admin may put on the allow-list: pure computation, no files,
// processes, sockets, threads, interpreter internals or the JavaScript
// bridge. A module outside this set is refused even if configured, so a
// typo'd or careless allow-list cannot open the sandbox (for example "os").
export const ALLOWABLE_MODULES: readonly string[] = [
  'base64', 'binascii', 'bisect', 'calendar', 'cmath', 'collections', 'copy', 'dataclasses', 'datetime',
  'decimal', 'difflib', 'enum', 'fractions', 'functools', 'hashlib', 'heapq', 'hmac', 'html', 'itertools',
  'json', 'math', 'operator', 'random', 're', 'statistics', 'string', 'textwrap', 'time', 'typing',
  'unicodedata', 'urllib.parse', 'uuid',
];

export const DEFAULT_ALLOWED_MODULES: readonly string[] = ['math', 'decimal', 're', 'datetime', 'json', 'random', 'time'];

export interface SandboxOptions {
  // Processes kept loaded and ready. Each holds about 170 MB.
  poolSize: number;
  // Wall-clock limit of one run, in milliseconds.
  timeoutMs: number;
  // How long after the time limit a process that did not stop by itself
  // (a long C call, code that swallows the interrupt) is killed and replaced.
  killGraceMs: number;
  // Memory of one sandbox process (resident set). Python's heap is capped so
  // that the process stays about within it (MemoryError), and a process
  // found above 90% of it after a run is replaced.
  memoryLimitMb: number;
  // Runs after which a process is replaced (a replacement starts loading a
  // little earlier, so the pool does not shrink meanwhile).
  maxRunsPerProcess: number;
  // Runs allowed to wait for a free process; one more fails at once.
  queueLimit: number;
  // How long a run may wait for a free process before it fails.
  queueTimeoutMs: number;
  // How long a new process may take to load Pyodide.
  startTimeoutMs: number;
  allowedModules: readonly string[];
  // print() output kept per run; the rest is counted and dropped.
  maxDebugOutputBytes: number;
  // Largest result, as UTF-8 JSON.
  maxResultBytes: number;
  maxCodeBytes: number;
  // Deepest nesting of inputs and results (deeper data would overflow the
  // interpreter's C stack in json).
  maxNestingDepth: number;
}

export const DEFAULT_SANDBOX_OPTIONS: Readonly<SandboxOptions> = Object.freeze({
  poolSize: 2,
  timeoutMs: 2000,
  killGraceMs: 500,
  memoryLimitMb: 512,
  maxRunsPerProcess: 1000,
  queueLimit: 32,
  queueTimeoutMs: 10_000,
  startTimeoutMs: 60_000,
  allowedModules: DEFAULT_ALLOWED_MODULES,
  maxDebugOutputBytes: 64 * 1024,
  maxResultBytes: 1024 * 1024,
  maxCodeBytes: 64 * 1024,
  maxNestingDepth: 500,
});

export class SandboxOptionsError extends Error {
  override name = 'SandboxOptionsError';
}

type IntegerField = Exclude<keyof SandboxOptions, 'allowedModules'>;

// Lower and upper bounds that keep the sandbox usable and contained.
const BOUNDS: Record<IntegerField, [number, number]> = {
  poolSize: [1, 64],
  timeoutMs: [10, 60_000],
  killGraceMs: [50, 30_000],
  memoryLimitMb: [256, 4096],
  maxRunsPerProcess: [1, 1_000_000],
  queueLimit: [0, 10_000],
  queueTimeoutMs: [1, 600_000],
  startTimeoutMs: [1000, 600_000],
  maxDebugOutputBytes: [0, 16 * 1024 * 1024],
  maxResultBytes: [16, 64 * 1024 * 1024],
  maxCodeBytes: [16, 1024 * 1024],
  maxNestingDepth: [2, 2000],
};

export function resolveSandboxOptions(overrides: Partial<SandboxOptions> = {}): SandboxOptions {
  const options: SandboxOptions = { ...DEFAULT_SANDBOX_OPTIONS };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(overrides) as [keyof SandboxOptions, unknown][]) {
    if (value === undefined) continue;
    if (key === 'allowedModules') {
      options.allowedModules = checkAllowedModules(value, problems);
      continue;
    }
    const bounds = BOUNDS[key];
    if (!bounds) {
      problems.push(`${String(key)}: unknown option`);
      continue;
    }
    const [min, max] = bounds;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key}: must be an integer from ${min} to ${max}`);
      continue;
    }
    options[key] = value;
  }
  if (problems.length > 0) throw new SandboxOptionsError(`Invalid sandbox options:\n  ${problems.join('\n  ')}`);
  return options;
}

function checkAllowedModules(value: unknown, problems: string[]): readonly string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    problems.push('allowedModules: must be a list of module names');
    return DEFAULT_ALLOWED_MODULES;
  }
  const names = [...new Set(value.map((v: string) => v.trim()).filter((v) => v.length > 0))].sort();
  const refused = names.filter((name) => !ALLOWABLE_MODULES.includes(name));
  if (refused.length > 0) {
    problems.push(`allowedModules: ${refused.join(', ')} cannot be allowed in code blocks; choose from ${ALLOWABLE_MODULES.join(', ')}`);
  }
  return names;
}

// Parses a comma-separated allow-list as it would come from an environment
// variable ("math, json,re").
export function parseAllowedModules(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}
