import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '../connectors/connector-deps.ts';
import type { Prisma } from '../db/client.ts';
import type { Workspace } from '../db/generated/sqlite/client.ts';
import { AppError, conflict, notFound } from '../http/app-error.ts';
import { getRejectionCounts, JWT_REJECTION_REASONS, type RejectionCounts } from './jwt-rejections.ts';
import type { MessengerDeps } from './messenger-deps.ts';
import { MESSENGER_JWT_ALGORITHMS } from './verify-messenger-jwt.ts';

export const MIN_JWT_LIFETIME_SECONDS = 60;
export const MAX_JWT_LIFETIME_SECONDS = 7 * 24 * 60 * 60;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

// Keys fetched over plain HTTP could be swapped on the way; only a server on
// the same machine may be reached without TLS.
const jwksUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      if (url.username || url.password || url.hash) return false;
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
    } catch {
      return false;
    }
  }, 'must be an https URL without credentials or fragment (http only for localhost)');

const optionalText = z.string().trim().min(1).max(500).nullable().optional();

export const updateMessengerSecuritySchema = z.strictObject({
  jwks_url: jwksUrlSchema.nullable().optional(),
  algorithm: z.enum(MESSENGER_JWT_ALGORITHMS).optional(),
  issuer: optionalText,
  audience: optionalText,
  identity_verification_enforced: z.boolean().optional(),
  jwt_max_lifetime_seconds: z.number().int().min(MIN_JWT_LIFETIME_SECONDS).max(MAX_JWT_LIFETIME_SECONDS).optional(),
});
export type UpdateMessengerSecurityInput = z.output<typeof updateMessengerSecuritySchema>;

export interface MessengerSecurityView {
  type: 'messenger_security';
  secret_set: boolean;
  previous_secret_set: boolean;
  jwks_url: string | null;
  algorithm: string;
  issuer: string | null;
  audience: string | null;
  identity_verification_enforced: boolean;
  jwt_max_lifetime_seconds: number;
  rejection_counts: Record<string, number>;
}

// Secrets appear only as "is one set?": never their value, not even masked.
export function messengerSecurityView(workspace: Workspace, counts: RejectionCounts = getRejectionCounts(workspace.id)): MessengerSecurityView {
  return {
    type: 'messenger_security',
    secret_set: workspace.messengerSecretEncrypted !== null,
    previous_secret_set: workspace.previousMessengerSecretEncrypted !== null,
    jwks_url: workspace.messengerJwksUrl,
    algorithm: workspace.messengerJwtAlgorithm,
    issuer: workspace.messengerJwtIssuer,
    audience: workspace.messengerJwtAudience,
    identity_verification_enforced: workspace.identityVerificationEnforced,
    jwt_max_lifetime_seconds: workspace.jwtMaxLifetimeSeconds,
    rejection_counts: Object.fromEntries(JWT_REJECTION_REASONS.map((reason) => [reason, counts[reason] ?? 0])),
  };
}

async function workspaceOf(db: Pick<Prisma.TransactionClient, 'workspace'>, actor: Actor): Promise<Workspace> {
  const workspace = await db.workspace.findUnique({ where: { id: actor.workspaceId } });
  if (!workspace) throw notFound('workspace_not_found', 'Workspace not found');
  return workspace;
}

export async function getMessengerSecurity(deps: Pick<MessengerDeps, 'db'>, actor: Actor): Promise<MessengerSecurityView> {
  return messengerSecurityView(await workspaceOf(deps.db, actor));
}

// The settings must stay usable as a whole: an asymmetric algorithm needs a
// JWKS URL, and enforcement needs a way to verify, or every user is locked out.
function checkCoherent(settings: { algorithm: string; jwksUrl: string | null; secretSet: boolean; enforced: boolean }): void {
  if (settings.algorithm !== 'HS256' && !settings.jwksUrl) {
    throw new AppError(422, { code: 'parameter_invalid', field: 'jwks_url', message: `jwks_url: required for the ${settings.algorithm} algorithm` });
  }
  if (settings.enforced && settings.algorithm === 'HS256' && !settings.secretSet) {
    throw new AppError(422, {
      code: 'parameter_invalid',
      field: 'identity_verification_enforced',
      message: 'identity_verification_enforced: create a messenger secret first (POST /messenger_security/rotate_secret)',
    });
  }
}

export async function updateMessengerSecurity(deps: Pick<MessengerDeps, 'db' | 'logger'>, actor: Actor, input: UpdateMessengerSecurityInput): Promise<MessengerSecurityView> {
  const updated = await deps.db.$transaction(async (tx) => {
    const workspace = await workspaceOf(tx, actor);
    const next = {
      algorithm: input.algorithm ?? workspace.messengerJwtAlgorithm,
      jwksUrl: input.jwks_url === undefined ? workspace.messengerJwksUrl : input.jwks_url,
      secretSet: workspace.messengerSecretEncrypted !== null,
      enforced: input.identity_verification_enforced ?? workspace.identityVerificationEnforced,
    };
    checkCoherent(next);
    return tx.workspace.update({
      where: { id: workspace.id },
      data: {
        messengerJwtAlgorithm: next.algorithm,
        messengerJwksUrl: next.jwksUrl,
        identityVerificationEnforced: next.enforced,
        ...(input.issuer !== undefined ? { messengerJwtIssuer: input.issuer } : {}),
        ...(input.audience !== undefined ? { messengerJwtAudience: input.audience } : {}),
        ...(input.jwt_max_lifetime_seconds !== undefined ? { jwtMaxLifetimeSeconds: input.jwt_max_lifetime_seconds } : {}),
      },
    });
  });
  deps.logger.info({ workspaceId: actor.workspaceId, adminId: actor.adminId, changed: Object.keys(input) }, 'messenger security settings updated');
  return messengerSecurityView(updated);
}

export interface SecretRotationView {
  type: 'messenger_secret';
  secret: string;
  previous_secret_valid: boolean;
}

/**
 * Creates a new messenger secret and returns it, the only time it is shown.
 * The current secret (if any) stays valid as the previous one until the
 * rotation is finished, so tokens signed by servers not yet updated still pass.
 */
export async function rotateMessengerSecret(deps: Pick<MessengerDeps, 'db' | 'secrets' | 'logger'>, actor: Actor): Promise<SecretRotationView> {
  // 256 bits; hosts use the hex string's UTF-8 bytes as the HMAC key.
  const secret = randomBytes(32).toString('hex');
  const previousValid = await deps.db.$transaction(async (tx) => {
    const workspace = await workspaceOf(tx, actor);
    // A second rotation would silently drop the oldest secret, which servers
    // may still use; finishing the first one is an explicit decision.
    if (workspace.previousMessengerSecretEncrypted !== null) {
      throw conflict('rotation_in_progress', 'A secret rotation is in progress; finish it (POST /messenger_security/finish_rotation) before rotating again');
    }
    await tx.workspace.update({
      where: { id: workspace.id },
      data: { messengerSecretEncrypted: deps.secrets.encrypt(secret), previousMessengerSecretEncrypted: workspace.messengerSecretEncrypted },
    });
    return workspace.messengerSecretEncrypted !== null;
  });
  deps.logger.info({ workspaceId: actor.workspaceId, adminId: actor.adminId, previousSecretValid: previousValid }, 'messenger secret rotated');
  return { type: 'messenger_secret', secret, previous_secret_valid: previousValid };
}

/** Ends a rotation: tokens signed with the previous secret are refused from now on. */
export async function finishMessengerSecretRotation(deps: Pick<MessengerDeps, 'db' | 'logger'>, actor: Actor): Promise<MessengerSecurityView> {
  const updated = await deps.db.$transaction(async (tx) => {
    const workspace = await workspaceOf(tx, actor);
    if (workspace.previousMessengerSecretEncrypted === null) throw conflict('no_rotation_in_progress', 'No secret rotation is in progress');
    return tx.workspace.update({ where: { id: workspace.id }, data: { previousMessengerSecretEncrypted: null } });
  });
  deps.logger.info({ workspaceId: actor.workspaceId, adminId: actor.adminId }, 'messenger secret rotation finished');
  return messengerSecurityView(updated);
}
