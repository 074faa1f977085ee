import { describe, expect, it } from 'vitest';
import { attributeClaims, filterContactAttributeUpdates, fitsAttributeType, type AttributeDefinition } from '../../../server/messenger/protected-attributes.ts';

const definitions: AttributeDefinition[] = [
  { name: 'account_id', type: 'string', protected: true },
  { name: 'plan', type: 'string', protected: false },
  { name: 'seats', type: 'integer', protected: false },
  { name: 'renews_at', type: 'datetime', protected: false },
  { name: 'email', type: 'string', protected: false },
];

describe('filterContactAttributeUpdates', () => {
  const updates = { account_id: 'acct_1', plan: 'pro', seats: 3, unknown: 'x' };

  it('the messenger cannot set protected or unknown attributes', () => {
    expect(filterContactAttributeUpdates(definitions, updates, 'messenger')).toEqual({
      apply: { plan: 'pro', seats: 3 },
      ignored: [
        { name: 'account_id', reason: 'protected' },
        { name: 'unknown', reason: 'unknown' },
      ],
    });
  });

  it.each(['verified_jwt', 'admin'] as const)('%s can set protected attributes', (source) => {
    expect(filterContactAttributeUpdates(definitions, updates, source).apply).toEqual({ account_id: 'acct_1', plan: 'pro', seats: 3 });
  });

  it('checks values against the attribute type; null clears', () => {
    const result = filterContactAttributeUpdates(definitions, { seats: 2.5, plan: null, renews_at: 'soon' }, 'messenger');
    expect(result.apply).toEqual({ plan: null });
    expect(result.ignored.map((i) => i.reason)).toEqual(['invalid_value', 'invalid_value']);
  });
});

describe('fitsAttributeType', () => {
  it.each([
    ['integer', 3, true],
    ['integer', 2 ** 60, false],
    ['decimal', 2.5, true],
    ['decimal', Number.NaN, false],
    ['boolean', false, true],
    ['boolean', 'false', false],
    ['datetime', 1_780_000_000, true],
    ['datetime', '2026-06-01T12:00:00Z', true],
    ['datetime', '12/06/2026', false],
    ['string', { nested: true }, false],
    ['string', 'x'.repeat(10_001), false],
  ] as const)('%s accepts %j: %s', (type, value, expected) => {
    expect(fitsAttributeType(type, value)).toBe(expected);
  });
});

describe('attributeClaims', () => {
  it('keeps claims named like a defined attribute, never the registered or identity claims', () => {
    expect(attributeClaims(definitions, { account_id: 'a', exp: 1, iss: 'x', user_id: 'u', email: 'e@x.test', other: 1 })).toEqual({ account_id: 'a' });
  });
});
