import dns from 'node:dns';
import net from 'node:net';
import { Agent, buildConnector } from 'undici';
import { checkConnectAddresses } from './target-policy.ts';
import type { TargetAllowList } from './target-allow-list.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (like getaddrinfo with all: true). */
export type DnsLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemDnsLookup: DnsLookup = async (hostname) => {
  const answers = await dns.promises.lookup(hostname, { all: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Raised inside the connector when a target is refused; sendRequest maps it to request_configuration_error. */
export class BlockedTargetError extends Error {
  override name = 'BlockedTargetError';
  readonly code = 'PATCHBAY_TARGET_BLOCKED';
}

export interface GuardedAgentOptions {
  allowList: TargetAllowList;
  lookup?: DnsLookup;
  /** Per socket connect; the request's own deadline still applies on top. */
  connectTimeoutMs?: number;
}

// Moving on to the next address of the answer only makes sense when this one
// could not be reached at all.
const TRY_NEXT_ADDRESS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * An undici connector that does its own DNS resolution, refuses the whole
 * answer unless every address is public unicast (or allow-listed), and then
 * connects to those exact addresses, so nothing can change between the check
 * and the connect. It runs for every new connection, hence for every redirect
 * hop that needs one; pooled connections were vetted when they were opened.
 */
export function createGuardedConnector(options: GuardedAgentOptions): buildConnector.connector {
  const lookup = options.lookup ?? systemDnsLookup;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const connect = buildConnector({ timeout: connectTimeoutMs });

  return (connectOptions, callback) => {
    // undici hands over IPv6 literals without brackets.
    const hostname = connectOptions.hostname;
    const port = Number(connectOptions.port) || (connectOptions.protocol === 'https:' ? 443 : 80);
    const isLiteral = net.isIP(hostname) !== 0;
    const fail = (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null);

    const tryAddress = (addresses: string[], index: number): void => {
      const options = {
        ...connectOptions,
        hostname: addresses[index] as string,
        // TLS still verifies the certificate for (and sends SNI with) the name.
        ...(isLiteral ? {} : { servername: connectOptions.servername ?? hostname }),
      };
      connect(options, (...result) => {
        const code = (result[0] as NodeJS.ErrnoException | null)?.code;
        if (result[0] && code && TRY_NEXT_ADDRESS.has(code) && index + 1 < addresses.length) tryAddress(addresses, index + 1);
        else callback(...result);
      });
    };

    const resolveAndConnect = async () => {
      const addresses = isLiteral
        ? [hostname]
        : (await withTimeout(lookup(hostname), connectTimeoutMs, `DNS lookup of ${hostname} took longer than ${connectTimeoutMs} ms`)).map(
            (answer) => answer.address,
          );
      const verdict = checkConnectAddresses(hostname, port, addresses, options.allowList);
      if (!verdict.allowed) throw new BlockedTargetError(verdict.reason);
      tryAddress(addresses, 0);
    };
    resolveAndConnect().catch(fail);
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(message), { code: 'UND_ERR_CONNECT_TIMEOUT' })), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The undici Agent every connector request goes through; carries the allow-list for the URL checks. */
export class GuardedAgent extends Agent {
  readonly allowList: TargetAllowList;

  constructor(options: GuardedAgentOptions) {
    super({
      connect: createGuardedConnector(options),
      // The send step's AbortSignal enforces the real deadline; undici's own
      // timers only back it up, so they sit above the largest budget.
      headersTimeout: 20_000,
      bodyTimeout: 20_000,
    });
    this.allowList = options.allowList;
  }
}
