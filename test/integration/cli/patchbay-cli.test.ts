import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../server/cli/run-cli.ts';
import { createDb } from '../../../server/db/client.ts';
import { authenticateApiToken } from '../../../server/identity/api-tokens.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/patchbay.mjs');
const dirs: string[] = [];
const freshEnv = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-cli-'));
  dirs.push(dir);
  return { PATCHBAY_DATA_DIR: dir, DATABASE_URL: `file:${path.join(dir, 'cli.db')}` };
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

describe('patchbay CLI', () => {
  it('`token create` prints only a working token on stdout, from a fresh database', async () => {
    const env = freshEnv();
    const { stdout } = await run(process.execPath, [bin, 'token', 'create', '--name', 'ci'], { env: { ...process.env, ...env } });
    expect(stdout).toMatch(/^pb_[A-Za-z0-9_-]{43}\n$/);
    const db = createDb(env.DATABASE_URL);
    try {
      const principal = await authenticateApiToken(db, stdout.trim());
      expect(principal).not.toBeNull();
      const workspace = await db.workspace.findFirstOrThrow();
      expect(principal!.workspaceId).toBe(workspace.id);
    } finally {
      await db.$disconnect();
    }
  });

  it('creates admins and refuses bad input with a clear message', async () => {
    const env = freshEnv();
    const ok = capture();
    expect(await runCli(['admin', 'create', '--email', 'Ops@Example.com', '--password', 'correct horse battery'], ok.io, env)).toBe(0);
    expect(ok.out.join('')).toMatch(/Created admin ops@example.com/);

    const short = capture();
    expect(await runCli(['admin', 'create', '--email', 'a@b.co', '--password', 'short'], short.io, env)).toBe(1);
    expect(short.err.join('')).toContain('password: must be at least 10 characters');

    const duplicate = capture();
    expect(await runCli(['admin', 'create', '--email', 'ops@example.com', '--password', 'another long one'], duplicate.io, env)).toBe(1);
    expect(duplicate.err.join('')).toContain('already exists');
  });

  it.each([
    [['token', 'create']],
    [['token', 'create', '--name']],
    [['token', 'create', '--name', 'x', '--colour', 'red']],
    [['token', 'delete']],
    [['frobnicate']],
    [[]],
  ])('exits 2 with usage for %j', async (args) => {
    const c = capture();
    const code = await runCli(args, c.io, freshEnv());
    expect(code).toBe(2);
    expect(c.out.join('') + c.err.join('')).toContain('Usage: patchbay <command>');
  });

  it('`migrate` is idempotent and `seed-demo` seeds only once', async () => {
    const env = freshEnv();
    const first = capture();
    expect(await runCli(['migrate'], first.io, env)).toBe(0);
    expect(first.out.join('')).toMatch(/Applied \d+ migration/);
    const second = capture();
    await runCli(['migrate'], second.io, env);
    expect(second.out.join('')).toBe('Database is up to date\n');

    const seeded = capture();
    expect(await runCli(['seed-demo'], seeded.io, env)).toBe(0);
    expect(seeded.out.join('')).toMatch(/Seeded the demo workspace/);
    const again = capture();
    expect(await runCli(['seed-demo'], again.io, env)).toBe(0);
    expect(again.out.join('')).toContain('only seeded into an empty database');
  });
});
