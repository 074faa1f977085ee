import { z } from 'zod';
import type { Db } from '../db/client.ts';
import type { ApiToken } from '../db/generated/sqlite/client.ts';
import { parseId } from '../connectors/load-connector.ts';
import { notFound } from '../http/app-error.ts';
import { createApiToken } from './api-tokens.ts';
import type { Principal } from './principal.ts';

// API tokens as admins manage them over /api/api_tokens. The token itself is
// shown once, in the answer to its creation; lists show its first characters.
export const createApiTokenSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
});

export function apiTokenView(token: ApiToken) {
  return {
    type: 'api_token' as const,
    id: String(token.id),
    name: token.name,
    prefix: token.prefix,
    created_by_admin_id: token.createdByAdminId === null ? null : String(token.createdByAdminId),
    created_at: token.createdAt.toISOString(),
    last_used_at: token.lastUsedAt?.toISOString() ?? null,
    revoked: token.revokedAt !== null,
    revoked_at: token.revokedAt?.toISOString() ?? null,
  };
}

export async function listApiTokens(db: Db, principal: Pick<Principal, 'workspaceId'>) {
  const tokens = await db.apiToken.findMany({ where: { workspaceId: principal.workspaceId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  return { type: 'list' as const, data: tokens.map(apiTokenView) };
}

export async function issueApiToken(db: Db, principal: Pick<Principal, 'workspaceId' | 'adminId'>, input: z.output<typeof createApiTokenSchema>) {
  const { record, token } = await createApiToken(db, { workspaceId: principal.workspaceId, name: input.name, createdByAdminId: principal.adminId });
  return { ...apiTokenView(record), token };
}

const tokenNotFound = () => notFound('api_token_not_found', 'API token not found');

// Revoking is final and idempotent: the row stays so lists show what was revoked and when.
export async function revokeApiToken(db: Db, principal: Pick<Principal, 'workspaceId'>, id: string, now: Date) {
  const numericId = parseId(id);
  if (numericId === null) throw tokenNotFound();
  const where = { id: numericId, workspaceId: principal.workspaceId };
  return db.$transaction(async (tx) => {
    await tx.apiToken.updateMany({ where: { ...where, revokedAt: null }, data: { revokedAt: now } });
    const token = await tx.apiToken.findFirst({ where });
    if (!token) throw tokenNotFound();
    return apiTokenView(token);
  });
}
