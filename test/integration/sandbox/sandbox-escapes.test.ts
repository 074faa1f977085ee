import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeBlockOutcome } from '../../../server/sandbox/code-block-result.ts';
import type { SandboxEvent, SandboxPool } from '../../../server/sandbox/sandbox-pool.ts';
import { expectHealthy, readyPids, settled, SLOW_MS, startTestPool } from './sandbox-test-pool.ts';

// Code that tries to get out. Every attempt must fail, say so, and leave a
// sandbox that still does ordinary work.
const CANARY = `canary-${process.pid}-${Date.now()}`;
let pool: SandboxPool;
let events: SandboxEvent[];

beforeAll(async () => {
  // A secret in the server's environment must not reach the sandbox.
  process.env.PATCHBAY_SANDBOX_CANARY = CANARY;
  ({ pool, events } = startTestPool({ poolSize: 2 }));
  await pool.ready();
}, SLOW_MS);

afterAll(async () => {
  delete process.env.PATCHBAY_SANDBOX_CANARY;
  await pool?.close();
});

async function attempt(code: string): Promise<CodeBlockOutcome> {
  const outcome = await pool.runCodeBlock(code, { data: 'victim data' });
  await expectHealthy(pool);
  await settled(pool);
  return outcome;
}

// Several attempts in one run, each caught: one run (and one retired
// process) per group instead of one per attempt.
async function attemptAll(attempts: Record<string, string>): Promise<Record<string, string>> {
  const body = Object.entries(attempts)
    .map(([name, expression]) => `try:\n    report[${JSON.stringify(name)}] = 'ALLOWED: ' + repr(${expression})[:200]\nexcept BaseException as error:\n    report[${JSON.stringify(name)}] = type(error).__name__ + ': ' + str(error)[:200]`)
    .join('\n');
  const outcome = await attempt(`import random\nos = random._os\nsys = os.sys\nreport = {}\n${body}\nreturn report`);
  expect(outcome.ok).toBe(true);
  return (outcome.ok ? outcome.result : {}) as Record<string, string>;
}

const refused = (type: string, message?: RegExp) => ({ ok: false, error: expect.objectContaining({ type, ...(message && { message: expect.stringMatching(message) }) }) });

// Finds every class by walking object.__subclasses__() (the classic start of
// a Python sandbox escape).
const WALK = `
def all_classes():
    seen, stack, out = set(), [object], []
    while stack:
        klass = stack.pop()
        try:
            subclasses = type.__subclasses__(klass)
        except TypeError:
            continue
        for sub in subclasses:
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
                out.append(sub)
    return out
def find(name):
    return [c for c in all_classes() if c.__name__ == name][0]
`;

describe('the JavaScript bridge', () => {
  it.each([
    ['import js\nreturn str(js.process)', 'js'],
    ['import pyodide_js\nreturn 1', 'pyodide_js'],
    ['from pyodide.code import run_js\nreturn run_js("process.env")', 'pyodide.code'],
    ['import pyodide\nreturn 1', 'pyodide'],
    ['import pyodide.ffi\nreturn 1', 'pyodide.ffi'],
    ['import _pyodide_core\nreturn 1', '_pyodide_core'],
    ["return __import__('js').process.env", 'js'],
  ])('refuses %j', async (code, name) => {
    expect(await attempt(code)).toMatchObject(refused('ImportError', new RegExp(`import of '${name.replace('.', '\\.')}' is not allowed`)));
  });

  it('has no bridge module left anywhere in sys.modules', async () => {
    const outcome = await attempt("import random\nmods = random._os.sys.modules\nreturn sorted(k for k in mods if k.split('.')[0] in ('js', 'pyodide_js', 'pyodide', '_pyodide', '_pyodide_core'))");
    expect(outcome).toMatchObject({ ok: true, result: [] });
  });

  it('refuses to build a new _pyodide_core or _ctypes through BuiltinImporter or _imp', async () => {
    const viaImporter = `${WALK}
import json
importer = find('BuiltinImporter')
spec = type(json.__spec__)('_pyodide_core', importer)
core = importer.create_module(spec)
return str(core.to_js({}).constructor.constructor('return process')())`;
    expect(await attempt(viaImporter)).toMatchObject(refused('ImportError', /new modules cannot be loaded/));
    const viaImp = "import random, json\nimp = random._os.sys.modules['_imp']\nreturn str(imp.create_builtin(type(json.__spec__)('_ctypes', None)))";
    expect(await attempt(viaImp)).toMatchObject(refused('ImportError', /new modules cannot be loaded/));
    const loadModule = `${WALK}\nreturn find('BuiltinImporter').load_module('posix').system('id')`;
    expect(await attempt(loadModule)).toMatchObject({ ok: false });
  });

  it('gives no JsProxy to any class found by walking subclasses, so .constructor.constructor never reaches process', async () => {
    const code = `${WALK}
report = []
for klass in all_classes():
    if 'Js' not in klass.__name__ and not str(getattr(klass, '__module__', '')).startswith(('pyodide', '_pyodide')):
        continue
    makers = [lambda: klass(), lambda: klass('x'), lambda: klass.__new__(klass), lambda: object.__new__(klass)]
    if issubclass(klass, BaseException):
        makers.append(lambda: BaseException.__new__(klass, 'x'))
    for make in makers:
        try:
            obj = make()
        except BaseException:
            continue
        try:
            process = obj.constructor.constructor('return process')()
            report.append('ESCAPED via ' + klass.__name__ + ': ' + str(process))
        except BaseException as error:
            report.append(klass.__name__ + ': ' + type(error).__name__)
return report`;
    const outcome = await attempt(code);
    const text = JSON.stringify(outcome);
    expect(text).not.toContain('ESCAPED');
    expect(text).not.toContain('[object process]');
  });

  it('refuses to make a JavaScript Error through JsException, even after deleting its guards', async () => {
    expect(await attempt(`${WALK}\nreturn str(find('JsException')('boom').constructor)`)).toMatchObject(refused('TypeError'));
    const retiredBefore = pool.stats().retired.tainted;
    const undo = `${WALK}\nE = find('JsException')\ndel E.__new__\ndel E.__init__\nreturn str(E('boom').constructor.constructor('return process')())`;
    expect(await attempt(undo)).toMatchObject(refused('TypeError'));
    // changing the class taints the process: it never runs another workspace's code
    expect(pool.stats().retired.tainted).toBe(retiredBefore + 1);
  });
});

describe('files, processes, environment', () => {
  it('has no open() and refuses the real one', async () => {
    expect(await attempt("return open('/etc/passwd').read()")).toMatchObject(refused('NameError'));
    const report = await attemptAll({
      builtinsOpen: "__import__('json').__builtins__['open']('/etc/passwd').read()",
      osOpen: "os.read(os.open('/etc/passwd', 0), 100)",
      listdir: "os.listdir('/')",
      ioOpen: "sys.modules['io'].open('/etc/passwd').read()",
    });
    expect(report).toEqual({
      builtinsOpen: "PermissionError: 'open' is not allowed in code blocks",
      osOpen: "PermissionError: 'open' is not allowed in code blocks",
      listdir: "PermissionError: 'os.listdir' is not allowed in code blocks",
      ioOpen: "PermissionError: 'open' is not allowed in code blocks",
    });
  }, SLOW_MS);

  it('refuses os.system, posix and subprocess', async () => {
    const report = await attemptAll({
      system: "os.system('id')",
      viaSubclassWalk: "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close'][0].__init__.__globals__['system']('id')",
      execv: "os.execv('/bin/sh', ['sh'])",
      posixSpawn: "os.posix_spawn('/bin/sh', ['sh'], {})",
      subprocess: "sys.modules['subprocess'].run(['id']).returncode",
    });
    expect(report).toMatchObject({
      system: "PermissionError: 'os.system' is not allowed in code blocks",
      viaSubclassWalk: "PermissionError: 'os.system' is not allowed in code blocks",
      execv: "PermissionError: 'os.exec' is not allowed in code blocks",
      posixSpawn: expect.stringMatching(/^(PermissionError|AttributeError)/),
      // Pyodide's subprocess gives up before it gets as far as the audit hook
      subprocess: expect.stringMatching(/^(PermissionError|OSError)/),
    });
  }, SLOW_MS);

  it('shows Python only its own virtual environment, none of the server\'s variables', async () => {
    const outcome = await attempt('import random\nreturn dict(random._os.environ)');
    expect(outcome.ok).toBe(true);
    const text = JSON.stringify(outcome);
    expect(text).not.toContain(CANARY);
    expect(outcome).toMatchObject({ ok: true, result: { HOME: '/home/pyodide', USER: 'web_user', PATH: '/' } });
    // Emscripten's defaults only (PYTHONINSPECT and LD_LIBRARY_PATH are Pyodide's)
    if (outcome.ok) expect(Object.keys(outcome.result as object).sort()).toEqual(['HOME', 'LANG', 'LD_LIBRARY_PATH', 'LOGNAME', 'PATH', 'PWD', 'PYTHONINSPECT', 'USER']);
  });

  it('starts each process with an empty environment and no permission beyond reading its files (checked from outside)', async () => {
    const pids = readyPids(events).slice(0, 2);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) {
      let environ: string;
      let cmdline: string[];
      try {
        environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      } catch {
        continue; // retired since, or no /proc on this system
      }
      expect(environ).toBe('');
      expect(cmdline.some((arg) => arg === '--experimental-permission' || arg === '--permission')).toBe(true);
      expect(cmdline).toContain('--disallow-code-generation-from-strings');
      expect(cmdline.filter((arg) => arg.startsWith('--allow-') && !arg.startsWith('--allow-fs-read='))).toEqual([]);
    }
  });

  it('reports, from inside each process, that spawning, workers, files, network and eval are refused', () => {
    expect(pool.stats().containment).toEqual({
      envKeys: [],
      spawn: 'ERR_ACCESS_DENIED',
      worker: 'ERR_ACCESS_DENIED',
      readOutside: 'ERR_ACCESS_DENIED',
      write: 'ERR_ACCESS_DENIED',
      network: 'ERR_SANDBOX_DENIED',
      codeFromStrings: 'EvalError',
    });
  });
});

describe('network', () => {
  it('cannot open a socket, not even to the server\'s own loopback', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const report = await attemptAll({
        createConnection: `sys.modules['socket'].create_connection(('127.0.0.1', ${port}), timeout=1)`,
        rawSocket: 'sys.modules["_socket"].socket()',
      });
      expect(report).toEqual({
        // refused at its first audited step (a lazy import of the IDNA codec, or the socket)
        createConnection: expect.stringMatching(/^PermissionError: '(socket\.|import)/),
        rawSocket: expect.stringMatching(/^PermissionError: 'socket\./),
      });
      expect(await attempt('import socket\nreturn 1')).toMatchObject(refused('ImportError'));
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });
});

describe('the interpreter', () => {
  it('refuses frame access (the way from user code to the runner\'s state)', async () => {
    const report = await attemptAll({
      generatorFrame: '(i for i in [1]).gi_frame',
      getframe: 'sys._getframe(1).f_locals',
    });
    expect(report.generatorFrame).toBe("PermissionError: 'object.__getattr__' is not allowed in code blocks");
    expect(report.getframe).toBe("PermissionError: 'sys._getframe' is not allowed in code blocks");
    expect(await attempt('try:\n    1 / 0\nexcept Exception as e:\n    return str(e.__traceback__.tb_frame.f_back.f_globals)')).toMatchObject(refused('PermissionError', /object.__getattr__/));
  }, SLOW_MS);

  it('refuses gc, audit hooks, tracing, function internals and ctypes', async () => {
    const tainted = pool.stats().retired.tainted;
    const report = await attemptAll({
      gcObjects: "len(sys.modules['gc'].get_objects())",
      gcReferrers: "sys.modules['gc'].get_referrers(sys)",
      // CPython swallows the refusal of a new audit hook (and does not add it)
      addAuditHook: 'sys.addaudithook(lambda *a: None)',
      settrace: 'sys.settrace(lambda *a: None)',
      setprofile: 'sys.setprofile(lambda *a: None)',
      kwdefaults: "__import__('json').dumps.__kwdefaults__",
      replaceCode: "setattr(__import__('json').dumps, '__code__', (lambda *a, **k: 'pwned').__code__)",
      codeFromBytes: "(lambda: 0).__code__.replace(co_code=b'')",
      ctypes: "sys.modules.get('ctypes')",
    });
    expect(report).toEqual({
      gcObjects: "PermissionError: 'gc.get_objects' is not allowed in code blocks",
      gcReferrers: "PermissionError: 'gc.get_referrers' is not allowed in code blocks",
      addAuditHook: 'ALLOWED: None',
      settrace: "PermissionError: 'sys.settrace' is not allowed in code blocks",
      setprofile: "PermissionError: 'sys.setprofile' is not allowed in code blocks",
      kwdefaults: "PermissionError: 'object.__getattr__' is not allowed in code blocks",
      replaceCode: "PermissionError: 'object.__setattr__' is not allowed in code blocks",
      codeFromBytes: "PermissionError: 'code.__new__' is not allowed in code blocks",
      ctypes: 'ALLOWED: None',
    });
    expect(pool.stats().retired.tainted).toBe(tainted + 1);
  }, SLOW_MS);

  it('survives deep recursion with a RecursionError at the admin\'s line', async () => {
    expect(await attempt('def down(n):\n    return down(n + 1)\nreturn down(0)')).toMatchObject(refused('RecursionError'));
  });

  it('retires every process that an attack touched, so no other run ever shares it', async () => {
    await settled(pool);
    // each refused operation above taints its process; none was reused after
    const { retired, runs } = pool.stats();
    expect(retired.tainted).toBeGreaterThanOrEqual(6);
    expect(runs.crashed).toBe(0);
  });
});

describe('state between runs', () => {
  // One process, so that consecutive runs meet in it unless it was retired.
  let single: SandboxPool;
  let singleEvents: SandboxEvent[];

  beforeAll(async () => {
    ({ pool: single, events: singleEvents } = startTestPool({ poolSize: 1 }));
    await single.ready();
  }, SLOW_MS);

  afterAll(async () => {
    await single?.close();
  });

  const run = (code: string, data: unknown = null) => single.runCodeBlock(code, { data });

  it('gives every run fresh globals and fresh builtins, in the same process', async () => {
    await settled(single);
    const before = readyPids(singleEvents).length;
    expect(await run("global stash\nstash = inputs['data']\n__builtins__['stash2'] = inputs['data']\nreturn 'stored'", 'workspace A secret')).toMatchObject({ ok: true });
    expect(await run("return [globals().get('stash'), __builtins__.get('stash2')]")).toMatchObject({ ok: true, result: [null, null] });
    await settled(single);
    expect(readyPids(singleEvents).length).toBe(before);
    expect(single.stats().retired.tainted).toBe(0);
  }, SLOW_MS);

  it('resets decimal precision and the recursion limit between runs', async () => {
    expect(await run('import decimal\ndecimal.getcontext().prec = 3\nreturn str(decimal.Decimal(1) / decimal.Decimal(7))')).toMatchObject({ ok: true, result: '0.143' });
    expect(await run('import decimal\nreturn str(decimal.Decimal(1) / decimal.Decimal(7))')).toMatchObject({ ok: true, result: '0.1428571428571428571428571429' });
    expect(await run('import random\nsys = random._os.sys\nsys.setrecursionlimit(50)\nreturn sys.getrecursionlimit()')).toMatchObject({ ok: true, result: 50 });
    expect(await run('import random\nreturn random._os.sys.getrecursionlimit()')).toMatchObject({ ok: true, result: 1000 });
  }, SLOW_MS);

  it.each([
    ['a module function', "import json\njson.dumps = lambda *a, **k: 'pwned'\nreturn 'patched'", "import json\nreturn json.dumps({'a': 1})", '{"a": 1}'],
    ['a class method', "import json\njson.JSONEncoder.default = lambda self, o: 'pwned'\nreturn 'patched'", "import json\ntry:\n    return json.dumps({1})\nexcept TypeError:\n    return 'refused'", 'refused'],
    ['the real builtins', "import json\njson.__builtins__['len'] = lambda x: 42\nreturn 'patched'", 'return len([1])', 1],
    ['a module-level object', "import json\njson._default_encoder.encode = lambda o: 'pwned'\nreturn 'patched'", "import json\nreturn json.dumps('x')", '"x"'],
    ['math.pi', 'import math\nmath.pi = 3\nreturn math.pi', 'import math\nreturn round(math.pi, 5)', 3.14159],
  ])('retires the process after code changes %s, so the next run sees the original', async (_what, tamper, check, expected) => {
    await settled(single);
    const pidsBefore = readyPids(singleEvents).length;
    const taintedBefore = single.stats().retired.tainted;
    expect(await run(tamper)).toMatchObject({ ok: true });
    await settled(single);
    expect(single.stats().retired.tainted).toBe(taintedBefore + 1);
    expect(await run(check)).toMatchObject({ ok: true, result: expected });
    // the check ran in a new process
    expect(readyPids(singleEvents).length).toBe(pidsBefore + 1);
  }, SLOW_MS);
});
