// Whose session the widget may resume: a stored session is reused only by a
// boot for the same person (the JWT's user_id, a claimed user_id, or a visitor).
import { describe, expect, it } from 'vitest';
import { userKeyOf } from '../../../client/widget/session-store.ts';

const jwtWith = (payload: Record<string, unknown>) =>
  ['{"alg":"HS256"}', JSON.stringify(payload)].map((part) => Buffer.from(part).toString('base64url')).join('.') + '.c2lnbmF0dXJl';

describe('userKeyOf', () => {
  it('reads the user_id a JWT claims (base64url, without padding)', () => {
    expect(userKeyOf({ workspace_id: 1, user_jwt: jwtWith({ user_id: 'u_1001', name: 'Ŝtefan ~?>' }) })).toBe('v:u_1001');
    expect(userKeyOf({ workspace_id: 1, user_jwt: jwtWith({ user_id: 42 }) })).toBe('v:42');
  });

  it('never lets a session that only claimed a user_id pass for one booted with a token', () => {
    expect(userKeyOf({ workspace_id: 1, user_id: 'u_1001' })).toBe('u:u_1001');
    expect(userKeyOf({ workspace_id: 1, user_id: 'u_1001' })).not.toBe(userKeyOf({ workspace_id: 1, user_jwt: jwtWith({ user_id: 'u_1001' }) }));
    expect(userKeyOf({ workspace_id: 1, user_id: 'u_1002' })).not.toBe(userKeyOf({ workspace_id: 1, user_id: 'u_1001' }));
  });

  it('keys an unreadable token by its signature end, and a visitor as anon', () => {
    expect(userKeyOf({ workspace_id: 1, user_jwt: 'not-a-jwt-at-all' })).toBe('jwt:not-a-jwt-at-all');
    expect(userKeyOf({ workspace_id: 1 })).toBe('anon');
  });
});
