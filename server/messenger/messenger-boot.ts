import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isPlainObject } from '../connectors/pipeline/own-json.ts';
import { Prisma } from '../db/client.ts';
import { retryOnUniqueViolation } from '../db/unique-violation.ts';
import type { Contact, Workspace } from '../db/generated/sqlite/client.ts';
import { AppError } from '../http/app-error.ts';
import { parseOrThrow } from '../http/validation.ts';
import {
  attributeClaims,
  filterContactAttributeUpdates,
  loadContactAttributeDefinitions,
  type AttributeValue,
  type IgnoredAttribute,
} from './protected-attributes.ts';
import { authTokensSchema, authTokenStoreOf } from './messenger-auth-tokens.ts';
import { clockOf, type MessengerDeps } from './messenger-deps.ts';
import { createMessengerSession } from './messenger-sessions.ts';
import { MessengerJwtRejected, rejectionError, verifyWorkspaceMessengerJwt, type VerifiedMessengerIdentity } from './verify-messenger-jwt.ts';

const ANONYMOUS_ID = /^anon_[A-Za-z0-9_-]{16,64}$/;

export const bootRequestSchema = z.strictObject({
  workspace_id: z.union([z.string().regex(/^[1-9]\d{0,9}$/, 'must be a workspace id'), z.number().int().positive()]).transform(Number).pipe(z.number().max(2_147_483_647)),
  // No length limit here: an oversized token must reach the verifier, which refuses and counts it.
  user_jwt: z.string().min(1).nullish(),
  user_id: z.string().trim().min(1).max(255).nullish(),
  email: z.email({ error: 'must be a valid email address' }).max(320).transform((e) => e.toLowerCase()).nullish(),
  name: z.string().trim().max(255).nullish(),
  // Returned by an earlier boot without identity: resumes the same lead.
  anonymous_id: z.string().regex(ANONYMOUS_ID, 'must be an anonymous_id returned by an earlier boot').nullish(),
  custom_attributes: z
    .record(z.string().min(1).max(190), z.unknown())
    .refine((attributes) => Object.keys(attributes).length <= 100, 'must have at most 100 attributes')
    .nullish(),
  // Per-user tokens for connectors ({{auth_tokens.name}}): kept in memory for
  // this session only (messenger-auth-tokens.ts), never stored or returned.
  auth_tokens: authTokensSchema.nullish(),
});
export type BootRequest = z.input<typeof bootRequestSchema>;

export interface BootResult {
  type: 'messenger_session';
  session_token: string;
  expires_at: string;
  identity_verified: boolean;
  contact: { id: string; user_id: string | null; anonymous_id: string | null; email: string | null; name: string | null; role: Contact['role'] };
  ignored_attributes: IgnoredAttribute[];
}

const newAnonymousId = () => `anon_${randomBytes(18).toString('base64url')}`;

/**
 * The contact as the messenger may see it. Without a verified identity anyone
 * can claim any user_id (when enforcement is off), so a user's stored email and
 * name are only shown to a verified session; a lead is only reachable through
 * its own random anonymous id, so it sees its own data.
 */
export function messengerContactView(contact: Contact, identityVerified: boolean): BootResult['contact'] {
  const reveal = identityVerified || contact.externalId === null;
  return {
    id: String(contact.id),
    user_id: contact.externalId,
    anonymous_id: contact.anonymousId,
    email: reveal ? contact.email : null,
    name: reveal ? contact.name : null,
    role: contact.role,
  };
}

async function loadWorkspace(deps: MessengerDeps, id: number): Promise<Workspace> {
  const workspace = await deps.db.workspace.findUnique({ where: { id } });
  if (!workspace) throw new AppError(404, { code: 'workspace_not_found', message: `Workspace ${id} not found`, field: 'workspace_id' });
  return workspace;
}

const refuse = (deps: MessengerDeps, workspaceId: number, reason: MessengerJwtRejected['reason'], message: string) =>
  rejectionError(deps, workspaceId, new MessengerJwtRejected(reason, message));

interface ContactChanges {
  userId: string | null;
  email: string | undefined;
  name: string | undefined;
  attributes: Record<string, AttributeValue>;
  anonymousId: string | null | undefined;
}

// Finds the contact the boot is about, creating (or promoting) it, and applies
// the changes. Runs in the caller's transaction.
async function upsertContact(tx: Prisma.TransactionClient, workspaceId: number, changes: ContactChanges, now: Date): Promise<Contact> {
  const { userId, anonymousId } = changes;
  let contact: Contact | null = null;
  if (userId) contact = await tx.contact.findUnique({ where: { workspaceId_externalId: { workspaceId, externalId: userId } } });
  // A lead is resumed (or promoted to the user signing in) only while it has no
  // user_id: an anonymous id must never open a user's contact.
  if (!contact && anonymousId) {
    const lead = await tx.contact.findUnique({ where: { workspaceId_anonymousId: { workspaceId, anonymousId } } });
    if (lead && lead.externalId === null) contact = lead;
  }
  if (!contact) {
    contact = await tx.contact.create({
      data: userId ? { workspaceId, role: 'user', externalId: userId } : { workspaceId, role: 'lead', anonymousId: newAnonymousId() },
    });
  }

  const data: Prisma.ContactUpdateInput = { lastSeenAt: now };
  if (userId && contact.externalId !== userId) Object.assign(data, { externalId: userId, role: 'user', anonymousId: null });
  if (changes.email !== undefined && changes.email !== contact.email?.toLowerCase()) Object.assign(data, { email: changes.email, emailVerifiedAt: null });
  if (changes.name !== undefined && changes.name !== contact.name) data.name = changes.name;
  if (Object.keys(changes.attributes).length > 0) {
    const current = isPlainObject(contact.customAttributes) ? (contact.customAttributes as Record<string, AttributeValue>) : {};
    data.customAttributes = { ...current, ...changes.attributes };
  }
  return tx.contact.update({ where: { id: contact.id }, data });
}

/**
 * POST /messenger/boot: verifies the identity JWT (if any), finds or creates the
 * contact, applies what the boot may change and opens a messenger session.
 */
export async function bootMessenger(deps: MessengerDeps, body: unknown): Promise<BootResult> {
  const input = parseOrThrow(bootRequestSchema, body ?? {});
  const workspace = await loadWorkspace(deps, input.workspace_id);
  const now = clockOf(deps);

  let identity: VerifiedMessengerIdentity | null = null;
  if (input.user_jwt) {
    identity = await verifyWorkspaceMessengerJwt(deps, workspace, input.user_jwt);
    if (input.user_id && input.user_id !== identity.userId) {
      throw refuse(deps, workspace.id, 'jwt_user_id_mismatch', 'user_id does not match the user_id of the identity token');
    }
  } else if (input.user_id && workspace.identityVerificationEnforced) {
    throw refuse(deps, workspace.id, 'identity_verification_required', 'This workspace requires a signed identity token (user_jwt) for a user_id');
  }

  const definitions = await loadContactAttributeDefinitions(deps.db, workspace.id);
  const ignored: IgnoredAttribute[] = [];
  let attributes: Record<string, AttributeValue> = {};
  const messengerAttributes = filterContactAttributeUpdates(definitions, input.custom_attributes ?? {}, 'messenger');
  ignored.push(...messengerAttributes.ignored);

  // What the verified token says wins over what the messenger says.
  let email = input.email ?? undefined;
  let name = input.name ?? undefined;
  if (identity) {
    const signed = filterContactAttributeUpdates(definitions, attributeClaims(definitions, identity.claims), 'verified_jwt');
    const badClaim = signed.ignored[0];
    if (badClaim) throw refuse(deps, workspace.id, 'jwt_claims_invalid', `The token's "${badClaim.name}" claim does not fit the attribute's type`);
    attributes = { ...messengerAttributes.apply, ...signed.apply };
    if (identity.email !== undefined) {
      if (email !== undefined && email !== identity.email) ignored.push({ name: 'email', reason: 'protected' });
      email = identity.email;
    }
    if (identity.name !== undefined) {
      if (name !== undefined && name !== identity.name) ignored.push({ name: 'name', reason: 'protected' });
      name = identity.name;
    }
  } else {
    attributes = messengerAttributes.apply;
  }

  const changes: ContactChanges = { userId: identity?.userId ?? input.user_id ?? null, email, name, attributes, anonymousId: input.anonymous_id };
  const run = () =>
    deps.db.$transaction(async (tx) => {
      const contact = await upsertContact(tx, workspace.id, changes, now);
      const session = await createMessengerSession(tx, { workspaceId: workspace.id, contactId: contact.id, identityVerified: identity !== null, now, notAfter: identity?.expiresAt });
      return { contact, session };
    });
  // Two first boots of the same user at once: the loser finds the winner's contact.
  const { contact, session } = await retryOnUniqueViolation(run);

  if (input.auth_tokens) authTokenStoreOf(deps).set(session.id, input.auth_tokens, session.expiresAt, now);

  if (identity?.verifiedWith === 'previous_secret') deps.logger.info({ workspaceId: workspace.id }, 'messenger identity verified with the previous secret (rotation in progress)');
  if (ignored.length > 0) deps.logger.info({ workspaceId: workspace.id, contactId: contact.id, ignored }, 'messenger boot ignored attributes');
  return {
    type: 'messenger_session',
    session_token: session.token,
    expires_at: session.expiresAt.toISOString(),
    identity_verified: identity !== null,
    contact: messengerContactView(contact, identity !== null),
    ignored_attributes: ignored,
  };
}
