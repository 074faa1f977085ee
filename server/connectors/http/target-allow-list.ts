import net from 'node:net';
import ipaddr from 'ipaddr.js';

export const ALLOW_LIST_VARIABLE = 'PATCHBAY_ALLOWED_PRIVATE_TARGETS';

/**
 * Operator-approved targets (PATCHBAY_ALLOWED_PRIVATE_TARGETS). A target on the
 * list may use plain http and may resolve to a non-public address.
 * - host entries match the URL's host name (any port, or the one given);
 * - network entries (CIDR, or a bare IP which means a single address) match an
 *   IP-literal URL host and any address a name resolves to.
 */
export interface TargetAllowList {
  readonly entries: readonly TargetAllowEntry[];
}

export type TargetAllowEntry =
  | { kind: 'host'; text: string; host: string; port?: number }
  | { kind: 'network'; text: string; network: [ipaddr.IPv4 | ipaddr.IPv6, number] };

export const EMPTY_ALLOW_LIST: TargetAllowList = { entries: [] };

export class TargetAllowListError extends Error {
  override name = 'TargetAllowListError';
  constructor(readonly entry: string, reason: string) {
    super(`${ALLOW_LIST_VARIABLE} entry "${entry}" ${reason}`);
  }
}

/** Parses the comma-separated list; throws TargetAllowListError naming the first bad entry. */
export function parseTargetAllowList(text: string | undefined): TargetAllowList {
  const entries = (text ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .map(parseEntry);
  return { entries };
}

function parseEntry(entry: string): TargetAllowEntry {
  if (/\s/.test(entry)) throw new TargetAllowListError(entry, 'contains whitespace; separate entries with commas');
  if (entry.includes('://')) throw new TargetAllowListError(entry, 'is a URL; write host, host:port or a CIDR range');
  if (entry.includes('*')) throw new TargetAllowListError(entry, 'uses a wildcard, which is not supported; list each host or use a CIDR range');
  if (entry.includes('/')) return parseNetwork(entry);

  const bracketed = /^\[([^\]]*)\](?::([^:]*))?$/.exec(entry);
  if (bracketed) {
    const [, address = '', port] = bracketed;
    if (!net.isIPv6(address)) throw new TargetAllowListError(entry, 'does not hold a valid IPv6 address in brackets');
    if (port === undefined) return singleAddress(entry, address);
    return { kind: 'host', text: entry, host: ipaddr.parse(address).toString(), port: parsePort(entry, port) };
  }
  if (entry.startsWith('[')) throw new TargetAllowListError(entry, 'has an unclosed "["');

  const colons = entry.split(':').length - 1;
  if (colons > 1) {
    if (!net.isIPv6(entry)) throw new TargetAllowListError(entry, 'is not a valid IPv6 address (write [address]:port to give a port)');
    return singleAddress(entry, entry);
  }
  const [rawHost = '', rawPort] = entry.split(':');
  const host = normaliseHostEntry(entry, rawHost);
  const port = rawPort === undefined ? undefined : parsePort(entry, rawPort);
  if (port === undefined && net.isIPv4(host)) return singleAddress(entry, host);
  return port === undefined ? { kind: 'host', text: entry, host } : { kind: 'host', text: entry, host, port };
}

function parseNetwork(entry: string): TargetAllowEntry {
  const [address = '', prefix = '', ...rest] = entry.split('/');
  if (rest.length > 0) throw new TargetAllowListError(entry, 'is not a valid CIDR range');
  const family = net.isIP(address);
  if (family === 0) throw new TargetAllowListError(entry, `is not a valid CIDR range ("${address}" is not an IP address in standard notation)`);
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
    throw new TargetAllowListError(entry, `is not a valid CIDR range (prefix length must be 0-${max} for IPv${family})`);
  }
  return { kind: 'network', text: entry, network: [ipaddr.parse(address), Number(prefix)] };
}

function singleAddress(entry: string, address: string): TargetAllowEntry {
  const parsed = ipaddr.parse(address);
  return { kind: 'network', text: entry, network: [parsed, parsed.kind() === 'ipv4' ? 32 : 128] };
}

function parsePort(entry: string, port: string): number {
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    throw new TargetAllowListError(entry, `has an invalid port "${port}" (must be 1-65535)`);
  }
  return Number(port);
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

function normaliseHostEntry(entry: string, host: string): string {
  if (host === '') throw new TargetAllowListError(entry, 'has no host');
  let normalised: string;
  try {
    // The same parser that reads connector URLs, so entries compare equal to
    // URL hosts (case, IDNA, numeric IPv4 forms).
    normalised = new URL(`http://${host}/`).hostname;
  } catch {
    throw new TargetAllowListError(entry, 'is not a valid host name');
  }
  if (net.isIPv4(normalised) && normalised !== host) {
    throw new TargetAllowListError(entry, `is an IPv4 address in a non-standard notation; write it as ${normalised}`);
  }
  if (!net.isIPv4(normalised) && !HOST_NAME.test(normalised.replace(/\.$/, ''))) {
    throw new TargetAllowListError(entry, 'is not a valid host name');
  }
  return normalised.replace(/\.$/, '');
}

/** Normalises a URL host name for comparison: no brackets, lower case, no trailing dot, canonical IP. */
export function normaliseTargetHost(hostname: string): string {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase().replace(/\.$/, '');
  return net.isIP(bare) ? ipaddr.parse(bare).toString() : bare;
}

/** True when the host (an IP literal or a name) and port are on the list. Decides whether http is allowed. */
export function allowListMatchesTarget(list: TargetAllowList, hostname: string, port: number): boolean {
  const host = normaliseTargetHost(hostname);
  return list.entries.some((entry) => {
    if (entry.kind === 'host') return entry.host === host && (entry.port === undefined || entry.port === port);
    return net.isIP(host) !== 0 && inNetwork(host, entry.network);
  });
}

/** True when a network entry contains the address (IPv4-mapped IPv6 is compared as IPv4). */
export function allowListMatchesAddress(list: TargetAllowList, address: string): boolean {
  return list.entries.some((entry) => entry.kind === 'network' && inNetwork(address, entry.network));
}

function inNetwork(address: string, network: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address.replace(/%.*$/, ''));
  } catch {
    return false;
  }
  return parsed.kind() === network[0].kind() && parsed.match(network);
}
