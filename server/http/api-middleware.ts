import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Db } from '../db/client.ts';
import { authenticateApiToken, type ApiPrincipal } from '../identity/api-tokens.ts';
import { AppError } from './app-error.ts';

export const assignRequestId: RequestHandler = (_req, res, next) => {
  res.locals.requestId = randomUUID();
  res.setHeader('X-Request-Id', res.locals.requestId);
  next();
};

const INTERCOM_VERSIONS = new Set(['1.0', '1.1', '1.2', '1.3', '1.4', ...Array.from({ length: 17 }, (_, i) => `2.${i}`), 'Preview', 'Unstable']);

// Intercom clients send a version header; every version gets the same answers.
export const acceptIntercomVersion: RequestHandler = (req, _res, next) => {
  const version = req.get('Intercom-Version');
  if (version !== undefined && !INTERCOM_VERSIONS.has(version)) {
    throw new AppError(400, { code: 'intercom_version_invalid', message: `Intercom-Version "${version}" is not a known version; use Unstable, Preview or 1.0-2.16`, field: 'Intercom-Version' });
  }
  next();
};

export function requireApiToken(db: Db): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('Authorization') ?? '');
    const principal = match?.[1] ? await authenticateApiToken(db, match[1]) : null;
    if (!principal) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new AppError(401, { code: 'unauthorized', message: 'Access Token Invalid' });
    }
    res.locals.principal = principal;
    next();
  };
}

export const principalOf = (res: { locals: Record<string, unknown> }) => res.locals.principal as ApiPrincipal;
