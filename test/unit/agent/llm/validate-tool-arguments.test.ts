import { describe, expect, it } from 'vitest';
import { checkToolArguments, givenValues } from '../../../../server/agent/llm/validate-tool-arguments.ts';

const inputs = [
  { name: 'order_number', type: 'integer' as const, required: true, default_value: '' },
  { name: 'include_items', type: 'boolean' as const, required: false, default_value: '' },
  { name: 'currency', type: 'string' as const, required: true, default_value: 'EUR' },
];

describe('checkToolArguments', () => {
  it('accepts arguments of the declared types and fills defaults', () => {
    expect(checkToolArguments(inputs, { order_number: 12, include_items: true })).toEqual({ ok: true, values: { order_number: 12, include_items: true, currency: 'EUR' } });
    // Digits as text are an integer, as the pipeline coerces them.
    expect(checkToolArguments(inputs, { order_number: '12' })).toEqual({ ok: true, values: { order_number: 12, include_items: null, currency: 'EUR' } });
  });

  it('tells a missing required input apart from a wrong one', () => {
    expect(checkToolArguments(inputs, {})).toEqual({ ok: false, missing: ['order_number'], invalid: [] });
    expect(checkToolArguments(inputs, { order_number: '  ' })).toEqual({ ok: false, missing: ['order_number'], invalid: [] });
    const wrong = checkToolArguments(inputs, { order_number: 'ORD-12', include_items: 'yes' });
    expect(wrong).toEqual({
      ok: false,
      missing: [],
      invalid: [
        { field: 'order_number', message: 'order_number must be an integer, got "ORD-12"' },
        { field: 'include_items', message: 'include_items must be true or false, got "yes"' },
      ],
    });
  });

  it('refuses names that are not data inputs (the schema has additionalProperties: false)', () => {
    const result = checkToolArguments(inputs, { order_number: 1, account_id: 'ACC-1' });
    expect(result).toMatchObject({ ok: false, missing: [], invalid: [{ field: 'account_id', message: expect.stringMatching(/is not a data input of this connector/) }] });
  });

  it('a required input with a default may be left out', () => {
    expect(checkToolArguments([{ name: 'currency', type: 'string', required: true, default_value: 'EUR' }], {})).toEqual({ ok: true, values: { currency: 'EUR' } });
  });
});

describe('givenValues', () => {
  it('drops inputs that have no value', () => {
    expect(givenValues({ a: 1, b: null, c: false, d: '' })).toEqual({ a: 1, c: false, d: '' });
  });
});
