import type { Db } from '../db/client.ts';
import type { ApiToken } from '../db/generated/sqlite/client.ts';
import { hashToken, MAX_TOKEN_LENGTH, newOpaqueToken } from './opaque-token.ts';
import type { AdminRole } from './principal.ts';

const TOKEN_PREFIX = 'pb_';
const SHOWN_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;

export interface CreatedApiToken {
  record: ApiToken;
  // The token itself: shown once, never stored.
  token: string;
}

export async function createApiToken(db: Db, input: { workspaceId: number; name: string; createdByAdminId?: number | null }): Promise<CreatedApiToken> {
  const token = newOpaqueToken(TOKEN_PREFIX);
  const record = await db.apiToken.create({
    data: {
      workspaceId: input.workspaceId,
      name: input.name,
      prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
      tokenHash: hashToken(token),
      createdByAdminId: input.createdByAdminId ?? null,
    },
  });
  return { record, token };
}

export interface ApiPrincipal {
  tokenId: number;
  workspaceId: number;
  adminId: number | null;
  // The creating admin's current role; tokens created from the command line
  // belong to no admin and act as admin.
  role: AdminRole;
}

const LAST_USED_RESOLUTION_MS = 60_000;

export async function authenticateApiToken(db: Db, token: string, now = new Date()): Promise<ApiPrincipal | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > MAX_TOKEN_LENGTH) return null;
  const record = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { createdByAdmin: { select: { role: true } } } });
  if (!record || record.revokedAt) return null;
  // Recording every use would turn each read into a write; a minute is precise enough.
  if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiToken.update({ where: { id: record.id }, data: { lastUsedAt: now } });
  }
  return { tokenId: record.id, workspaceId: record.workspaceId, adminId: record.createdByAdminId, role: record.createdByAdmin?.role ?? 'admin' };
}
