import type { Logger } from '../logger.ts';

// Why a messenger identity was refused. The reason is the error code the
// messenger gets back, the key of the per-workspace counter, and what is logged.
export const JWT_REJECTION_REASONS = [
  'jwt_too_large',
  'jwt_malformed',
  'jwt_unsecured',
  'jwt_algorithm_not_allowed',
  'jwt_signature_invalid',
  'jwt_key_not_found',
  'jwt_expired',
  'jwt_not_yet_valid',
  'jwt_expiry_missing',
  'jwt_lifetime_too_long',
  'jwt_user_id_missing',
  'jwt_user_id_mismatch',
  'jwt_issuer_invalid',
  'jwt_audience_invalid',
  'jwt_claims_invalid',
  'jwt_verification_not_configured',
  'jwt_jwks_unavailable',
  'identity_verification_required',
] as const;

export type JwtRejectionReason = (typeof JWT_REJECTION_REASONS)[number];

export type RejectionCounts = Partial<Record<JwtRejectionReason, number>>;

// In-process counters: they are a diagnostic for admins ("why do my users get
// refused?"), not state anything depends on, so each process keeps its own.
const counters = new Map<number, Map<JwtRejectionReason, number>>();

export function recordJwtRejection(logger: Logger, workspaceId: number, reason: JwtRejectionReason, detail?: string): void {
  let counts = counters.get(workspaceId);
  if (!counts) counters.set(workspaceId, (counts = new Map()));
  const count = (counts.get(reason) ?? 0) + 1;
  counts.set(reason, count);
  // Never the token: it is a credential (and may carry personal data).
  logger.warn({ workspaceId, reason, count, detail }, 'messenger identity rejected');
}

/** Rejections of messenger identities in this workspace since this process started, by reason. */
export function getRejectionCounts(workspaceId: number): RejectionCounts {
  return Object.fromEntries(counters.get(workspaceId) ?? []) as RejectionCounts;
}
