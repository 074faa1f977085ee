import { describe, expect, it } from 'vitest';
import { deriveResponseFields } from '../../../server/connectors/derive-response-fields.ts';

describe('deriveResponseFields', () => {
  it('types leaves, expands objects two levels deep and keeps arrays whole', () => {
    const fields = deriveResponseFields({
      id: 'cus_1',
      balance: 0,
      rate: 1.5,
      delinquent: false,
      created: '2026-01-02T03:04:05Z',
      discount: null,
      address: { city: 'Paris', geo: { lat: 48.8, deeper: { x: 1 } } },
      invoices: [{ id: 'in_1' }],
    });
    expect(fields).toEqual([
      { path: 'id', type: 'string', example_value: 'cus_1' },
      { path: 'balance', type: 'integer', example_value: 0 },
      { path: 'rate', type: 'decimal', example_value: 1.5 },
      { path: 'delinquent', type: 'boolean', example_value: false },
      { path: 'created', type: 'datetime', example_value: '2026-01-02T03:04:05Z' },
      { path: 'discount', type: 'unknown', example_value: null },
      { path: 'address.city', type: 'string', example_value: 'Paris' },
      { path: 'address.geo.lat', type: 'decimal', example_value: 48.8 },
      { path: 'address.geo.deeper', type: 'unknown', example_value: null },
      { path: 'invoices', type: 'unknown', example_value: null },
    ]);
  });

  it('shortens long example strings and ignores non-object responses', () => {
    const [field] = deriveResponseFields({ text: 'a'.repeat(500) });
    expect(String(field!.example_value).length).toBe(201);
    expect(deriveResponseFields([1, 2])).toEqual([]);
    expect(deriveResponseFields('plain')).toEqual([]);
  });
});
