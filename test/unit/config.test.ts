import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '0.0.0.0', demoData: true, logLevel: 'info' });
    expect(config.databaseUrl).toBe(`file:${path.resolve('data/patchbay.db')}`);
  });

  it('reads overrides', () => {
    const config = loadConfig({ PORT: '4000', PATCHBAY_DATA_DIR: '/tmp/pb', PATCHBAY_DEMO_DATA: 'false', DATABASE_URL: 'postgresql://localhost/pb' });
    expect(config).toMatchObject({ port: 4000, dataDir: '/tmp/pb', demoData: false, databaseUrl: 'postgresql://localhost/pb' });
  });

  it('names every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud', PATCHBAY_DEMO_DATA: 'perhaps' })).toThrow(/PORT: must be a number[\s\S]*PATCHBAY_DEMO_DATA[\s\S]*LOG_LEVEL/);
  });
});

describe('PATCHBAY_ALLOWED_PRIVATE_TARGETS', () => {
  it('is empty by default and parsed into entries when set', () => {
    expect(loadConfig({}).allowedPrivateTargets.entries).toHaveLength(0);
    const entries = loadConfig({ PATCHBAY_ALLOWED_PRIVATE_TARGETS: '127.0.0.1:4000, 10.0.0.0/8,billing.internal' }).allowedPrivateTargets.entries;
    expect(entries.map((e) => e.kind)).toEqual(['host', 'network', 'host']);
  });

  it('names the bad entry', () => {
    expect(() => loadConfig({ PATCHBAY_ALLOWED_PRIVATE_TARGETS: '127.0.0.1,http://x.test' })).toThrow(/PATCHBAY_ALLOWED_PRIVATE_TARGETS entry "http:\/\/x.test" is a URL/);
  });
});

describe('PATCHBAY_SANDBOX_*', () => {
  it('resolves the sandbox options at load, or none when the pool size is 0', () => {
    expect(loadConfig({ PATCHBAY_SANDBOX_MODULES: 'json, math' }).sandbox).toMatchObject({ poolSize: 2, timeoutMs: 2000, allowedModules: ['json', 'math'] });
    expect(loadConfig({ PATCHBAY_SANDBOX_POOL_SIZE: '0' }).sandbox).toBeNull();
  });

  it('refuses a module that code blocks may not import before anything starts', () => {
    expect(() => loadConfig({ PATCHBAY_SANDBOX_MODULES: 'json,os' })).toThrow(/Invalid configuration:[\s\S]*allowedModules: os cannot be allowed/);
  });
});

describe('REDIS_URL', () => {
  it('is off by default and read when set', () => {
    expect(loadConfig({}).redisUrl).toBeUndefined();
    expect(loadConfig({ REDIS_URL: '' }).redisUrl).toBeUndefined();
    expect(loadConfig({ REDIS_URL: 'rediss://patchbay:pw@redis.internal:6380/2' }).redisUrl).toBe('rediss://patchbay:pw@redis.internal:6380/2');
  });

  it('names the variable and the expected form, without echoing the value', () => {
    let message = '';
    try {
      loadConfig({ REDIS_URL: 'http://user:s3cret@redis.internal:6379' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(message).not.toMatch(/s3cret/);
  });
});
