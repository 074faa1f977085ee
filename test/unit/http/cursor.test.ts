import { describe, expect, it } from 'vitest';
import { AppError } from '../../../server/http/app-error.ts';
import { decodeCursor, encodeCursor } from '../../../server/http/cursor.ts';

describe('cursors', () => {
  it('round-trips a millisecond timestamp and id', () => {
    const at = new Date('2026-02-10T18:15:32.123Z');
    expect(decodeCursor(encodeCursor(at, 99001))).toEqual({ at, id: 99001 });
  });

  it('reads cursors in the reference format', () => {
    // From the reference's example: [1707594715.0, 12345]
    expect(decodeCursor('WzE3MDc1OTQ3MTUuMCwxMjM0NV0=')).toEqual({ at: new Date(1707594715000), id: 12345 });
  });

  it.each(['', 'bm9wZQ==', Buffer.from('[1,"x"]').toString('base64'), Buffer.from('{"a":1}').toString('base64')])('rejects %j with client_error', (value) => {
    try {
      decodeCursor(value);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(400);
      expect((error as AppError).code).toBe('client_error');
    }
  });
});
