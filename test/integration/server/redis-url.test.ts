// With REDIS_URL set, a process that cannot reach Redis refuses to start: it
// would miss every live update published by the other processes. (The working
// path needs Redis and runs in the scale suite, test/scale/realtime-fan-out.test.ts.)
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { startServer } from '../../../server/start-server.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-redis-url-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

// A port that was just free: connections to it are refused.
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('starting with REDIS_URL', () => {
  it('fails when Redis cannot be reached, naming REDIS_URL without its password', async () => {
    const port = await closedPort();
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', PATCHBAY_DATA_DIR: dataDir, PATCHBAY_DEMO_DATA: 'false', PATCHBAY_SANDBOX_POOL_SIZE: '0', REDIS_URL: `redis://patchbay:s3cret@127.0.0.1:${port}/1` });
    const error = await startServer(config, createLogger('silent')).then(() => null, (e: Error) => e);
    expect(error?.message).toMatch(new RegExp(`^Could not connect to Redis at REDIS_URL \\(redis://patchbay:\\*\\*\\*@127\\.0\\.0\\.1:${port}/1\\): .*ECONNREFUSED`));
    expect(error?.message).not.toMatch(/s3cret/);
  });
});
