import type { AuthToken, Prisma } from '../../db/generated/sqlite/client.ts';
import { AppError, conflict, notFound } from '../../http/app-error.ts';
import type { Actor, ConnectorDeps } from '../connector-deps.ts';
import { REDACTED_VALUE } from '../connector-version.ts';
import { parseId } from '../load-connector.ts';
import type { CreateAuthTokenInput } from './auth-token-input.ts';

const DEFAULT_PREFIX = { static: 'Bearer ', basic: 'Basic ', http_request: 'Bearer ' } as const;

// Token values are write-only: stored encrypted, shown as "****".
export function authTokenView(token: AuthToken) {
  return {
    type: 'auth_token' as const,
    id: String(token.id),
    name: token.name,
    kind: token.kind,
    header_name: token.headerName,
    prefix: token.prefix,
    value: REDACTED_VALUE,
    created_at: token.createdAt.toISOString(),
    updated_at: token.updatedAt.toISOString(),
  };
}

export async function createAuthToken({ db, secrets }: ConnectorDeps, actor: Actor, input: CreateAuthTokenInput) {
  return db.$transaction(async (tx) => {
    if (await tx.authToken.findFirst({ where: { workspaceId: actor.workspaceId, name: input.name } })) {
      throw new AppError(422, { code: 'parameter_invalid', field: 'name', message: `name: an auth token named "${input.name}" already exists` });
    }
    const token = await tx.authToken.create({
      data: {
        workspaceId: actor.workspaceId,
        name: input.name,
        kind: input.kind,
        valueEncrypted: secrets.encrypt(input.value),
        headerName: input.header_name,
        prefix: input.prefix ?? DEFAULT_PREFIX[input.kind],
        tokenRequest: input.token_request ? (encryptRequestHeaders(input.token_request, secrets.encrypt) as Prisma.InputJsonValue) : undefined,
      },
    });
    return authTokenView(token);
  });
}

// The token endpoint's own headers may carry credentials too.
function encryptRequestHeaders(request: NonNullable<CreateAuthTokenInput['token_request']>, encrypt: (v: string) => string) {
  return { ...request, headers: request.headers.map((h) => ({ name: h.name, valueEncrypted: encrypt(h.value) })) };
}

export async function listAuthTokens({ db }: Pick<ConnectorDeps, 'db'>, actor: Actor) {
  const tokens = await db.authToken.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: { name: 'asc' } });
  return { type: 'list' as const, data: tokens.map(authTokenView) };
}

export async function deleteAuthToken({ db }: Pick<ConnectorDeps, 'db'>, actor: Actor, id: string) {
  return db.$transaction(async (tx) => {
    const numericId = parseId(id);
    const token = numericId === null ? null : await tx.authToken.findFirst({ where: { id: numericId, workspaceId: actor.workspaceId } });
    if (!token) throw notFound('auth_token_not_found', 'Auth token not found');
    const versions = await tx.dataConnectorVersion.findMany({
      where: { dataConnector: { workspaceId: actor.workspaceId } },
      select: { name: true, tokenIds: true },
    });
    const users = versions.filter((v) => Array.isArray(v.tokenIds) && v.tokenIds.includes(String(token.id)));
    if (users.length > 0) {
      throw conflict('auth_token_in_use', `Auth token is used by data connector(s) ${[...new Set(users.map((u) => `"${u.name}"`))].join(', ')}; detach it first`);
    }
    await tx.authToken.delete({ where: { id: token.id } });
    return { id: String(token.id), object: 'auth_token' as const, deleted: true as const };
  });
}
