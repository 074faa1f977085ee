import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Freezing intrinsics would break the test runner itself, so the check runs
// in a fresh Node process.
const moduleUrl = new URL('../../../server/sandbox/harden-intrinsics.mjs', import.meta.url).href;

function inFreshNode(body: string): unknown {
  const script = `import { harden, intrinsicRoots } from ${JSON.stringify(moduleUrl)};
harden(intrinsicRoots());
const results = {};
const attempt = (name, fn) => { try { results[name] = fn(); } catch (error) { results[name] = 'threw ' + error.constructor.name; } };
${body}
console.log(JSON.stringify(results));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('.', import.meta.url)), encoding: 'utf8' });
  return JSON.parse(out);
}

describe('harden', () => {
  it('stops pollution of shared prototypes and replacement of built-in methods', () => {
    const results = inFreshNode(`
      attempt('getterOnObjectPrototype', () => { Object.defineProperty(Object.prototype, 'resultJson', { get() { return 'pwned'; } }); return 'defined'; });
      attempt('arrayPush', () => { Array.prototype.push = () => 0; return 'replaced'; });
      attempt('jsonStringify', () => { JSON.stringify = () => 'pwned'; return 'replaced'; });
      attempt('functionCall', () => { Function.prototype.call = () => 0; return 'replaced'; });
      attempt('errorPrototype', () => { Error.prototype.toString = () => 'pwned'; return 'replaced'; });
      attempt('plainObjectStillClean', () => ({}).resultJson === undefined);
    `);
    expect(results).toEqual({
      getterOnObjectPrototype: 'threw TypeError',
      arrayPush: 'threw TypeError',
      jsonStringify: 'threw TypeError',
      functionCall: 'threw TypeError',
      errorPrototype: 'threw TypeError',
      plainObjectStillClean: true,
    });
  });

  it('still lets ordinary code define its own toString, name and constructor', () => {
    const results = inFreshNode(`
      attempt('ownToString', () => { const o = {}; o.toString = () => 'mine'; return String(o); });
      attempt('errorName', () => { const e = new Error('x'); e.name = 'Custom'; return e.name + ':' + Error.prototype.name; });
      attempt('prototypeConstructor', () => { function F() {} F.prototype = Object.create(Object.prototype); F.prototype.constructor = F; return new F().constructor === F; });
      attempt('stackTraceLimit', () => { Error.stackTraceLimit = 5; return Error.stackTraceLimit; });
    `);
    expect(results).toEqual({ ownToString: 'mine', errorName: 'Custom:Error', prototypeConstructor: true, stackTraceLimit: 5 });
  });
});
