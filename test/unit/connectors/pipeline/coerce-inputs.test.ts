import { describe, expect, it } from 'vitest';
import { coerceInputs, type DataInputDefinition } from '../../../../server/connectors/pipeline/coerce-inputs.ts';

const input = (name: string, type: DataInputDefinition['type'], extra: Partial<DataInputDefinition> = {}): DataInputDefinition => ({
  name,
  type,
  required: false,
  default_value: '',
  ...extra,
});

const one = (type: DataInputDefinition['type'], value: unknown) => coerceInputs([input('v', type)], { v: value }, { validateMissing: true });

describe('coerceInputs', () => {
  it.each([
    [42, 42],
    ['42', 42],
    ['-7', -7],
    [' 15 ', 15],
    ['007', 7],
    [1e3, 1000],
    [-0, 0],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ])('reads integer %j as %j', (value, expected) => {
    expect(one('integer', value)).toEqual({ values: { v: expected } });
  });

  it.each([['4.2'], ['1e3'], ['0x1A'], ['+7'], ['1,000'], ['abc'], [4.2], [true], [[1]], [{}], [Number.NaN]])('refuses integer %j', (value) => {
    const result = one('integer', value);
    expect(result).toHaveProperty('error');
    if (!('error' in result)) return;
    expect(result.error).toHaveLength(1);
    expect(result.error[0]?.field).toBe('v');
    expect(result.error[0]?.message).toMatch(/^v must be an integer, got /);
  });

  it('names the input, the rule and the value', () => {
    expect(coerceInputs([input('order_id', 'integer')], { order_id: 'abc' }, { validateMissing: true })).toEqual({
      error: [{ field: 'order_id', message: 'order_id must be an integer, got "abc"' }],
    });
  });

  it('refuses integers outside the safe range, given as numbers or text', () => {
    for (const value of [2 ** 53, '9007199254740993', -(2 ** 53)]) {
      const result = one('integer', value);
      expect('error' in result && result.error[0]?.message).toContain('between -9007199254740991 and 9007199254740991');
    }
  });

  it.each([
    [12.5, 12.5],
    ['12.50', 12.5],
    ['-0.5', -0.5],
    ['.5', 0.5],
    ['12', 12],
    [3, 3],
  ])('reads decimal %j as %j', (value, expected) => {
    expect(one('decimal', value)).toEqual({ values: { v: expected } });
  });

  it.each([['12,50'], ['1e5'], ['NaN'], ['Infinity'], [Number.POSITIVE_INFINITY], [Number.NaN], ['1.2.3'], [false]])('refuses decimal %j', (value) => {
    const result = one('decimal', value);
    expect('error' in result && result.error[0]?.message).toMatch(/^v must be a (finite )?decimal number, got /);
  });

  it('refuses a numeric string too long to be finite', () => {
    const result = one('decimal', '9'.repeat(400));
    expect('error' in result && result.error[0]?.message).toContain('must be a finite decimal number');
  });

  it.each([
    [true, true],
    [false, false],
    ['true', true],
    ['FALSE', false],
    [' True ', true],
    [1, true],
    [0, false],
    ['1', true],
    ['0', false],
  ])('reads boolean %j as %j', (value, expected) => {
    expect(one('boolean', value)).toEqual({ values: { v: expected } });
  });

  it.each([['yes'], ['no'], ['on'], [2], ['t'], [{}]])('refuses boolean %j', (value) => {
    const result = one('boolean', value);
    expect('error' in result && result.error[0]?.message).toMatch(/^v must be true or false, got /);
  });

  it('keeps strings as they are, turns numbers and booleans into text, refuses objects and arrays', () => {
    expect(one('string', '  padded "quoted" {{x}} ')).toEqual({ values: { v: '  padded "quoted" {{x}} ' } });
    expect(one('string', 12345)).toEqual({ values: { v: '12345' } });
    expect(one('string', true)).toEqual({ values: { v: 'true' } });
    expect(one('string', { a: 1 })).toEqual({ error: [{ field: 'v', message: 'v must be text, got an object' }] });
    expect(one('string', ['a'])).toEqual({ error: [{ field: 'v', message: 'v must be text, got an array' }] });
  });

  it('shortens long values in messages', () => {
    const result = one('integer', 'x'.repeat(500));
    expect('error' in result && result.error[0]?.message.length).toBeLessThan(100);
  });

  describe('missing values', () => {
    const definitions = [input('order_id', 'integer', { required: true }), input('note', 'string'), input('email', 'string', { required: true })];

    it.each([undefined, null, '', '   '])('reports a required input given as %j when validating', (value) => {
      expect(coerceInputs(definitions, { order_id: value, email: 'a@b.c' }, { validateMissing: true })).toEqual({
        error: [{ field: 'order_id', message: 'order_id is required' }],
      });
    });

    it('reports every missing required input at once', () => {
      const result = coerceInputs(definitions, {}, { validateMissing: true });
      expect('error' in result && result.error.map((e) => e.message)).toEqual(['order_id is required', 'email is required']);
    });

    it('makes missing values null when not validating, and optional ones null always', () => {
      expect(coerceInputs(definitions, {}, { validateMissing: false })).toEqual({ values: { order_id: null, note: null, email: null } });
      expect(coerceInputs(definitions, { order_id: '5', email: 'x' }, { validateMissing: true })).toEqual({ values: { order_id: 5, note: null, email: 'x' } });
    });

    it('falls back to the coerced default value', () => {
      const withDefaults = [
        input('limit', 'integer', { required: true, default_value: '10' }),
        input('rate', 'decimal', { default_value: '0.5' }),
        input('active', 'boolean', { default_value: 'true' }),
        input('lang', 'string', { default_value: 'en' }),
      ];
      expect(coerceInputs(withDefaults, { limit: '' }, { validateMissing: true })).toEqual({ values: { limit: 10, rate: 0.5, active: true, lang: 'en' } });
      expect(coerceInputs(withDefaults, { limit: 3, lang: 'fr' }, { validateMissing: true })).toEqual({ values: { limit: 3, rate: 0.5, active: true, lang: 'fr' } });
    });

    it('reports a default value that does not fit its type', () => {
      const result = coerceInputs([input('limit', 'integer', { default_value: 'ten' })], {}, { validateMissing: false });
      expect(result).toEqual({ error: [{ field: 'limit', message: 'limit: the default value "ten" is invalid (limit must be an integer)' }] });
    });
  });

  it('reports provided names that are not data inputs, along with other errors', () => {
    const result = coerceInputs([input('order_id', 'integer')], { order_id: 'x', orderid: '5', ignored: undefined }, { validateMissing: true });
    expect(result).toEqual({
      error: [
        { field: 'orderid', message: 'orderid is not a data input of this connector (data inputs: order_id)' },
        { field: 'order_id', message: 'order_id must be an integer, got "x"' },
      ],
    });
  });

  it('treats inherited names as not provided and keeps an input named __proto__ a plain key', () => {
    const definitions = [input('constructor', 'string'), input('__proto__', 'integer')];
    const provided = JSON.parse('{"__proto__": "5"}') as Record<string, unknown>;
    const result = coerceInputs(definitions, provided, { validateMissing: false });
    expect('values' in result).toBe(true);
    if (!('values' in result)) return;
    expect(result.values.constructor).toBeNull();
    expect(Object.getOwnPropertyDescriptor(result.values, '__proto__')?.value).toBe(5);
    expect(Object.getPrototypeOf(result.values)).toBe(Object.prototype);
  });
});
