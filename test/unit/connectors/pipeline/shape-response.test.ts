import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORMATTERS } from '../../../../server/connectors/connector-input.ts';
import { applyFormatter, shapeResponse, type ShapeField } from '../../../../server/connectors/pipeline/shape-response.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/stripe/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

const field = (path: string, extra: Partial<ShapeField> = {}): ShapeField => ({ path, selected: true, ...extra });

describe('shapeResponse', () => {
  it('hands over the whole response with full access', () => {
    const invoice = fixture('invoice');
    const result = shapeResponse(invoice, { mode: 'full_access', fields: [field('id')] });
    expect(result.shaped).toBe(invoice);
    expect(result.warnings).toEqual([]);
  });

  it('gives only the selected fields of a Stripe invoice, named and formatted', () => {
    const invoice = fixture('invoice');
    const { shaped, warnings } = shapeResponse(invoice, {
      mode: 'redacted_access',
      fields: [
        field('id'),
        field('amount_due', { label: 'Amount due', formatter: 'minor_units_to_amount', formatter_options: { currency: 'usd' } }),
        field('amount_remaining', { formatter: 'minor_units_to_amount' }),
        field('amount_paid', { label: 'Paid so far', formatter: 'zero_as_text', formatter_options: { text: 'nothing paid yet' } }),
        field('due_date', { label: 'Due', formatter: 'unix_seconds_to_iso' }),
        field('attempted', { label: 'Payment attempted', formatter: 'boolean_text', formatter_options: { true_text: 'yes', false_text: 'not yet' } }),
        field('customer_address.city'),
        field('customer_address.country', { label: 'Country' }),
        field('lines.data.0.description', { label: 'First line' }),
        field('status', { selected: false }),
        field('customer', { selected: false, redacted: true }),
        field('customer_email', { redacted: true }),
      ],
    });
    expect(warnings).toEqual([]);
    expect(shaped).toEqual({
      id: 'in_1Pgc6tB7WZ01zgkWu9fdqL6I',
      'Amount due': '10.00 USD',
      amount_remaining: 10,
      'Paid so far': 'nothing paid yet',
      Due: '2009-02-13T23:31:30.000Z',
      'Payment attempted': 'not yet',
      customer_address: { city: null },
      Country: null,
      'First line': 'My First Invoice Item (created for API docs)',
      customer_email: null,
    });
  });

  it('keeps arrays whole at their path, as copies', () => {
    const invoice = fixture('invoice');
    const { shaped } = shapeResponse(invoice, { mode: 'redacted_access', fields: [field('lines.data', { label: 'Lines' })] });
    const lines = (invoice.lines as { data: unknown[] }).data;
    expect((shaped as { Lines: unknown }).Lines).toEqual(lines);
    expect((shaped as { Lines: unknown }).Lines).not.toBe(lines);
  });

  it('nests unlabelled paths and gives a customer their balance in words', () => {
    const customer = fixture('customer');
    const { shaped } = shapeResponse(customer, {
      mode: 'redacted_access',
      fields: [
        field('balance', { label: 'Unpaid balance', formatter: 'zero_as_text', formatter_options: { text: 'no unpaid balance' } }),
        field('delinquent', { formatter: 'boolean_text' }),
        field('discount.source.type'),
        field('discount.start', { formatter: 'unix_seconds_to_iso' }),
        field('created', { label: 'Customer since', formatter: 'unix_seconds_to_iso' }),
        field('not_there'),
      ],
    });
    expect(shaped).toEqual({
      'Unpaid balance': 'no unpaid balance',
      delinquent: 'No',
      discount: { source: { type: 'coupon' }, start: '1973-06-24T08:12:18.000Z' },
      'Customer since': '2009-02-13T23:31:30.000Z',
    });
  });

  it('leaves values a formatter cannot handle as they are and warns', () => {
    const charge = fixture('charge');
    const { shaped, warnings } = shapeResponse(charge, {
      mode: 'redacted_access',
      fields: [
        field('description', { formatter: 'unix_seconds_to_iso' }),
        field('paid', { formatter: 'minor_units_to_amount' }),
        field('billing_details', { formatter: 'unix_ms_to_iso' }),
        field('amount', { formatter: 'zero_as_text' }),
        field('payment_method_details.card.last4', { label: 'Card', formatter: 'boolean_text' }),
        field('failure_code', { formatter: 'unix_seconds_to_iso' }),
      ],
    });
    expect(shaped).toEqual({
      description: 'My First Test Charge (created for API docs)',
      paid: true,
      billing_details: charge.billing_details,
      amount: 100,
      Card: '4242',
      failure_code: null,
    });
    expect(warnings.map((w) => w.field)).toEqual(['description', 'paid', 'billing_details', 'amount', 'payment_method_details.card.last4']);
    expect(warnings[0]?.message).toContain('unix_seconds_to_iso expects a Unix timestamp');
    expect(warnings[3]?.message).toContain('zero_as_text needs a text option');
  });

  it('warns instead of overwriting when two fields want the same place', () => {
    const { shaped, warnings } = shapeResponse(
      { a: { b: 1 }, c: 2, d: 3 },
      { mode: 'redacted_access', fields: [field('a'), field('a.b', { formatter: 'zero_as_text', formatter_options: { text: 'none' } }), field('c', { label: 'Total' }), field('d', { label: 'Total' })] },
    );
    expect(shaped).toEqual({ a: { b: 1 }, Total: 2 });
    expect(warnings.map((w) => w.field)).toEqual(['a.b', 'd']);
  });

  it('keeps "__proto__" labels and keys as data and does not share objects with the input', () => {
    const data = JSON.parse('{"meta": {"__proto__": {"admin": true}, "plan": "pro"}}') as Record<string, unknown>;
    const { shaped } = shapeResponse(data, { mode: 'redacted_access', fields: [field('meta'), field('meta.plan', { label: '__proto__' })] });
    const out = shaped as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe('pro');
    expect(Object.getPrototypeOf(out.meta)).toBe(Object.prototype);
    expect(Object.keys(out.meta ?? {})).toEqual(['__proto__', 'plan']);
    (out.meta as Record<string, unknown>).plan = 'changed';
    expect((data.meta as Record<string, unknown>).plan).toBe('pro');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe('applyFormatter', () => {
  it('has a case for every formatter the API accepts', () => {
    for (const formatter of FORMATTERS) {
      const result = applyFormatter(1, formatter, { text: 't', true_text: 'y', false_text: 'n' });
      expect(result.warning ?? '', formatter).not.toContain('unknown formatter');
    }
    expect(applyFormatter(1, 'shout', null).warning).toBe('unknown formatter "shout"');
  });

  it.each([
    [1000, { currency: 'eur' }, '10.00 EUR'],
    [1005, { currency: 'EUR' }, '10.05 EUR'],
    [5, { currency: 'usd' }, '0.05 USD'],
    [-1234, { currency: 'usd' }, '-12.34 USD'],
    [0, { currency: 'usd' }, '0.00 USD'],
    [1234, { currency: 'jpy' }, '1234 JPY'],
    [1234, { currency: 'KRW' }, '1234 KRW'],
    [12345, { currency: 'kwd' }, '12.345 KWD'],
    [1234, { currency: 'usd', exponent: 0 }, '1234 USD'],
    [1234, {}, 12.34],
    [1230, {}, 12.3],
    ['1234', { exponent: 3 }, 1.234],
    [1234, { exponent: 0 }, 1234],
    [Number.MAX_SAFE_INTEGER, { currency: 'usd' }, '90071992547409.91 USD'],
  ])('minor_units_to_amount %j with %j -> %j', (value, options, expected) => {
    expect(applyFormatter(value, 'minor_units_to_amount', options)).toEqual({ value: expected });
  });

  it.each([
    [12.5, {}],
    ['12.50', {}],
    [true, {}],
    [2 ** 60, {}],
    [100, { exponent: -1 }],
    [100, { exponent: 1.5 }],
    [100, { currency: 'euro' }],
  ])('minor_units_to_amount leaves %j (options %j) unchanged with a warning', (value, options) => {
    const result = applyFormatter(value, 'minor_units_to_amount', options);
    expect(result.value).toBe(value);
    expect(result.warning).toContain('minor_units_to_amount');
  });

  it('turns Unix seconds and milliseconds into ISO text', () => {
    expect(applyFormatter(0, 'unix_seconds_to_iso', null)).toEqual({ value: '1970-01-01T00:00:00.000Z' });
    expect(applyFormatter('1721954054', 'unix_seconds_to_iso', null)).toEqual({ value: '2024-07-26T00:34:14.000Z' });
    expect(applyFormatter(1721954054123, 'unix_ms_to_iso', null)).toEqual({ value: '2024-07-26T00:34:14.123Z' });
    expect(applyFormatter(1e20, 'unix_seconds_to_iso', null).warning).toContain('out of the date range');
    expect(applyFormatter('2024-07-26', 'unix_ms_to_iso', null)).toEqual({ value: '2024-07-26', warning: 'unix_ms_to_iso expects a Unix timestamp, got "2024-07-26"' });
  });

  it('writes booleans as text, with defaults', () => {
    expect(applyFormatter(true, 'boolean_text', { true_text: 'Active', false_text: 'Cancelled' })).toEqual({ value: 'Active' });
    expect(applyFormatter(false, 'boolean_text', null)).toEqual({ value: 'No' });
    expect(applyFormatter('true', 'boolean_text', null).warning).toContain('expects true or false');
    expect(applyFormatter(true, 'boolean_text', { true_text: 5 }).warning).toContain('true_text must be text');
  });

  it('replaces only numeric zeros with text', () => {
    const options = { text: 'no unpaid balance' };
    expect(applyFormatter(0, 'zero_as_text', options)).toEqual({ value: 'no unpaid balance' });
    expect(applyFormatter('0.00', 'zero_as_text', options)).toEqual({ value: 'no unpaid balance' });
    expect(applyFormatter(250, 'zero_as_text', options)).toEqual({ value: 250 });
    expect(applyFormatter(false, 'zero_as_text', options)).toEqual({ value: false });
    expect(applyFormatter('', 'zero_as_text', options)).toEqual({ value: '' });
  });

  it('passes null through every formatter without a warning', () => {
    for (const formatter of FORMATTERS) expect(applyFormatter(null, formatter, {})).toEqual({ value: null });
  });
});
