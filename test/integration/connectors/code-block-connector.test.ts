// Code-block connectors through the whole pipeline with a real Pyodide sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConnector } from '../../../server/connectors/pipeline/run-connector.ts';
import { codeBlockRunner } from '../../../server/sandbox/code-block-runner.ts';
import type { SandboxPool } from '../../../server/sandbox/sandbox-pool.ts';
import { SLOW_MS, startTestPool } from '../sandbox/sandbox-test-pool.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';
import { startUpstream, type Upstream } from '../../support/upstream.ts';

let app: TestApp;
let upstream: Upstream;
let pool: SandboxPool;
beforeAll(async () => {
  pool = startTestPool({ poolSize: 1 }).pool;
  app = await startTestApp({ runCodeBlock: codeBlockRunner(pool) });
  upstream = await startUpstream();
  await pool.ready();
}, SLOW_MS);
afterAll(async () => {
  await upstream?.close();
  await app?.close();
  await pool?.close();
});

async function codeConnector(code: string): Promise<number> {
  const created = await app.call('POST', '/data_connectors', { body: { name: `Code ${Math.random()}`, http_method: 'get', url: `${upstream.url}/invoice`, data_transformation_type: 'code_block_transformation', code_block: code } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await app.call('PATCH', '/data_connectors/{id}', { params: { id: created.body.id }, body: { state: 'live', security_acknowledgement: true } });
  return Number(created.body.id);
}
const run = (connectorId: number) => runConnector(app.deps, { workspaceId: app.workspaceId, connectorId, version: 'live', source: { type: 'workflow', id: '1' } });
const stored = (id: string | null) => app.db.executionResult.findUniqueOrThrow({ where: { id: Number(id) } });

describe('code-block connectors', () => {
  it('gives the caller only what the code returns, and keeps prints as debug output', async () => {
    upstream.handle(() => ({ body: { id: 'in_1', amount_due: 1250, created: 1700000000, lines: [1, 2, 3] } }));
    const id = await codeConnector(
      "import datetime\nd = inputs['data']\nprint('seen', d['id'])\nreturn {'due': d['amount_due'] / 100, 'created': datetime.datetime.fromtimestamp(d['created'], datetime.timezone.utc).isoformat()}",
    );
    const outcome = await run(id);
    expect(outcome).toMatchObject({ success: true, data: { due: 12.5, created: '2023-11-14T22:13:20+00:00' }, debugOutput: 'seen in_1\n' });
    const row = await stored(outcome.executionResultId);
    expect(JSON.parse(row.responseBody!)).toEqual({ due: 12.5, created: '2023-11-14T22:13:20+00:00' });
    expect(row.debugOutput).toBe('seen in_1\n');
  });

  it('reports a Python error with its type, message and line in the admin code as response_mapping_error', async () => {
    upstream.handle(() => ({ body: { total: 0 } }));
    const id = await codeConnector("t = inputs['data']['total']\nprint('before')\nreturn 10 / t");
    const outcome = await run(id);
    expect(outcome).toMatchObject({ success: false, errorType: 'response_mapping_error', errorMessage: expect.stringMatching(/ZeroDivisionError.*line 3/) });
    expect((await stored(outcome.executionResultId)).debugOutput).toBe('before\n');
  });

  it('skips the code block for a response that is not JSON, and says why', async () => {
    upstream.handle(() => ({ body: 'plain text, not JSON' }));
    const outcome = await run(await codeConnector("return inputs['data']"));
    expect(outcome).toMatchObject({ success: false, errorType: 'response_mapping_error', errorMessage: 'code block skipped: the response is not JSON' });
  });
});
