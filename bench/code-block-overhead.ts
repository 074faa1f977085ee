// What a Python code block adds to a connector run: a typical transform of a
// Stripe-like invoice (timestamps to ISO dates, amounts to units, fields
// trimmed) run N times through the sandbox pool, against doing nothing and
// against the same transform written in JavaScript, interleaved so all three
// see the same noise. Then the pool saturated: pool size 2, 8 runs in flight.
//   npx tsx bench/code-block-overhead.ts      (BENCH_ITERATIONS=1000 to change the count)
import { createSandboxPool } from '../server/sandbox/sandbox-pool.ts';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 500);
const WARMUP = 50;
const SATURATED_RUNS = Number(process.env.BENCH_SATURATED_RUNS ?? 1000);
const CONCURRENCY = 8;
const POOL_SIZE = 2;

const day = 86_400;
const invoice = {
  id: 'in_1QfXyZ2eZvKYlo2C0aBcDeFg',
  object: 'invoice',
  account_country: 'DE',
  account_name: 'Acme GmbH',
  amount_due: 129_900,
  amount_paid: 0,
  amount_remaining: 129_900,
  attempt_count: 1,
  attempted: true,
  auto_advance: true,
  billing_reason: 'subscription_cycle',
  collection_method: 'charge_automatically',
  created: 1_732_406_400,
  currency: 'eur',
  customer: 'cus_R5xyz123',
  customer_email: 'ada@example.test',
  customer_name: 'Ada Lovelace',
  customer_address: { city: 'Berlin', country: 'DE', line1: 'Unter den Linden 1', postal_code: '10117' },
  default_payment_method: null,
  description: null,
  discount: null,
  due_date: 1_732_406_400 + 14 * day,
  hosted_invoice_url: 'https://invoice.stripe.test/i/acct_1/test_abc',
  livemode: false,
  metadata: { workspace: 'w_42', plan: 'pro' },
  number: 'ACME-0042',
  paid: false,
  period_end: 1_732_406_400,
  period_start: 1_732_406_400 - 30 * day,
  status: 'open',
  status_transitions: { finalized_at: 1_732_410_000, paid_at: null, voided_at: null },
  subtotal: 109_160,
  tax: 20_740,
  total: 129_900,
  lines: {
    object: 'list',
    has_more: false,
    data: Array.from({ length: 12 }, (_, i) => ({
      id: `il_${i}`,
      object: 'line_item',
      amount: 9_097 + i,
      currency: 'eur',
      description: `1 × Pro seat ${i + 1} (at €90.97 / month)`,
      discountable: true,
      livemode: false,
      metadata: {},
      period: { end: 1_732_406_400, start: 1_732_406_400 - 30 * day },
      plan: { id: 'price_pro_monthly', interval: 'month', amount: 9_097, product: 'prod_pro' },
      proration: false,
      quantity: 1,
      type: 'subscription',
    })),
  },
};

const pythonTransform = `
from datetime import datetime, timezone

def iso(ts):
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat() if ts else None

inv = inputs['data']
return {
    'number': inv['number'],
    'status': inv['status'],
    'customer': inv['customer_email'],
    'amount_due': inv['amount_due'] / 100,
    'currency': inv['currency'].upper(),
    'created': iso(inv['created']),
    'due': iso(inv['due_date']),
    'lines': [
        {'description': line['description'], 'amount': line['amount'] / 100, 'from': iso(line['period']['start']), 'to': iso(line['period']['end'])}
        for line in inv['lines']['data']
    ],
}
`;

function jsTransform(inv: typeof invoice) {
  const iso = (ts: number | null) => (ts ? new Date(ts * 1000).toISOString().replace('.000Z', '+00:00') : null);
  return {
    number: inv.number,
    status: inv.status,
    customer: inv.customer_email,
    amount_due: inv.amount_due / 100,
    currency: inv.currency.toUpperCase(),
    created: iso(inv.created),
    due: iso(inv.due_date),
    lines: inv.lines.data.map((line) => ({ description: line.description, amount: line.amount / 100, from: iso(line.period.start), to: iso(line.period.end) })),
  };
}

// The pipeline holds the parsed response; "nothing" passes it through as
// the shaping step would without a code block.
async function nothing(): Promise<number> {
  const started = performance.now();
  await Promise.resolve(invoice);
  return performance.now() - started;
}

async function javascript(): Promise<number> {
  const started = performance.now();
  await Promise.resolve(jsTransform(invoice));
  return performance.now() - started;
}

const loadStarted = performance.now();
const loadTimes: number[] = [];
const pool = createSandboxPool({ poolSize: POOL_SIZE, maxRunsPerProcess: 1_000_000 }, {
  onEvent: (event) => {
    if (event.type === 'process_ready') loadTimes.push(event.loadMs);
  },
});
await pool.ready();
const readyMs = performance.now() - loadStarted;

const expected = JSON.stringify(jsTransform(invoice));
async function sandbox(): Promise<number> {
  const started = performance.now();
  const outcome = await pool.runCodeBlock(pythonTransform, { data: invoice });
  const elapsed = performance.now() - started;
  if (!outcome.ok) throw new Error(`sandbox run failed: ${outcome.error.type}: ${outcome.error.message}`);
  if (JSON.stringify(outcome.result) !== expected) throw new Error(`Python and JavaScript disagree:\n${JSON.stringify(outcome.result)}\n${expected}`);
  return elapsed;
}

for (let i = 0; i < WARMUP; i++) {
  await nothing();
  await javascript();
  await sandbox();
}
const samples = { nothing: [] as number[], javascript: [] as number[], sandbox: [] as number[] };
for (let i = 0; i < ITERATIONS; i++) {
  samples.nothing.push(await nothing());
  samples.javascript.push(await javascript());
  samples.sandbox.push(await sandbox());
}

// Saturated: CONCURRENCY callers, each starting its next run when the last ends.
const saturatedLatencies: number[] = [];
let issued = 0;
const saturatedStarted = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (issued < SATURATED_RUNS) {
    issued += 1;
    saturatedLatencies.push(await sandbox());
  }
}));
const saturatedSeconds = (performance.now() - saturatedStarted) / 1000;
const stats = pool.stats();
await pool.close();

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const fmt = (ms: number) => `${ms.toFixed(3).padStart(8)} ms`;
const row = (name: string, values: number[]) => console.log(`${name.padEnd(28)} p50 ${fmt(percentile(values, 50))}   p99 ${fmt(percentile(values, 99))}`);

console.log(`code block overhead: ${ITERATIONS} runs each (after ${WARMUP} warm-up), invoice with ${invoice.lines.data.length} lines, Node ${process.version}`);
console.log(`pool of ${POOL_SIZE} ready in ${readyMs.toFixed(0)} ms (per process: ${loadTimes.map((t) => t.toFixed(0)).join(', ')} ms)`);
row('nothing (pass-through)', samples.nothing);
row('same transform in JS', samples.javascript);
row('Python code block', samples.sandbox);
const added = percentile(samples.sandbox, 50) - percentile(samples.nothing, 50);
console.log(`added by the sandbox at p50: ${added.toFixed(3)} ms (target < 5 ms): ${added < 5 ? 'met' : 'MISSED'}`);
console.log(`ratio Python / JS at p50: ${(percentile(samples.sandbox, 50) / percentile(samples.javascript, 50)).toFixed(0)}x`);
console.log(`saturated (pool ${POOL_SIZE}, ${CONCURRENCY} in flight, ${SATURATED_RUNS} runs): ${(SATURATED_RUNS / saturatedSeconds).toFixed(0)} executions/s, ` +
  `latency p50 ${fmt(percentile(saturatedLatencies, 50)).trim()}, p99 ${fmt(percentile(saturatedLatencies, 99)).trim()}`);
console.log(`processes retired during the bench: ${JSON.stringify(stats.retired)}`);
