import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSandboxCommand, SANDBOX_FILES } from '../../../server/sandbox/sandbox-command.ts';
import { resolveSandboxOptions } from '../../../server/sandbox/sandbox-options.ts';

const node20Flags = new Set(['--experimental-permission', '--disable-warning']);
const node22Flags = new Set(['--experimental-permission', '--permission', '--disable-warning']);

describe('buildSandboxCommand', () => {
  const command = buildSandboxCommand(resolveSandboxOptions(), undefined, node20Flags);

  it('turns on the permission model under the name the running Node knows', () => {
    expect(command.execArgv[0]).toBe('--experimental-permission');
    expect(buildSandboxCommand(resolveSandboxOptions(), undefined, node22Flags).execArgv[0]).toBe('--permission');
  });

  it('grants nothing but reading its own files and the pyodide package', () => {
    const grants = command.execArgv.filter((flag) => flag.startsWith('--allow-'));
    expect(grants.length).toBeGreaterThan(0);
    for (const grant of grants) expect(grant).toMatch(/^--allow-fs-read=\//);
    for (const forbidden of ['--allow-child-process', '--allow-worker', '--allow-fs-write', '--allow-addons', '--allow-wasi', '--allow-net']) {
      expect(command.execArgv.join(' ')).not.toContain(forbidden);
    }
    expect(command.execArgv.join(' ')).not.toContain('*');
    const paths = grants.map((g) => g.slice('--allow-fs-read='.length));
    for (const file of Object.values(SANDBOX_FILES)) expect(paths).toContain(file);
    // Every granted path exists, so a renamed file fails here rather than at start.
    for (const file of paths) expect(existsSync(file), file).toBe(true);
    expect(paths.some((p) => p.endsWith('/pyodide/pyodide.asm.wasm'))).toBe(true);
  });

  it('forbids turning strings into code and caps the JavaScript heap', () => {
    expect(command.execArgv).toContain('--disallow-code-generation-from-strings');
    expect(command.execArgv.some((flag) => /^--max-old-space-size=\d+$/.test(flag))).toBe(true);
  });

  it('passes the limits to the process, and no secrets', () => {
    expect(command.entry).toBe(SANDBOX_FILES.entry);
    const config = JSON.parse(command.args[0]!);
    expect(config).toMatchObject({ allowedModules: ['math', 'decimal', 're', 'datetime', 'json', 'random', 'time'], memoryLimitMb: 512 });
    expect(Object.keys(config).sort()).toEqual(['allowedModules', 'maxDebugOutputBytes', 'maxNestingDepth', 'maxResultBytes', 'memoryLimitMb', 'pyodideDir', 'runtimePath']);
  });
});
