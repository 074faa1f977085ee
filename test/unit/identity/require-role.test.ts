import { describe, expect, it } from 'vitest';
import { AppError } from '../../../server/http/app-error.ts';
import type { Principal } from '../../../server/identity/principal.ts';
import { requireRole, roleAllows } from '../../../server/identity/require-role.ts';

const principal = (role: Principal['role']): Principal => ({ workspaceId: 1, adminId: 2, role, via: 'session', tokenId: null, sessionId: 'x' });

function run(role: Principal['role'] | null, required: Principal['role']) {
  let called = false;
  try {
    requireRole(required)({} as never, { locals: role ? { principal: principal(role) } : {} } as never, () => {
      called = true;
    });
  } catch (error) {
    return error as AppError;
  }
  return called;
}

describe('requireRole', () => {
  it('lets admins do everything and agents what agents may', () => {
    expect(run('admin', 'admin')).toBe(true);
    expect(run('admin', 'agent')).toBe(true);
    expect(run('agent', 'agent')).toBe(true);
  });

  it('refuses an agent where admin is required with 403 forbidden naming the role', () => {
    const error = run('agent', 'admin') as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.status).toBe(403);
    expect(error.errors).toEqual([{ code: 'forbidden', message: 'This needs the admin role; you have the agent role' }]);
  });

  it('refuses an unauthenticated request with 401 (mounted before authentication by mistake)', () => {
    expect((run(null, 'agent') as AppError).status).toBe(401);
  });

  it('roleAllows', () => {
    expect(roleAllows('agent', 'admin')).toBe(false);
    expect(roleAllows('admin', 'agent')).toBe(true);
  });
});
