import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export type DatabaseProvider = 'sqlite' | 'postgresql';

export function providerOf(url: string): DatabaseProvider {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new Error('DATABASE_URL must start with "file:" (SQLite) or "postgresql://" (PostgreSQL)');
}

// The file behind a `file:` URL; the folder is created so that a fresh clone
// can start without preparing ./data by hand.
export function prepareSqliteFile(url: string): string {
  const path = url.slice('file:'.length).split('?')[0] ?? '';
  if (path === '' || path === ':memory:') return path;
  const absolute = resolve(path);
  mkdirSync(dirname(absolute), { recursive: true });
  return absolute;
}
