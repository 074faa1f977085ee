// The workspace's teammates, for the assign picker.
import type { AdminRole, Principal } from '../identity/principal.ts';
import type { InboxDeps } from './inbox-deps.ts';

export interface AdminJson {
  type: 'admin';
  id: string;
  name: string;
  email: string;
  role: AdminRole;
}

export async function listAdmins(deps: Pick<InboxDeps, 'db'>, principal: Principal): Promise<{ type: 'admin.list'; data: AdminJson[] }> {
  const admins = await deps.db.admin.findMany({ where: { workspaceId: principal.workspaceId }, orderBy: [{ name: 'asc' }, { id: 'asc' }], select: { id: true, name: true, email: true, role: true } });
  return { type: 'admin.list', data: admins.map((a) => ({ type: 'admin', id: String(a.id), name: a.name, email: a.email, role: a.role })) };
}
