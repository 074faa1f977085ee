// Turns a connector's auth tokens into request headers: static tokens and
// basic credentials directly, "HTTP request" tokens by calling the vendor's
// token endpoint, with the result cached (encrypted) until it expires.
import type { Db } from '../../db/client.ts';
import type { AuthToken } from '../../db/generated/sqlite/client.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { SendRequestInput, SendResult } from '../http/send-request.ts';
import { parseResponseBody } from '../http/parse-response-body.ts';
import { readPath } from '../pipeline/read-path.ts';
import { renderRequest } from '../pipeline/render-request.ts';

export type Send = (input: SendRequestInput) => Promise<SendResult>;

export interface ResolvedToken {
  id: number;
  name: string;
  kind: AuthToken['kind'];
  header: { name: string; value: string };
  // Every secret this token involves, for redaction of logs and errors.
  secrets: string[];
}

export class TokenRefreshError extends Error {
  override name = 'TokenRefreshError';
}

interface TokenRequestConfig {
  url: string;
  method: 'get' | 'post';
  headers: { name: string; valueEncrypted: string }[];
  body: string | null;
  token_path: string;
  expires_in_path: string | null;
}

// A cached token this close to its expiry is fetched again instead of used.
const EXPIRY_MARGIN_MS = 30_000;

export interface TokenDeps {
  db: Db;
  secrets: SecretBox;
  send: Send;
  now?: () => Date;
}

export async function loadAuthTokens(db: Db, workspaceId: number, tokenIds: string[]): Promise<AuthToken[]> {
  const ids = tokenIds.map(Number).filter(Number.isInteger);
  if (ids.length === 0) return [];
  const tokens = await db.authToken.findMany({ where: { workspaceId, id: { in: ids } } });
  return ids.flatMap((id) => tokens.filter((t) => t.id === id));
}

export async function resolveAuthToken(deps: TokenDeps, token: AuthToken, options: { forceRefresh?: boolean } = {}): Promise<ResolvedToken> {
  const value = deps.secrets.decrypt(token.valueEncrypted);
  const base = { id: token.id, name: token.name, kind: token.kind };
  if (token.kind === 'static') {
    return { ...base, header: { name: token.headerName, value: `${token.prefix}${value}` }, secrets: [value] };
  }
  if (token.kind === 'basic') {
    const encoded = Buffer.from(value).toString('base64');
    return { ...base, header: { name: token.headerName, value: `${token.prefix || 'Basic '}${encoded}` }, secrets: [value, encoded] };
  }
  const fetched = await httpRequestToken(deps, token, value, options.forceRefresh ?? false);
  return { ...base, header: { name: token.headerName, value: `${token.prefix}${fetched}` }, secrets: [value, fetched] };
}

async function httpRequestToken(deps: TokenDeps, token: AuthToken, clientSecret: string, forceRefresh: boolean): Promise<string> {
  const now = deps.now?.() ?? new Date();
  if (!forceRefresh && token.cachedValueEncrypted && (!token.cachedExpiresAt || token.cachedExpiresAt.getTime() - EXPIRY_MARGIN_MS > now.getTime())) {
    return deps.secrets.decrypt(token.cachedValueEncrypted);
  }
  const config = token.tokenRequest as unknown as TokenRequestConfig | null;
  if (!config) throw new TokenRefreshError(`auth token "${token.name}" has no token request configured`);
  const headers = config.headers.map((h) => ({ name: h.name, value: deps.secrets.decrypt(h.valueEncrypted) }));
  // The client secret is available to the token request as {{secret}}.
  const rendered = renderRequest({ method: config.method, url: config.url, headers, body: config.body }, (name) => (name === 'secret' ? clientSecret : undefined));
  let response: SendResult;
  try {
    response = await deps.send({
      method: rendered.method === 'GET' ? 'GET' : 'POST',
      url: rendered.url,
      headers: Object.fromEntries(rendered.headers.map((h) => [h.name, h.value])),
      ...(rendered.body !== null && { body: rendered.body }),
    });
  } catch (error) {
    throw new TokenRefreshError(`token endpoint of "${token.name}" failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status < 200 || response.status >= 300) {
    throw new TokenRefreshError(`token endpoint of "${token.name}" answered HTTP ${response.status}`);
  }
  let data: unknown;
  try {
    data = parseResponseBody(response.bodyText, response.headers['content-type']).data;
  } catch (error) {
    throw new TokenRefreshError(`token endpoint of "${token.name}" sent an unreadable body: ${error instanceof Error ? error.message : String(error)}`);
  }
  const fetched = readPath(data, config.token_path);
  if (typeof fetched !== 'string' || fetched === '') {
    throw new TokenRefreshError(`token endpoint of "${token.name}" returned no token at "${config.token_path}"`);
  }
  const expiresIn = config.expires_in_path ? Number(readPath(data, config.expires_in_path)) : Number.NaN;
  await deps.db.authToken.update({
    where: { id: token.id },
    data: {
      cachedValueEncrypted: deps.secrets.encrypt(fetched),
      cachedExpiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? new Date(now.getTime() + expiresIn * 1000) : null,
    },
  });
  return fetched;
}
