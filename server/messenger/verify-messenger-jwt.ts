import { createRemoteJWKSet, customFetch, errors, jwtVerify, type FetchImplementation, type JWTPayload, type RemoteJWKSet } from 'jose';
import { fetch as undiciFetch } from 'undici';
import { z } from 'zod';
import { isPlainObject } from '../connectors/pipeline/own-json.ts';
import type { Workspace } from '../db/generated/sqlite/client.ts';
import { AppError } from '../http/app-error.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { recordJwtRejection, type JwtRejectionReason } from './jwt-rejections.ts';
import { clockOf, type MessengerDeps } from './messenger-deps.ts';

export const MESSENGER_JWT_ALGORITHMS = ['HS256', 'RS256', 'ES256'] as const;
export type MessengerJwtAlgorithm = (typeof MESSENGER_JWT_ALGORITHMS)[number];

// Identity tokens are a few hundred bytes; anything this big is not one, and
// refusing it before any parsing bounds the work an attacker can cause.
export const MAX_MESSENGER_JWT_BYTES = 8 * 1024;
// Clocks of the host's servers and ours never agree exactly.
export const CLOCK_TOLERANCE_SECONDS = 30;

export interface MessengerJwtConfig {
  algorithm: MessengerJwtAlgorithm;
  // HS256: the current secret first, then the previous one during a rotation.
  secrets: string[];
  jwksUrl: string | null;
  issuer: string | null;
  audience: string | null;
  maxLifetimeSeconds: number;
}

export interface VerifiedMessengerIdentity {
  userId: string;
  // undefined: the token does not say; the messenger may then supply it (unverified).
  email: string | undefined;
  name: string | undefined;
  // Every claim, for the protected attributes the token may carry.
  claims: JWTPayload;
  expiresAt: Date;
  // Which key verified it: tells admins when the previous secret is still in use.
  verifiedWith: 'current_secret' | 'previous_secret' | 'jwks';
}

export class MessengerJwtRejected extends Error {
  override name = 'MessengerJwtRejected';
  constructor(
    readonly reason: JwtRejectionReason,
    message: string,
  ) {
    super(message);
  }
}

// Resolves the JWKS of a URL; createRemoteJWKSet caches keys and refetches on
// an unknown kid (at most every 30 s), so one resolver per URL is kept.
export type JwksResolver = (url: string) => RemoteJWKSet;

const reject = (reason: JwtRejectionReason, message: string): never => {
  throw new MessengerJwtRejected(reason, message);
};

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeJsonSegment(segment: string, what: string): unknown {
  // Buffer's decoder skips characters it does not know; a token is either
  // exactly base64url or it is refused.
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) reject('jwt_malformed', `The token's ${what} is not base64url`);
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return reject('jwt_malformed', `The token's ${what} is not JSON`);
  }
}

// What jose does not check, or reports in a way that would make the reason
// ambiguous, is checked here first: size, shape, `alg: none`, the algorithm.
function checkStructure(token: string, algorithm: MessengerJwtAlgorithm): void {
  if (Buffer.byteLength(token, 'utf8') > MAX_MESSENGER_JWT_BYTES) reject('jwt_too_large', `The token is larger than ${MAX_MESSENGER_JWT_BYTES} bytes`);
  const parts = token.split('.');
  if (parts.length !== 3) reject('jwt_malformed', 'The token is not a signed JWT (three base64url parts separated by dots)');
  const header = decodeJsonSegment(parts[0]!, 'header');
  if (!isPlainObject(header) || typeof header.alg !== 'string') return reject('jwt_malformed', 'The token header is not an object with an "alg"');
  if (header.alg.toLowerCase() === 'none') reject('jwt_unsecured', 'Unsecured tokens (alg "none") are refused');
  if (!isPlainObject(decodeJsonSegment(parts[1]!, 'payload'))) reject('jwt_malformed', 'The token payload is not a JSON object');
  if (parts[2] === '') reject('jwt_signature_invalid', 'The token has no signature');
  if (header.alg !== algorithm) reject('jwt_algorithm_not_allowed', `The token is signed with ${header.alg}; this workspace accepts ${algorithm} only`);
}

function mapJoseError(error: unknown, usingJwks: boolean): MessengerJwtRejected {
  if (error instanceof MessengerJwtRejected) return error;
  if (error instanceof errors.JWTExpired) return new MessengerJwtRejected('jwt_expired', 'The token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return new MessengerJwtRejected('jwt_not_yet_valid', 'The token is not valid yet (nbf)');
    if (error.claim === 'iss') return new MessengerJwtRejected('jwt_issuer_invalid', 'The token has the wrong issuer (iss)');
    if (error.claim === 'aud') return new MessengerJwtRejected('jwt_audience_invalid', 'The token has the wrong audience (aud)');
    if (error.claim === 'exp' && error.reason === 'missing') return new MessengerJwtRejected('jwt_expiry_missing', 'The token has no expiry (exp)');
    return new MessengerJwtRejected('jwt_claims_invalid', `The token's "${error.claim}" claim is invalid`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new MessengerJwtRejected('jwt_signature_invalid', 'The token signature is invalid');
  if (error instanceof errors.JOSEAlgNotAllowed) return new MessengerJwtRejected('jwt_algorithm_not_allowed', 'The token algorithm is not allowed');
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new MessengerJwtRejected('jwt_key_not_found', 'No single key of the JWKS matches the token (kid, alg)');
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return new MessengerJwtRejected('jwt_malformed', 'The token is not a valid JWT');
  }
  // Everything else in JWKS mode is the key server: unreachable, slow, not JSON, a bad key.
  if (usingJwks) return new MessengerJwtRejected('jwt_jwks_unavailable', 'The JWKS could not be fetched or read');
  throw error;
}

const claimsSchema = z.object({
  user_id: z.union([z.string().trim().min(1).max(255), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).transform(String)]).optional(),
  email: z.email().max(320).transform((e) => e.toLowerCase()).nullish(),
  name: z.string().trim().max(255).nullish(),
});

// The checks jose has no option for: the lifetime cap, iat in the future, the identity claims.
function checkClaims(payload: JWTPayload, config: MessengerJwtConfig, nowSeconds: number): Omit<VerifiedMessengerIdentity, 'verifiedWith'> {
  const exp = payload.exp!;
  if (payload.iat !== undefined) {
    if (payload.iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) reject('jwt_not_yet_valid', 'The token was issued in the future (iat)');
    if (exp - payload.iat > config.maxLifetimeSeconds) reject('jwt_lifetime_too_long', `The token lives longer than ${config.maxLifetimeSeconds} s (exp - iat)`);
  } else if (exp - nowSeconds > config.maxLifetimeSeconds + CLOCK_TOLERANCE_SECONDS) {
    reject('jwt_lifetime_too_long', `The token expires more than ${config.maxLifetimeSeconds} s from now`);
  }
  if (payload.user_id === undefined || payload.user_id === null || payload.user_id === '') reject('jwt_user_id_missing', 'The token has no user_id claim');
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) {
    const claim = parsed.error.issues[0]?.path.join('.') ?? 'claims';
    return reject('jwt_claims_invalid', `The token's "${claim}" claim is invalid`);
  }
  return { userId: parsed.data.user_id!, email: parsed.data.email ?? undefined, name: parsed.data.name ?? undefined, claims: payload, expiresAt: new Date(exp * 1000) };
}

/**
 * Verifies a messenger identity token against a workspace's configuration.
 * Throws MessengerJwtRejected with the reason; never returns an unverified identity.
 */
export async function verifyMessengerJwt(token: string, config: MessengerJwtConfig, options: { now: Date; jwks: JwksResolver }): Promise<VerifiedMessengerIdentity> {
  checkStructure(token, config.algorithm);
  const usingJwks = config.algorithm !== 'HS256';
  const verifyOptions = {
    algorithms: [config.algorithm],
    currentDate: options.now,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ['exp'],
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
  };
  const nowSeconds = Math.floor(options.now.getTime() / 1000);
  try {
    if (usingJwks) {
      if (!config.jwksUrl) return reject('jwt_verification_not_configured', 'Identity verification has no JWKS URL configured');
      const { payload } = await jwtVerify(token, options.jwks(config.jwksUrl), verifyOptions);
      return { ...checkClaims(payload, config, nowSeconds), verifiedWith: 'jwks' };
    }
    if (config.secrets.length === 0) return reject('jwt_verification_not_configured', 'Identity verification has no messenger secret configured');
    // During a rotation both secrets are tried; only a bad signature moves on
    // to the next one, any other failure is the token's own.
    for (const [index, secret] of config.secrets.entries()) {
      try {
        const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), verifyOptions);
        return { ...checkClaims(payload, config, nowSeconds), verifiedWith: index === 0 ? 'current_secret' : 'previous_secret' };
      } catch (error) {
        if (!(error instanceof errors.JWSSignatureVerificationFailed) || index === config.secrets.length - 1) throw error;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  } catch (error) {
    throw mapJoseError(error, usingJwks);
  }
}

export function messengerJwtConfigOf(workspace: Workspace, secrets: SecretBox): MessengerJwtConfig {
  const algorithm = (MESSENGER_JWT_ALGORITHMS as readonly string[]).includes(workspace.messengerJwtAlgorithm)
    ? (workspace.messengerJwtAlgorithm as MessengerJwtAlgorithm)
    : 'HS256';
  const encrypted = [workspace.messengerSecretEncrypted, workspace.previousMessengerSecretEncrypted].filter((s): s is string => !!s);
  return {
    algorithm,
    secrets: encrypted.map((s) => secrets.decrypt(s)),
    jwksUrl: workspace.messengerJwksUrl,
    issuer: workspace.messengerJwtIssuer,
    audience: workspace.messengerJwtAudience,
    maxLifetimeSeconds: workspace.jwtMaxLifetimeSeconds,
  };
}

// One resolver per (fetch, URL): the cache of keys lives in the resolver.
const resolvers = new WeakMap<object, Map<string, RemoteJWKSet>>();
const DEFAULT_FETCH_OWNER = {};
const MAX_CACHED_JWKS_URLS = 200;

export function jwksResolverFor(deps: Pick<MessengerDeps, 'http' | 'jwksFetch'>): JwksResolver {
  const agent = deps.http?.agent;
  const fetchImpl: FetchImplementation | undefined =
    deps.jwksFetch ??
    (agent
      ? (url, init) =>
          undiciFetch(url, { method: init.method, redirect: init.redirect, signal: init.signal, headers: Object.fromEntries(init.headers), dispatcher: agent }) as unknown as Promise<Response>
      : undefined);
  const owner: object = deps.jwksFetch ?? agent ?? DEFAULT_FETCH_OWNER;
  let byUrl = resolvers.get(owner);
  if (!byUrl) resolvers.set(owner, (byUrl = new Map()));
  const cache = byUrl;
  return (url) => {
    let resolver = cache.get(url);
    if (!resolver) {
      if (cache.size >= MAX_CACHED_JWKS_URLS) cache.delete(cache.keys().next().value!);
      resolver = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, ...(fetchImpl ? { [customFetch]: fetchImpl } : {}) });
      cache.set(url, resolver);
    }
    return resolver;
  };
}

export const JWT_REJECTION_STATUS: Partial<Record<JwtRejectionReason, number>> = {
  jwt_jwks_unavailable: 503,
  identity_verification_required: 403,
};

/** Counts and logs a rejection and turns it into the error the messenger receives. */
export function rejectionError(deps: Pick<MessengerDeps, 'logger'>, workspaceId: number, rejection: MessengerJwtRejected): AppError {
  recordJwtRejection(deps.logger, workspaceId, rejection.reason, rejection.message);
  const status = JWT_REJECTION_STATUS[rejection.reason] ?? 401;
  return new AppError(status, { code: rejection.reason, message: rejection.message, field: rejection.reason === 'identity_verification_required' ? 'user_id' : 'user_jwt' });
}

/**
 * Verifies a workspace's messenger identity token; a refusal is counted, logged
 * and thrown as an AppError whose code is the reason.
 */
export async function verifyWorkspaceMessengerJwt(deps: MessengerDeps, workspace: Workspace, token: string): Promise<VerifiedMessengerIdentity> {
  try {
    return await verifyMessengerJwt(token, messengerJwtConfigOf(workspace, deps.secrets), { now: clockOf(deps), jwks: jwksResolverFor(deps) });
  } catch (error) {
    if (error instanceof MessengerJwtRejected) throw rejectionError(deps, workspace.id, error);
    throw error;
  }
}
