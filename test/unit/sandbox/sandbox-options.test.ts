import { describe, expect, it } from 'vitest';
import {
  ALLOWABLE_MODULES,
  DEFAULT_SANDBOX_OPTIONS,
  parseAllowedModules,
  resolveSandboxOptions,
  SandboxOptionsError,
} from '../../../server/sandbox/sandbox-options.ts';

describe('resolveSandboxOptions', () => {
  it('fills in the documented defaults', () => {
    const options = resolveSandboxOptions();
    expect(options).toMatchObject({ poolSize: 2, timeoutMs: 2000, queueLimit: 32 });
    expect(options.allowedModules).toEqual(['math', 'decimal', 're', 'datetime', 'json', 'random', 'time']);
    expect(options).toEqual({ ...DEFAULT_SANDBOX_OPTIONS });
  });

  it('takes overrides and ignores undefined ones', () => {
    const options = resolveSandboxOptions({ poolSize: 4, timeoutMs: undefined, maxRunsPerProcess: 10 });
    expect(options.poolSize).toBe(4);
    expect(options.timeoutMs).toBe(2000);
    expect(options.maxRunsPerProcess).toBe(10);
  });

  it('refuses values out of range, non-integers and unknown options, listing every problem', () => {
    expect(() => resolveSandboxOptions({ poolSize: 0 })).toThrow(/poolSize: must be an integer from 1 to 64/);
    expect(() => resolveSandboxOptions({ timeoutMs: 1.5 })).toThrow(SandboxOptionsError);
    expect(() => resolveSandboxOptions({ memoryLimitMb: 64 })).toThrow(/memoryLimitMb/);
    expect(() => resolveSandboxOptions({ timeoutMs: '2000' as unknown as number })).toThrow(/timeoutMs/);
    expect(() => resolveSandboxOptions({ bogus: 1 } as never)).toThrow(/bogus: unknown option/);
    try {
      resolveSandboxOptions({ poolSize: -1, queueLimit: -1 });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/poolSize[\s\S]*queueLimit/);
    }
  });

  it('refuses modules that would open the sandbox, naming the ones that can be allowed', () => {
    for (const name of ['os', 'sys', 'subprocess', 'socket', 'importlib', 'builtins', 'ctypes', 'gc', 'js', 'pyodide', 'io', 'pathlib']) {
      expect(ALLOWABLE_MODULES).not.toContain(name);
      expect(() => resolveSandboxOptions({ allowedModules: ['json', name] })).toThrow(new RegExp(`allowedModules: ${name} cannot be allowed`));
    }
    expect(() => resolveSandboxOptions({ allowedModules: 'json' as never })).toThrow(/must be a list/);
  });

  it('trims, de-duplicates and sorts the allow-list; an empty list allows nothing', () => {
    expect(resolveSandboxOptions({ allowedModules: [' json', 'math', 'json', ''] }).allowedModules).toEqual(['json', 'math']);
    expect(resolveSandboxOptions({ allowedModules: [] }).allowedModules).toEqual([]);
  });
});

describe('parseAllowedModules', () => {
  it('splits a comma-separated environment value', () => {
    expect(parseAllowedModules('math, json,,re ')).toEqual(['math', 'json', 're']);
    expect(parseAllowedModules('')).toEqual([]);
  });
});
