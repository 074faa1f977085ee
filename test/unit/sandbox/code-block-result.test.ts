import { describe, expect, it } from 'vitest';
import { formatCodeBlockError } from '../../../server/sandbox/code-block-result.ts';

describe('formatCodeBlockError', () => {
  it('reads like a Python error with the line in the admin\'s code', () => {
    expect(formatCodeBlockError({ type: 'ValueError', message: 'bad value', line: 3 })).toBe('ValueError: bad value (line 3)');
  });

  it('leaves the line out when there is none and copes with an empty message', () => {
    expect(formatCodeBlockError({ type: 'TimeoutError', message: 'too slow', line: null })).toBe('TimeoutError: too slow');
    expect(formatCodeBlockError({ type: 'StopIteration', message: '  ', line: 2 })).toBe('StopIteration (line 2)');
  });
});
