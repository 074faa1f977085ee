import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCodeBlockError } from '../../../server/sandbox/code-block-result.ts';
import type { SandboxPool } from '../../../server/sandbox/sandbox-pool.ts';
import { settled, SLOW_MS, startTestPool } from './sandbox-test-pool.ts';

// Transforms, conditions and errors as admins meet them. One pool for the
// file; none of these runs may retire a process (checked at the end).
let pool: SandboxPool;

beforeAll(async () => {
  pool = startTestPool({ poolSize: 2 }).pool;
  await pool.ready();
}, SLOW_MS);

afterAll(async () => {
  await pool?.close();
});

const invoice = {
  id: 'in_1NqXyz', object: 'invoice', created: 1_700_000_000, due_date: 1_702_592_000, amount_due: 129_900, currency: 'eur',
  customer_email: 'ada@example.test', status: 'open',
  lines: { data: [{ description: 'Pro plan × 12 seats', amount: 120_000 }, { description: 'Tax', amount: 9_900 }] },
};

describe('transforms', () => {
  it('converts timestamps to ISO dates with datetime and timezone, and trims fields', async () => {
    const code = `
from datetime import datetime, timezone
invoice = inputs['data']
def iso(ts):
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat()
return {
    'id': invoice['id'],
    'created': iso(invoice['created']),
    'due': iso(invoice['due_date']),
    'amount': invoice['amount_due'] / 100,
    'lines': [line['description'] for line in invoice['lines']['data']],
}`;
    const outcome = await pool.runCodeBlock(code, { data: invoice });
    expect(outcome).toEqual({
      ok: true,
      result: { id: 'in_1NqXyz', created: '2023-11-14T22:13:20+00:00', due: '2023-12-14T22:13:20+00:00', amount: 1299, lines: ['Pro plan × 12 seats', 'Tax'] },
      debugOutput: '',
      durationMs: expect.any(Number),
    });
  });

  it('uses math, json, re, decimal, random and time', async () => {
    const code = `
import math, json, re, random, time
from decimal import Decimal, ROUND_HALF_UP
parsed = json.loads(inputs['data']['raw'])
return {
    'sqrt': math.sqrt(parsed['n']),
    'digits': re.findall(r'\\d+', inputs['data']['text']),
    'total': str((Decimal('19.99') * 3).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)),
    'dump': json.dumps({'b': 1, 'a': 2}, sort_keys=True),
    'die': 1 <= random.randint(1, 6) <= 6,
    'year': time.strftime('%Y', time.gmtime(0)),
}`;
    const outcome = await pool.runCodeBlock(code, { data: { raw: '{"n": 16}', text: 'order 42 of 7' } });
    expect(outcome).toMatchObject({ ok: true, result: { sqrt: 4, digits: ['42', '7'], total: '60.0', dump: '{"a": 2, "b": 1}', die: true, year: '1970' } });
  });

  it('parses dates with strptime (datetime imports its helper lazily)', async () => {
    const outcome = await pool.runCodeBlock("from datetime import datetime\nreturn datetime.strptime(inputs['data'], '%d/%m/%Y').date().isoformat()", { data: '24/11/2026' });
    expect(outcome).toMatchObject({ ok: true, result: '2026-11-24' });
  });

  it('reads data as a dict, a list or a string, and returns any JSON value', async () => {
    expect(await pool.runCodeBlock("return inputs['data'][-1]", { data: [1, 2, 3] })).toMatchObject({ ok: true, result: 3 });
    expect(await pool.runCodeBlock("return inputs['data'].upper()", { data: '<ok/>' })).toMatchObject({ ok: true, result: '<OK/>' });
    expect(await pool.runCodeBlock("return [None, True, 1.5, 'x', {'k': (1, 2)}]", { data: null })).toMatchObject({ ok: true, result: [null, true, 1.5, 'x', { k: [1, 2] }] });
  });

  it('accepts code indented as if inside a function, keeping line numbers', async () => {
    const outcome = await pool.runCodeBlock('    x = 1\n    y = 0\n    return x / y', { data: null });
    expect(outcome).toMatchObject({ ok: false, error: { type: 'ZeroDivisionError', line: 3 } });
    expect(await pool.runCodeBlock('    total = 0\n    for n in inputs["data"]:\n        total += n\n    return total', { data: [1, 2] })).toMatchObject({ ok: true, result: 3 });
  });

  it('keeps print() output apart from the result', async () => {
    const outcome = await pool.runCodeBlock("print('looking at', inputs['data']['id'])\nimport sys as _\nreturn 1", { data: { id: 'x' } });
    expect(outcome).toMatchObject({ ok: false, error: { type: 'ImportError' } });
    const printed = await pool.runCodeBlock("print('looking at', inputs['data']['id'])\nprint({'n': 1})\nreturn inputs['data']['id']", { data: { id: 'cus_1' } });
    expect(printed).toMatchObject({ ok: true, result: 'cus_1', debugOutput: "looking at cus_1\n{'n': 1}\n" });
  });

  it('keeps print() output when the code fails, and never reports it as the result', async () => {
    const outcome = await pool.runCodeBlock("print('before')\nraise ValueError('bad value')", { data: null });
    expect(outcome).toMatchObject({ ok: false, error: { type: 'ValueError', message: 'bad value', line: 2 }, debugOutput: 'before\n' });
  });

  it('caps print() output and says how much was dropped', async () => {
    const outcome = await pool.runCodeBlock("for i in range(2000):\n    print('x' * 99)\nreturn 'done'", { data: null });
    expect(outcome.ok).toBe(true);
    expect(Buffer.byteLength(outcome.debugOutput)).toBeLessThanOrEqual(64 * 1024 + 100);
    expect(outcome.debugOutput).toMatch(/debug output truncated: \d+ more bytes were printed$/);
    expect(outcome).toMatchObject({ result: 'done' });
  });
});

describe('results', () => {
  it('refuses a value that is not JSON-serialisable, saying why', async () => {
    const outcome = await pool.runCodeBlock('return {1, 2}', { data: null });
    expect(outcome).toMatchObject({ ok: false, error: { type: 'TypeError', line: null } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/not JSON-serialisable: Object of type set is not JSON serializable/);
    expect(await pool.runCodeBlock("return float('nan')", { data: null })).toMatchObject({ ok: false, error: { type: 'ValueError' } });
    expect(await pool.runCodeBlock('return b"bytes"', { data: null })).toMatchObject({ ok: false, error: { type: 'TypeError' } });
  });

  it('treats code without any return statement as a mistake, and an empty return as null', async () => {
    const missing = await pool.runCodeBlock("data = inputs['data']\ndata['seen'] = True", { data: {} });
    expect(missing).toMatchObject({ ok: false, error: { type: 'SyntaxError', line: null } });
    if (!missing.ok) expect(missing.error.message).toMatch(/no return statement/);
    expect(await pool.runCodeBlock('return', { data: 1 })).toMatchObject({ ok: true, result: null });
    expect(await pool.runCodeBlock("if inputs['data'] > 5:\n    return 'big'", { data: 1 })).toMatchObject({ ok: true, result: null });
    // a return inside a nested function does not count
    expect(await pool.runCodeBlock('def f():\n    return 1\nx = f()', { data: 1 })).toMatchObject({ ok: false, error: { type: 'SyntaxError' } });
  });
});

describe('errors', () => {
  it('reports the exception type, message and line in the admin\'s own code', async () => {
    const outcome = await pool.runCodeBlock("total = 10\ncount = inputs['data']['count']\nreturn total / count", { data: { count: 0 } });
    expect(outcome).toMatchObject({ ok: false, error: { type: 'ZeroDivisionError', message: 'division by zero', line: 3 } });
    if (!outcome.ok) expect(formatCodeBlockError(outcome.error)).toBe('ZeroDivisionError: division by zero (line 3)');
  });

  it('points at the innermost line of the admin\'s code, not at library code', async () => {
    const nested = await pool.runCodeBlock("def pick(d):\n    return d['missing']\n\nreturn pick(inputs['data'])", { data: {} });
    expect(nested).toMatchObject({ ok: false, error: { type: 'KeyError', message: "'missing'", line: 2 } });
    const library = await pool.runCodeBlock("import json\n\nreturn json.loads(inputs['data'])", { data: '{not json' });
    expect(library).toMatchObject({ ok: false, error: { type: 'JSONDecodeError', line: 3 } });
    const custom = await pool.runCodeBlock("class Refund(Exception):\n    pass\nraise Refund('no refunds after 30 days')", { data: null });
    expect(custom).toMatchObject({ ok: false, error: { type: 'Refund', message: 'no refunds after 30 days', line: 3 } });
  });

  it('reports syntax errors with their line', async () => {
    expect(await pool.runCodeBlock("x = 1\ny = (x +\nreturn y", { data: null })).toMatchObject({ ok: false, error: { type: 'SyntaxError', line: 2 } });
    expect(await pool.runCodeBlock('x = 1\n  y = 2\nreturn x', { data: null })).toMatchObject({ ok: false, error: { type: 'IndentationError', line: 2 } });
  });

  it('refuses code over the size limit without running it', async () => {
    const outcome = await pool.runCodeBlock(`return 1\n${'#'.repeat(70_000)}`, { data: null });
    expect(outcome).toMatchObject({ ok: false, error: { type: 'ValueError', line: null } });
    if (!outcome.ok) expect(outcome.error.message).toMatch(/over the limit of 65536 bytes/);
  });
});

describe('imports', () => {
  it.each(['os', 'socket', 'subprocess', 'sys', 'importlib', 'builtins', 'io', 'pathlib', 'shutil', 'ctypes', 'gc', 'inspect', 'pickle', 'threading', 'asyncio'])(
    'refuses import %s, naming the allow-list',
    async (name) => {
      const outcome = await pool.runCodeBlock(`import ${name}\nreturn 1`, { data: null });
      expect(outcome).toMatchObject({
        ok: false,
        error: { type: 'ImportError', message: `import of '${name}' is not allowed in code blocks; allowed modules: datetime, decimal, json, math, random, re, time`, line: 1 },
      });
    },
  );

  it('refuses from-imports and __import__ the same way, and allows the allow-listed ones', async () => {
    expect(await pool.runCodeBlock('from os import environ\nreturn 1', { data: null })).toMatchObject({ ok: false, error: { type: 'ImportError' } });
    expect(await pool.runCodeBlock("return __import__('os').getcwd()", { data: null })).toMatchObject({ ok: false, error: { type: 'ImportError' } });
    expect(await pool.runCodeBlock('from . import x\nreturn 1', { data: null })).toMatchObject({ ok: false, error: { type: 'ImportError' } });
    const allowed = await pool.runCodeBlock('from datetime import timezone, timedelta\nimport json.decoder\nreturn str(timezone(timedelta(hours=2)))', { data: null });
    expect(allowed).toMatchObject({ ok: true, result: 'UTC+02:00' });
  });
});

describe('conditions', () => {
  const inputs = { data: null, temporary: { order_total: 120 }, user: { plan: 'pro', email: 'ada@example.test' }, conversation: { id: 7 }, company: { name: 'Acme' } };

  it('evaluates one expression over the inputs to True or False', async () => {
    expect(await pool.evaluateCondition("inputs['user']['plan'] == 'pro' and inputs['temporary']['order_total'] > 100", inputs)).toMatchObject({ ok: true, result: true });
    expect(await pool.evaluateCondition("inputs['company']['name'].startswith('Z')", inputs)).toMatchObject({ ok: true, result: false });
    expect(await pool.evaluateCondition("__import__('re').search(r'@example\\.test$', inputs['user']['email']) is not None", inputs)).toMatchObject({ ok: true, result: true });
  });

  it('refuses a value that is not a boolean', async () => {
    const outcome = await pool.evaluateCondition("inputs['temporary']['order_total']", inputs);
    expect(outcome).toMatchObject({ ok: false, error: { type: 'TypeError', message: 'a condition must evaluate to True or False, not int (120)', line: 1 } });
    expect(await pool.evaluateCondition("inputs['user']", inputs)).toMatchObject({ ok: false, error: { type: 'TypeError' } });
  });

  it('refuses a statement, explaining that a condition is one expression', async () => {
    for (const statement of ["x = inputs['user']", "import os", "return True", "if True: pass"]) {
      const outcome = await pool.evaluateCondition(statement, inputs);
      expect(outcome).toMatchObject({ ok: false, error: { type: 'SyntaxError', line: 1 } });
      if (!outcome.ok) expect(outcome.error.message).toMatch(/single Python expression/);
    }
    expect(await pool.evaluateCondition("inputs['user'] ==", inputs)).toMatchObject({ ok: false, error: { type: 'SyntaxError' } });
  });

  it('reports errors inside the expression', async () => {
    expect(await pool.evaluateCondition("inputs['nope'] == 1", inputs)).toMatchObject({ ok: false, error: { type: 'KeyError', message: "'nope'", line: 1 } });
  });
});

describe('the pool after all of the above', () => {
  it('retired no process: ordinary code never looks like tampering', async () => {
    await settled(pool);
    const stats = pool.stats();
    expect(stats.retired).toEqual({ max_runs: 0, tainted: 0, memory: 0, broken: 0, timeout: 0, crashed: 0 });
    expect(stats.runs.total).toBeGreaterThan(40);
    expect(stats.processes.idle).toBe(2);
  });
});
