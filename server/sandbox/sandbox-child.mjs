// One sandbox process: loads Pyodide once, then runs code blocks one at a time
// for the pool (sandbox-pool.ts) over the IPC channel.
//
// Plain JavaScript on purpose: the process runs under Node's permission model
// and may read only its own files (this one, debug-output.mjs,
// harden-intrinsics.mjs, sandbox-runtime.py) and the pyodide package, so
// it cannot load tsx or anything else from node_modules.
//
// Nothing here trusts Python. Python reaches JavaScript only through what
// Pyodide hands it; that is taken away (see sandbox-runtime.py), and on this
// side the process is sealed before Pyodide loads:
//  - node --disallow-code-generation-from-strings: even a JsProxy that
//    slipped through cannot turn `.constructor.constructor('return process')`
//    into code (EvalError),
//  - networking, native bindings and process control are replaced with
//    functions that throw (Node 20's permission model does not cover the
//    network),
//  - the wasm heap cannot grow past its cap, so a memory bomb ends in a
//    MemoryError inside Python instead of taking the machine's memory.
// The pool checks the containment report this process sends when ready and
// refuses a process that could spawn, start workers, read or write outside
// its files, reach the network, evaluate strings or see environment variables.
//
// Time limit: the pool starts a run with a deadline. CPython in Pyodide polls
// `Module.Py_EmscriptenSignalBuffer[0]` every few dozen bytecodes; we install
// an object whose getter returns SIGINT (2) once the deadline has passed, so
// Python raises KeyboardInterrupt in this very thread without needing a
// SharedArrayBuffer, a worker or the event loop. Code that swallows the
// interrupt is interrupted again every RE_INTERRUPT_MS, and code stuck in one
// long C call (sum(range(10**12)), a huge regex) never polls: for those the
// pool kills this process after a grace period and starts another.
import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createDebugOutput } from './debug-output.mjs';
import { harden, intrinsicRoots } from './harden-intrinsics.mjs';

const RE_INTERRUPT_MS = 100;
const MB = 1024 * 1024;

const config = JSON.parse(process.argv[2] ?? '{}');
const startedAt = performance.now();

function send(message) {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

function denied(what) {
  return function deniedInSandbox() {
    const error = new Error(`${what} is not available in the sandbox`);
    error.code = 'ERR_SANDBOX_DENIED';
    throw error;
  };
}

// ---- seal the process before any untrusted code exists ----
function sealProcess() {
  // Pyodide's file system setup asks for process.binding('constants'), which
  // the permission model refuses; every other binding stays refused.
  process.binding = function binding(name) {
    if (name === 'constants') return { fs: fs.constants, os: os.constants };
    return denied(`process.binding('${name}')`)();
  };
  for (const name of ['_linkedBinding', 'dlopen', 'kill', 'getBuiltinModule', 'setuid', 'setgid', 'chdir']) {
    if (name in process) process[name] = denied(`process.${name}`);
  }
  net.Socket.prototype.connect = denied('the network');
  net.Server.prototype.listen = denied('the network');
  for (const method of ['bind', 'connect', 'send']) dgram.Socket.prototype[method] = denied('the network');
  for (const name of Object.keys(dns)) {
    if (typeof dns[name] === 'function' && name !== 'Resolver') dns[name] = denied('DNS');
  }
  for (const name of Object.getOwnPropertyNames(dns.Resolver.prototype)) {
    if (name !== 'constructor') dns.Resolver.prototype[name] = denied('DNS');
  }
  for (const name of Object.keys(dns.promises)) {
    if (typeof dns.promises[name] === 'function' && name !== 'Resolver') dns.promises[name] = denied('DNS');
  }
  for (const name of ['fetch', 'WebSocket', 'EventSource', 'XMLHttpRequest', 'WebSocketStream']) {
    delete globalThis[name];
  }
  // V8's stack-trace hook hands out call sites; nothing here needs it.
  Object.defineProperty(Error, 'prepareStackTrace', { value: undefined, writable: false, configurable: false });
}

// The wasm heap of Pyodide grows through WebAssembly.Memory#grow; refusing it
// makes malloc fail, which Python reports as MemoryError.
let heapCapBytes = config.memoryLimitMb * MB;
let heap = null; // Pyodide's heap, once known
function capWasmMemory() {
  const grow = WebAssembly.Memory.prototype.grow;
  WebAssembly.Memory.prototype.grow = function cappedGrow(pages) {
    if (this.buffer.byteLength + pages * 65536 > heapCapBytes) {
      throw new RangeError('sandbox memory limit reached');
    }
    heap = this;
    return grow.call(this, pages);
  };
}
const heapBytes = () => heap?.buffer.byteLength ?? 0;

// What this process can and cannot do, tried for real. The pool refuses the
// process unless every attempt failed.
function probeContainment() {
  const attempt = (fn) => {
    try {
      fn();
      return 'allowed';
    } catch (error) {
      return String(error?.code ?? error?.name ?? 'refused');
    }
  };
  const probeFile = path.join(os.tmpdir(), `patchbay-sandbox-probe-${process.pid}`);
  return {
    envKeys: Object.keys(process.env),
    spawn: attempt(() => {
      const result = childProcess.spawnSync('/bin/sh', ['-c', 'exit 0']);
      if (result.error) throw result.error;
    }),
    worker: attempt(() => {
      const worker = new Worker('process.exit(0)', { eval: true });
      void worker.terminate();
    }),
    // the node binary: certain to exist, certain to be outside the grants
    readOutside: attempt(() => fs.closeSync(fs.openSync(process.execPath, 'r'))),
    write: attempt(() => {
      fs.writeFileSync(probeFile, 'x');
      fs.rmSync(probeFile, { force: true });
    }),
    network: attempt(() => net.connect(9, '127.0.0.1').destroy()),
    codeFromStrings: attempt(() => eval('0')),
  };
}

sealProcess();
capWasmMemory();
const containment = probeContainment();
// Sent before the slow part, so that a process started with too many
// permissions is killed at once.
await send({ type: 'containment', containment });

// ---- load Pyodide ----
const debugOutput = createDebugOutput(config.maxDebugOutputBytes);

let nextInterruptAt = Infinity;
const interruptSignal = Object.create(null, {
  0: {
    get() {
      const now = performance.now();
      if (now < nextInterruptAt) return 0;
      nextInterruptAt = now + RE_INTERRUPT_MS;
      return 2; // SIGINT -> KeyboardInterrupt
    },
    set() {},
  },
});

let run;
let check;
try {
  const { loadPyodide } = await import(pathToFileURL(path.join(config.pyodideDir, 'pyodide.mjs')).href);
  const pyodide = await loadPyodide({
    indexURL: config.pyodideDir + path.sep,
    jsglobals: Object.create(null),
    // Python's os.environ is Emscripten's, not ours; `_` would show the path
    // of this file, so it goes.
    env: { HOME: '/home/pyodide', _: undefined },
    stdin: () => null,
    stdout: () => {},
    stderr: () => {},
  });
  // Pyodide installs a global require() serving fs, child_process and ws to
  // its Emscripten runtime (os.system goes through it). Nothing needs it now.
  globalThis.require = denied('require');
  pyodide.setStdout({ write: debugOutput.write, isatty: false });
  pyodide.setStderr({ write: debugOutput.write, isatty: false });
  pyodide.setInterruptBuffer(interruptSignal);
  pyodide.unregisterJsModule('js');
  pyodide.unregisterJsModule('pyodide_js');
  heap = pyodide._module.memory ?? heap;

  const namespace = pyodide.globals.get('dict')();
  pyodide.runPython(fs.readFileSync(config.runtimePath, 'utf8'), { globals: namespace, filename: 'sandbox-runtime.py' });
  const setup = namespace.get('setup');
  const entryPoints = setup(JSON.stringify({
    allowedModules: config.allowedModules,
    maxResultBytes: config.maxResultBytes,
    maxNestingDepth: config.maxNestingDepth,
  }));
  run = entryPoints.get(0);
  check = entryPoints.get(1);
  entryPoints.destroy();
  setup.destroy();
  namespace.clear();
  namespace.destroy();
  // Anything that still reaches the API object finds nothing to call.
  for (const key of Reflect.ownKeys(pyodide)) {
    try {
      delete pyodide[key];
    } catch {
      // non-configurable: leave it
    }
  }
  debugOutput.take();
  // The intrinsics, and the PyProxy classes our own calls into Python go through.
  harden([...intrinsicRoots(), Object.getPrototypeOf(run)]);

  // The heap may grow up to what keeps the whole process under the limit.
  const rss = process.memoryUsage.rss();
  heapCapBytes = Math.max(heapBytes() + 64 * MB, config.memoryLimitMb * MB - (rss - heapBytes()));
} catch (error) {
  await send({ type: 'failed', message: `Pyodide did not load: ${error?.message ?? error}`.slice(0, 2000) });
  process.exit(1);
}

// ---- serve runs ----
let busy = false;
let dead = false;

// Answers first, then checks the interpreter for tampering and tells the
// pool whether it may send another run ("idle"): the check's millisecond is
// not on the caller's path.
async function handleRun(message) {
  busy = true;
  const started = performance.now();
  nextInterruptAt = started + message.timeoutMs;
  let output;
  let failure;
  try {
    output = run(message.kind, message.code, message.inputsJson);
  } catch (error) {
    failure = error;
  }
  nextInterruptAt = Infinity;
  const durationMs = performance.now() - started;
  const reply = { type: 'result', id: message.id, durationMs, debugOutput: debugOutput.take(), retire: null };

  if (typeof output === 'string') {
    if (output[0] === 'M') {
      reply.retire = 'memory';
      output = output.slice(1);
    }
    reply.ok = output[0] === 'R';
    if (reply.ok) reply.resultJson = output.slice(1);
    else reply.error = JSON.parse(output.slice(1));
  } else {
    // The runner itself failed: Pyodide's fatal error (a C stack overflow,
    // usually from deeply nested data) or an interrupt during cleanup.
    const text = String(failure?.message ?? failure);
    reply.ok = false;
    reply.retire = 'broken';
    if (/Maximum call stack size exceeded/.test(text)) {
      reply.error = { type: 'RecursionError', message: 'the data is nested too deeply for the interpreter', line: null };
    } else if (/KeyboardInterrupt/.test(text)) {
      reply.error = { type: 'TimeoutError', message: 'the code ran past its time limit', line: null };
    } else {
      reply.error = { type: 'SandboxError', message: 'the sandbox failed while running the code', line: null };
    }
    // A fatal error dumps the interpreter's stack into the output; that is
    // ours, not the admin's.
    const dump = reply.debugOutput.indexOf('Stack (most recent call first):');
    if (dump !== -1) reply.debugOutput = reply.debugOutput.slice(0, dump).trimEnd();
    dead = Boolean(failure?.pyodide_fatal_error) || /fatally failed/.test(text);
  }
  await send(reply);
  if (dead) process.exit(1);

  let retire = null;
  if (reply.retire === null) {
    try {
      const tampered = check();
      if (tampered) retire = `tainted: ${tampered}`;
    } catch {
      retire = 'broken';
    }
  }
  const rssBytes = process.memoryUsage.rss();
  if (!retire && rssBytes > config.memoryLimitMb * MB * 0.9) retire = 'memory';
  await send({ type: 'idle', id: message.id, retire, rssBytes, heapBytes: heapBytes() });
  busy = false;
}

process.on('message', (message) => {
  if (message?.type === 'run' && !busy && !dead && typeof message.id === 'string' && typeof message.code === 'string'
    && typeof message.inputsJson === 'string' && (message.kind === 'code' || message.kind === 'condition')
    && Number.isFinite(message.timeoutMs)) {
    void handleRun(message);
  } else if (message?.type === 'exit') {
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));

await send({
  type: 'ready',
  loadMs: performance.now() - startedAt,
  rssBytes: process.memoryUsage.rss(),
  heapBytes: heapBytes(),
  heapCapBytes,
});
