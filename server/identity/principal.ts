// Who is calling the API. Routes read it with principalOf(res)
// (server/http/api-middleware.ts); it is also an Actor for the domain functions.
export type AdminRole = 'admin' | 'agent';

export const ADMIN_ROLES: readonly AdminRole[] = ['admin', 'agent'];

export interface Principal {
  workspaceId: number;
  // null for API tokens created from the command line, which belong to no admin.
  adminId: number | null;
  // Admins configure (connectors, tokens, audiences, security); agents work the
  // inbox and run connectors. API tokens act with their creator's role, and as
  // admin when they have no creator.
  role: AdminRole;
  via: 'token' | 'session';
  // The API token (via token) or the admin session's id (via session).
  tokenId: number | null;
  sessionId: string | null;
}
