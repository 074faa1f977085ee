import type { RequestHandler } from 'express';
import { principalOf } from '../http/api-middleware.ts';
import { AppError } from '../http/app-error.ts';
import type { AdminRole } from './principal.ts';

// Admins configure, agents work the inbox. Put this in front of every route
// that creates, edits, deletes, publishes or tests configuration (connectors,
// auth tokens, API tokens, audiences, security settings); reads and running
// connectors stay open to agents.
// Typed loosely on purpose: it reads no params, so the route's own handler keeps
// its typed req.params.
export function requireRole(role: AdminRole): RequestHandler<any> {
  return (_req, res, next) => {
    const principal = principalOf(res);
    if (!principal) throw new AppError(401, { code: 'unauthorized', message: 'Access Token Invalid' });
    if (!roleAllows(principal.role, role)) {
      throw new AppError(403, { code: 'forbidden', message: `This needs the ${role} role; you have the ${principal.role} role` });
    }
    next();
  };
}

// admin can do everything agent can.
export const roleAllows = (actual: AdminRole, required: AdminRole) => actual === 'admin' || actual === required;
