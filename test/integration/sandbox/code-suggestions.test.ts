// Every suggested code block must run in the real sandbox and give valid JSON
// that actually fixes what it was suggested for, on real-looking payloads.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suggestCode } from '../../../server/connectors/code-suggestions.ts';
import type { SandboxPool } from '../../../server/sandbox/sandbox-pool.ts';
import { SLOW_MS, startTestPool } from './sandbox-test-pool.ts';

const stripe = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/stripe/${name}.json`, import.meta.url), 'utf8'));
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$/;

const payloads: Record<string, unknown> = {
  'stripe invoice': stripe('invoice'),
  'stripe customer': stripe('customer'),
  'stripe subscription': stripe('subscription'),
  'stripe charge': stripe('charge'),
  'stripe payment_intent': stripe('payment_intent'),
  'orders in milliseconds, nested in a list': { orders: Array.from({ length: 14 }, (_, i) => ({ id: `o_${i}`, created_at: 1_700_000_000_000 + i * 1000, shipment: { delivered_at: 1_700_100_000 + i } })) },
  'deeply nested': { a: { b: { c: { d: { e: { f: 'deep' } } } } }, updated: 1_650_000_000 },
  'a list at the root': Array.from({ length: 12 }, (_, i) => ({ id: i, due_date: 1_690_000_000 + i })),
};

let pool: SandboxPool;
beforeAll(async () => {
  pool = startTestPool({ poolSize: 1 }).pool;
  await pool.ready();
}, SLOW_MS);
afterAll(() => pool?.close());

function maxListLength(value: unknown): number {
  if (Array.isArray(value)) return Math.max(value.length, ...value.map(maxListLength));
  if (value && typeof value === 'object') return Math.max(0, ...Object.values(value).map(maxListLength));
  return 0;
}

describe('code suggestions', () => {
  it('finds timestamps in seconds and milliseconds, nested and in lists, and not elsewhere', () => {
    const kinds = (data: unknown) => suggestCode(data).map((s) => s.kind);
    expect(kinds(stripe('invoice'))).toEqual(['convert_timestamps', 'trim_payload']);
    expect(kinds({ id: 'x', amount: 1_700_000_000 })).toEqual([]);
    const ms = suggestCode(payloads['orders in milliseconds, nested in a list']).find((s) => s.kind === 'convert_timestamps')!;
    expect(ms.code).toContain('MILLISECONDS = set(["created_at"])');
    expect(ms.code).toContain('SECONDS = set(["delivered_at"])');
  });

  for (const [name, data] of Object.entries(payloads)) {
    it(`every suggestion for ${name} runs and does what it says`, async () => {
      const suggestions = suggestCode(data);
      expect(suggestions.length).toBeGreaterThan(0);
      for (const suggestion of suggestions) {
        const outcome = await pool.runCodeBlock(suggestion.code, { data });
        expect(outcome.ok, `${suggestion.kind}: ${JSON.stringify(!outcome.ok && outcome.error)}`).toBe(true);
        if (!outcome.ok) continue;
        const text = JSON.stringify(outcome.result);
        expect(JSON.parse(text)).toEqual(outcome.result);
        if (suggestion.kind === 'convert_timestamps') {
          expect(text).toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
          expect(text).not.toMatch(/"(created|created_at|due_date|delivered_at|updated)":\d{9,}/);
        } else {
          expect(text.length).toBeLessThan(JSON.stringify(data).length);
          expect(maxListLength(outcome.result)).toBeLessThanOrEqual(5);
        }
      }
    });
  }

  it('converts the invoice creation time to the right date', async () => {
    const invoice = stripe('invoice');
    const code = suggestCode(invoice).find((s) => s.kind === 'convert_timestamps')!.code;
    const outcome = await pool.runCodeBlock(code, { data: invoice });
    expect(outcome.ok && (outcome.result as { created: string }).created).toMatch(ISO);
    expect(outcome.ok && new Date((outcome.result as { created: string }).created).getTime() / 1000).toBe(invoice.created);
  });
});
