import { SendError } from './send-error.ts';

export const MAX_REDIRECTS = 5;
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Always treated as credentials; the caller adds its auth-token header names. */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'cookie', 'proxy-authorization'];

const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/** One hop of a request. Header names are lower case. */
export interface HopRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
}

/**
 * The request to send after a redirect response.
 * - 301/302/303 become a GET without a body (HEAD stays HEAD), as the issue
 *   asks and as browsers do for the POST forms connectors mostly send;
 *   307/308 repeat method and body.
 * - When the origin (scheme, host, port) changes, credential headers are
 *   dropped, and stay dropped for the rest of the chain even if it comes back.
 * Whether the new URL may be requested at all is the target policy's call.
 */
export function nextRedirectRequest(
  previous: HopRequest,
  status: number,
  location: string,
  credentialHeaders: readonly string[],
): HopRequest {
  let url: URL;
  try {
    url = new URL(location, previous.url);
  } catch {
    throw new SendError('faraday_error', `the redirect from ${previous.url.hostname} has an invalid Location`);
  }
  url.hash = '';

  const headers = { ...previous.headers };
  let method = previous.method;
  let body = previous.body;
  if ((status === 301 || status === 302 || status === 303) && method !== 'HEAD') {
    method = 'GET';
    body = undefined;
    for (const name of BODY_HEADERS) delete headers[name];
  }
  if (url.origin !== previous.url.origin) {
    for (const name of [...CREDENTIAL_HEADERS, ...credentialHeaders.map((n) => n.toLowerCase())]) delete headers[name];
  }
  return { url, method, headers, body };
}
