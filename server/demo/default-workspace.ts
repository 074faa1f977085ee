import type { Db } from '../db/client.ts';

// Patchbay serves one workspace per installation for now; commands that act
// "on the workspace" use the first one, creating it on a fresh database.
export async function ensureDefaultWorkspace(db: Db, name = 'My workspace') {
  const existing = await db.workspace.findFirst({ orderBy: { id: 'asc' } });
  return existing ?? db.workspace.create({ data: { name } });
}
