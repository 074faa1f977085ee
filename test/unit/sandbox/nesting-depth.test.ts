import { describe, expect, it } from 'vitest';
import { exceedsNestingDepth } from '../../../server/sandbox/nesting-depth.ts';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { v: value };
  return value;
}

describe('exceedsNestingDepth', () => {
  it('counts containers, not scalars', () => {
    expect(exceedsNestingDepth(1, 0)).toBe(false);
    expect(exceedsNestingDepth('x', 0)).toBe(false);
    expect(exceedsNestingDepth(null, 0)).toBe(false);
    expect(exceedsNestingDepth({}, 1)).toBe(false);
    expect(exceedsNestingDepth({}, 0)).toBe(true);
    expect(exceedsNestingDepth(nested(10), 10)).toBe(false);
    expect(exceedsNestingDepth(nested(11), 10)).toBe(true);
  });

  it('finds the deep branch among shallow ones', () => {
    expect(exceedsNestingDepth({ a: 1, b: [1, 2, { c: nested(20) }], d: 'x' }, 15)).toBe(true);
  });

  it('handles values too deep for a recursive walk', () => {
    expect(exceedsNestingDepth(nested(200_000), 500)).toBe(true);
  });
});
