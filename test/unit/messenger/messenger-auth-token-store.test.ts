// The in-memory store of the auth tokens messengers pass at boot: it forgets
// expired sessions, and stays within its byte budget however many boots come.
import { describe, expect, it } from 'vitest';
import { MessengerAuthTokenStore } from '../../../server/messenger/messenger-auth-tokens.ts';

const now = new Date('2026-11-24T10:00:00Z');
const later = new Date(now.getTime() + 60 * 60 * 1000);

describe('MessengerAuthTokenStore', () => {
  it('drops the oldest sessions once the tokens exceed the byte budget', () => {
    // Each entry: name "t" (1) + value (99) = 100 bytes; room for three.
    const store = new MessengerAuthTokenStore({ maxBytes: 300 });
    for (const id of ['s1', 's2', 's3', 's4']) store.set(id, { t: id.padEnd(99, 'x') }, later, now);
    expect(store.size).toBe(3);
    expect(store.get('s1', now)).toBeUndefined();
    expect(store.get('s4', now)).toEqual({ t: 's4'.padEnd(99, 'x') });
    expect(store.get('s2', now)).toBeDefined();
  });

  it('counts a session booted again once, and frees what delete and expiry remove', () => {
    const store = new MessengerAuthTokenStore({ maxBytes: 200 });
    store.set('a', { t: 'a'.repeat(99) }, later, now);
    store.set('a', { t: 'b'.repeat(99) }, later, now);
    store.set('b', { t: 'c'.repeat(99) }, later, now);
    // Replacing a's tokens did not count them twice, so both still fit.
    expect(store.get('a', now)).toEqual({ t: 'b'.repeat(99) });
    expect(store.get('b', now)).toBeDefined();
    store.delete('a');
    expect(store.get('b', later)).toBeUndefined();
    store.set('c', { t: 'd'.repeat(99) }, later, now);
    store.set('d', { t: 'e'.repeat(99) }, later, now);
    expect(store.size).toBe(2);
    expect(store.get('c', now)).toBeDefined();
  });

  it('keeps nothing for a boot without tokens, and forgets a session booted again without them', () => {
    const store = new MessengerAuthTokenStore();
    store.set('a', { t: 'value' }, later, now);
    store.set('a', {}, later, now);
    expect(store.get('a', now)).toBeUndefined();
    expect(store.size).toBe(0);
  });
});
