import { describe, expect, it } from 'vitest';
import { redactRedisUrl } from '../../../server/realtime/redis-adapter.ts';

describe('redactRedisUrl', () => {
  it('hides the password and keeps what locates the server', () => {
    expect(redactRedisUrl('redis://patchbay:s3cret@redis.internal:6380/2')).toBe('redis://patchbay:***@redis.internal:6380/2');
    expect(redactRedisUrl('rediss://:s3cret@redis.internal')).toBe('rediss://:***@redis.internal');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('does not repeat a value it cannot parse', () => {
    expect(redactRedisUrl('not a url with s3cret')).toBe('<invalid REDIS_URL>');
  });
});
