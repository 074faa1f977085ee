import net from 'node:net';
import { classifyAddress } from './classify-address.ts';
import { SendError } from './send-error.ts';
import {
  ALLOW_LIST_VARIABLE,
  allowListMatchesAddress,
  allowListMatchesTarget,
  normaliseTargetHost,
  type TargetAllowList,
} from './target-allow-list.ts';

// Two checks make up the SSRF guard. checkRequestUrl runs before each hop and
// decides what can be known from the URL alone (scheme, https). Which address
// a name leads to is decided only by checkConnectAddresses, at connect time,
// on the very addresses the socket will use: checking a URL's host name up
// front would be defeated by DNS rebinding.

export type TargetVerdict = { allowed: true } | { allowed: false; reason: string };

export function parseRequestUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SendError('request_configuration_error', 'the request URL is not a valid absolute URL');
  }
  return url;
}

export function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Throws request_configuration_error when the URL may not be requested at all. */
export function checkRequestUrl(url: URL, allowList: TargetAllowList): void {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SendError('request_configuration_error', `unsupported URL scheme ${url.protocol.replace(/:$/, '')} (use https)`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new SendError('request_configuration_error', `credentials in the URL are not supported for ${url.hostname} (use an auth token or a header)`);
  }
  if (url.protocol === 'http:' && !allowListMatchesTarget(allowList, url.hostname, portOf(url))) {
    throw new SendError(
      'request_configuration_error',
      `https is required for ${url.hostname} (add it to ${ALLOW_LIST_VARIABLE} to allow http)`,
    );
  }
}

/**
 * Decides whether a socket may connect to `addresses`, the full DNS answer for
 * `hostname` (or the literal itself). One non-public address refuses the whole
 * answer: a name that resolves to both a public and a private address is the
 * signature of DNS rebinding.
 */
export function checkConnectAddresses(
  hostname: string,
  port: number,
  addresses: readonly string[],
  allowList: TargetAllowList,
): TargetVerdict {
  if (addresses.length === 0) return { allowed: false, reason: `blocked: ${hostname} did not resolve to any address` };
  if (allowListMatchesTarget(allowList, hostname, port)) return { allowed: true };
  const host = normaliseTargetHost(hostname);
  const isLiteral = net.isIP(host) !== 0;
  for (const address of addresses) {
    const verdict = classifyAddress(address);
    if (verdict.isPublic || allowListMatchesAddress(allowList, address)) continue;
    const what = verdict.embeddedIPv4 !== undefined && verdict.category !== 'ipv4-compatible'
      ? verdict.description
      : `${verdict.address} is ${verdict.description}`;
    const subject = isLiteral ? what : `${host} resolves to ${what.replace(/^(\S+) is /, '$1, ')}`;
    return { allowed: false, reason: `blocked: ${subject} (set ${ALLOW_LIST_VARIABLE} to allow it)` };
  }
  return { allowed: true };
}
