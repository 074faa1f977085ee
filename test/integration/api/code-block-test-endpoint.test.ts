import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlockRunner } from '../../../server/sandbox/code-block-runner.ts';
import type { SandboxPool } from '../../../server/sandbox/sandbox-pool.ts';
import { SLOW_MS, startTestPool } from '../sandbox/sandbox-test-pool.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

let app: TestApp;
let pool: SandboxPool;
let connectorId: string;
beforeAll(async () => {
  pool = startTestPool({ poolSize: 1 }).pool;
  app = await startTestApp({ runCodeBlock: codeBlockRunner(pool) });
  const created = await app.call('POST', '/data_connectors', {
    body: { name: 'Invoice', http_method: 'get', url: 'https://billing.example.com/invoice', data_transformation_type: 'code_block_transformation', code_block: "return {'due': inputs['data']['amount_due'] / 100}", mock_response: { amount_due: 1250 } },
  });
  connectorId = created.body.id;
  await pool.ready();
}, SLOW_MS);
afterAll(async () => {
  await app?.close();
  await pool?.close();
});

const testCode = (body: unknown) => app.call('POST', '/data_connectors/{id}/code/test', { params: { id: connectorId }, body });

describe('POST /data_connectors/{id}/code/test', () => {
  it("runs the draft's code against its example response by default", async () => {
    const res = await testCode({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, result: { due: 12.5 }, error: null, debug_output: '' });
  });

  it('runs given code against given data and reports prints and the error line', async () => {
    const res = await testCode({ code: "t = inputs['data']['total']\nprint('before')\nreturn 10 / t", data: { total: 0 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: false, result: null, debug_output: 'before\n' });
    expect(res.body.error).toMatch(/^ZeroDivisionError: .*\(line 3\)$/);
  });

  it('refuses bad bodies naming the field, a connector without data, and unknown connectors', async () => {
    expect((await testCode({ code: 42 })).body.errors[0]).toMatchObject({ field: 'code' });
    expect((await testCode({ script: 'x' })).status).toBe(422);
    const noData = await app.call('POST', '/data_connectors', { body: { name: 'No example', http_method: 'get', code_block: 'return 1' } });
    const res = await app.call('POST', '/data_connectors/{id}/code/test', { params: { id: noData.body.id }, body: {} });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ field: 'data' });
    expect((await app.call('POST', '/data_connectors/{id}/code/test', { params: { id: '999999' }, body: {} })).status).toBe(404);
  });
});

describe('GET /data_connectors/{id}/code/suggestions', () => {
  it("suggests code for the draft's example response, and nothing without one", async () => {
    await app.call('PATCH', '/data_connectors/{id}', { params: { id: connectorId }, body: { mock_response: { id: 'in_1', created: 1_700_000_000, amount_due: 1250 } } });
    const res = await app.call('GET', '/data_connectors/{id}/code/suggestions', { params: { id: connectorId } });
    expect(res.status).toBe(200);
    expect(res.body.based_on).toBe('example_response');
    expect(res.body.data.map((s: { kind: string }) => s.kind)).toEqual(['convert_timestamps']);
    const suggested = await testCode({ code: res.body.data[0].code });
    expect(suggested.body).toMatchObject({ success: true, result: { id: 'in_1', created: '2023-11-14T22:13:20+00:00', amount_due: 1250 } });

    const bare = await app.call('POST', '/data_connectors', { body: { name: 'Bare', http_method: 'get' } });
    const none = await app.call('GET', '/data_connectors/{id}/code/suggestions', { params: { id: bare.body.id } });
    expect(none.body).toEqual({ type: 'list', based_on: null, data: [] });
  });
});
