// Runs once before the browser suite: refuses to start without Chromium (a
// missing browser is a broken environment, not a reason to skip), and builds
// the client when dist/client is missing or older than its sources, so the
// tests always drive the code in the tree.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_PATH, chromiumMissingMessage } from './chromium.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DIST_INDEX = path.join(ROOT, 'dist/client/index.html');
const CLIENT_SOURCES = [path.join(ROOT, 'client'), path.join(ROOT, 'vite.config.ts'), path.join(ROOT, 'vite.widget.config.ts')];
// The messenger widget, built by the same `npm run build` (vite.widget.config.ts).
const DIST_WIDGET = path.join(ROOT, 'dist/widget/widget.js');

export default function setup(): void {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(chromiumMissingMessage());
  const reason = buildReason();
  if (reason === null) return;
  process.stderr.write(`e2e: ${reason}; running npm run build\n`);
  try {
    // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
  } catch {
    throw new Error('e2e: `npm run build` failed (output above); the browser tests need a built client in dist/client.');
  }
}

function buildReason(): string | null {
  if (!fs.existsSync(DIST_INDEX)) return 'dist/client is missing';
  if (!fs.existsSync(DIST_WIDGET)) return 'dist/widget/widget.js is missing';
  const builtAt = fs.statSync(DIST_INDEX).mtimeMs;
  const newer = CLIENT_SOURCES.flatMap(filesUnder).find((file) => fs.statSync(file).mtimeMs > builtAt);
  return newer ? `dist/client is older than ${path.relative(ROOT, newer)}` : null;
}

function filesUnder(entry: string): string[] {
  if (!fs.existsSync(entry)) return [];
  if (!fs.statSync(entry).isDirectory()) return [entry];
  return fs.readdirSync(entry, { withFileTypes: true }).flatMap((d) => (d.name === 'node_modules' ? [] : filesUnder(path.join(entry, d.name))));
}
