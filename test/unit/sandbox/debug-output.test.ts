import { describe, expect, it } from 'vitest';
import { createDebugOutput } from '../../../server/sandbox/debug-output.mjs';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('createDebugOutput', () => {
  it('keeps everything under the cap and starts afresh after take()', () => {
    const out = createDebugOutput(100);
    expect(out.write(bytes('hello\n'))).toBe(6);
    out.write(bytes('world\n'));
    expect(out.take()).toBe('hello\nworld\n');
    expect(out.take()).toBe('');
  });

  it('keeps the first maxBytes and reports how many bytes were dropped', () => {
    const out = createDebugOutput(10);
    expect(out.write(bytes('0123456789abcdef'))).toBe(16);
    out.write(bytes('more'));
    expect(out.take()).toBe('0123456789\n… debug output truncated: 10 more bytes were printed');
    out.write(bytes('ok'));
    expect(out.take()).toBe('ok');
  });

  it('does not cut a character in half at the cap', () => {
    const out = createDebugOutput(7);
    out.write(bytes('abcde€f')); // € is 3 bytes: the cap falls inside it
    expect(out.take()).toMatch(/^abcde\n… debug output truncated: 4 more bytes/);
  });

  it('copies what it keeps (Pyodide reuses its buffer)', () => {
    const out = createDebugOutput(100);
    const buffer = bytes('first');
    out.write(buffer);
    buffer.set(bytes('XXXXX'));
    expect(out.take()).toBe('first');
  });

  it('keeps nothing with a zero cap', () => {
    const out = createDebugOutput(0);
    out.write(bytes('abc'));
    expect(out.take()).toBe('\n… debug output truncated: 3 more bytes were printed');
  });
});
