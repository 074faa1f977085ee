import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxOptions } from './sandbox-options.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

// The files a sandbox process may read: its own four, and the parts of the
// pyodide package that loading needs. Listed one by one rather than as a
// directory so that no wildcard semantics (which differ between Node
// versions) are involved.
export const SANDBOX_FILES = {
  entry: path.join(here, 'sandbox-child.mjs'),
  debugOutput: path.join(here, 'debug-output.mjs'),
  hardenIntrinsics: path.join(here, 'harden-intrinsics.mjs'),
  runtime: path.join(here, 'sandbox-runtime.py'),
};
const PYODIDE_FILES = ['package.json', 'pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];

// The V8 heap of a sandbox process (its JavaScript side: Pyodide's glue,
// message strings). Python's heap is wasm memory and is capped separately.
const JS_HEAP_MB = 128;

export function locatePyodide(): string {
  return path.dirname(createRequire(import.meta.url).resolve('pyodide/package.json'));
}

export interface SandboxCommand {
  execPath: string;
  execArgv: string[];
  entry: string;
  args: string[];
  cwd: string;
}

// How a sandbox process is started. Kept apart from the pool so the
// permission flags can be read (and tested) in one place.
export function buildSandboxCommand(options: SandboxOptions, pyodideDir = locatePyodide(), flags = process.allowedNodeEnvironmentFlags): SandboxCommand {
  // Node 20 knows only --experimental-permission; 22.13+ and 23.5+ call it
  // --permission. Without any --allow-* flag beyond these reads, the process
  // may not write files, spawn processes, start workers, load addons or WASI,
  // and from Node 25 on, use the network.
  const permission = flags.has('--permission') ? '--permission' : '--experimental-permission';
  const reads = [...Object.values(SANDBOX_FILES), ...PYODIDE_FILES.map((f) => path.join(pyodideDir, f))];
  const execArgv = [
    permission,
    ...reads.map((file) => `--allow-fs-read=${file}`),
    // No eval(), new Function() or string timers: the usual way from any
    // JavaScript object to the whole host (obj.constructor.constructor(...)).
    '--disallow-code-generation-from-strings',
    `--max-old-space-size=${JS_HEAP_MB}`,
    flags.has('--disable-warning') ? '--disable-warning=ExperimentalWarning' : '--no-warnings',
  ];
  const config = {
    pyodideDir,
    runtimePath: SANDBOX_FILES.runtime,
    allowedModules: options.allowedModules,
    memoryLimitMb: options.memoryLimitMb,
    maxResultBytes: options.maxResultBytes,
    maxDebugOutputBytes: options.maxDebugOutputBytes,
    maxNestingDepth: options.maxNestingDepth,
  };
  return { execPath: process.execPath, execArgv, entry: SANDBOX_FILES.entry, args: [JSON.stringify(config)], cwd: here };
}
