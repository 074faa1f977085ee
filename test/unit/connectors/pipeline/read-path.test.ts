import { describe, expect, it } from 'vitest';
import { readPath } from '../../../../server/connectors/pipeline/read-path.ts';

const data = {
  id: 'in_1',
  amount: 0,
  paid: false,
  note: null,
  customer: { address: { city: 'Paris' } },
  lines: { data: [{ amount: 1000 }, { amount: 250, tags: ['a', 'b'] }] },
  '0': 'zero key',
};

describe('readPath', () => {
  it('follows dot paths and returns falsy values as they are', () => {
    expect(readPath(data, 'customer.address.city')).toBe('Paris');
    expect(readPath(data, 'amount')).toBe(0);
    expect(readPath(data, 'paid')).toBe(false);
    expect(readPath(data, 'note')).toBeNull();
    expect(readPath(data, 'lines.data')).toBe(data.lines.data);
  });

  it('indexes arrays with numeric segments and reads numeric object keys', () => {
    expect(readPath(data, 'lines.data.1.amount')).toBe(250);
    expect(readPath(data, 'lines.data.1.tags.0')).toBe('a');
    expect(readPath(data, '0')).toBe('zero key');
    expect(readPath([['x']], '0.0')).toBe('x');
  });

  it('returns undefined for anything absent', () => {
    expect(readPath(data, 'customer.phone')).toBeUndefined();
    expect(readPath(data, 'lines.data.5.amount')).toBeUndefined();
    expect(readPath(data, 'lines.data.-1')).toBeUndefined();
    expect(readPath(data, 'lines.data.01')).toBeUndefined();
    expect(readPath(data, 'lines.data.length')).toBeUndefined();
    expect(readPath(data, 'id.length')).toBeUndefined();
    expect(readPath(data, 'note.x')).toBeUndefined();
    expect(readPath(undefined, 'a')).toBeUndefined();
  });

  it('returns the data itself for the empty path', () => {
    expect(readPath(data, '')).toBe(data);
  });

  it('never walks into prototypes or constructors', () => {
    expect(readPath({}, '__proto__')).toBeUndefined();
    expect(readPath({}, 'constructor')).toBeUndefined();
    expect(readPath({}, 'constructor.prototype')).toBeUndefined();
    expect(readPath({}, 'toString')).toBeUndefined();
    expect(readPath([], 'constructor')).toBeUndefined();
    expect(readPath({}, 'hasOwnProperty')).toBeUndefined();
    // Even an own key of that name (JSON.parse makes one) is not followed.
    expect(readPath(JSON.parse('{"__proto__": {"polluted": true}}'), '__proto__.polluted')).toBeUndefined();
    expect(readPath({ a: { constructor: 'own' } }, 'a.constructor')).toBeUndefined();
  });
});
