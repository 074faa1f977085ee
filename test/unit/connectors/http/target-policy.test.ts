import net from 'node:net';
import tls from 'node:tls';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GuardedAgent, createGuardedConnector, type DnsLookup } from '../../../../server/connectors/http/guarded-agent.ts';
import { SendError } from '../../../../server/connectors/http/send-error.ts';
import { sendRequest, systemSendTime } from '../../../../server/connectors/http/send-request.ts';
import { EMPTY_ALLOW_LIST, parseTargetAllowList } from '../../../../server/connectors/http/target-allow-list.ts';
import { checkConnectAddresses, checkRequestUrl } from '../../../../server/connectors/http/target-policy.ts';

const noDns: DnsLookup = async (hostname) => {
  throw new Error(`unexpected DNS lookup of ${hostname}`);
};

function configurationError(fn: () => unknown): SendError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).errorType).toBe('request_configuration_error');
    return error as SendError;
  }
  throw new Error('expected a request_configuration_error');
}

describe('checkRequestUrl', () => {
  it('requires https unless the target is allow-listed', () => {
    expect(configurationError(() => checkRequestUrl(new URL('http://example.com/x?token=secret'), EMPTY_ALLOW_LIST)).message).toBe(
      'https is required for example.com (add it to PATCHBAY_ALLOWED_PRIVATE_TARGETS to allow http)',
    );
    expect(() => checkRequestUrl(new URL('https://example.com/'), EMPTY_ALLOW_LIST)).not.toThrow();
    expect(() => checkRequestUrl(new URL('http://crm.internal:8080/'), parseTargetAllowList('crm.internal:8080'))).not.toThrow();
    expect(() => checkRequestUrl(new URL('http://crm.internal:8081/'), parseTargetAllowList('crm.internal:8080'))).toThrow(/https is required/);
    expect(() => checkRequestUrl(new URL('http://127.0.0.1:3000/'), parseTargetAllowList('127.0.0.0/8'))).not.toThrow();
    expect(() => checkRequestUrl(new URL('http://[::1]:3000/'), parseTargetAllowList('::1/128'))).not.toThrow();
  });

  it('refuses other schemes and credentials in the URL, without echoing them', () => {
    expect(configurationError(() => checkRequestUrl(new URL('file:///etc/passwd'), EMPTY_ALLOW_LIST)).message).toContain('unsupported URL scheme file');
    expect(configurationError(() => checkRequestUrl(new URL('gopher://example.com/'), EMPTY_ALLOW_LIST)).message).toContain('gopher');
    const error = configurationError(() => checkRequestUrl(new URL('https://user:hunter2@example.com/'), EMPTY_ALLOW_LIST));
    expect(error.message).not.toContain('hunter2');
  });
});

describe('checkConnectAddresses', () => {
  it('explains a blocked literal and a blocked name', () => {
    expect(checkConnectAddresses('10.0.0.5', 443, ['10.0.0.5'], EMPTY_ALLOW_LIST)).toEqual({
      allowed: false,
      reason: 'blocked: 10.0.0.5 is a private address (set PATCHBAY_ALLOWED_PRIVATE_TARGETS to allow it)',
    });
    expect(checkConnectAddresses('crm.example', 443, ['10.0.0.5'], EMPTY_ALLOW_LIST)).toEqual({
      allowed: false,
      reason: 'blocked: crm.example resolves to 10.0.0.5, a private address (set PATCHBAY_ALLOWED_PRIVATE_TARGETS to allow it)',
    });
  });

  it('refuses a name with any non-public address in its answer (DNS rebinding)', () => {
    const verdict = checkConnectAddresses('rebind.example', 443, ['93.184.216.34', '169.254.169.254'], EMPTY_ALLOW_LIST);
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed === false && verdict.reason).toContain('169.254.169.254, a link-local address');
    expect(checkConnectAddresses('ok.example', 443, ['93.184.216.34', '2606:4700::1'], EMPTY_ALLOW_LIST)).toEqual({ allowed: true });
    expect(checkConnectAddresses('empty.example', 443, [], EMPTY_ALLOW_LIST).allowed).toBe(false);
  });

  it('lets allow-listed names and networks through', () => {
    expect(checkConnectAddresses('crm.internal', 443, ['10.0.0.5'], parseTargetAllowList('crm.internal')).allowed).toBe(true);
    expect(checkConnectAddresses('crm.internal', 443, ['10.0.0.5'], parseTargetAllowList('crm.internal:8443')).allowed).toBe(false);
    expect(checkConnectAddresses('crm.internal', 443, ['10.0.0.5'], parseTargetAllowList('10.0.0.0/24')).allowed).toBe(true);
    expect(checkConnectAddresses('crm.internal', 443, ['10.0.0.5', '10.0.1.5'], parseTargetAllowList('10.0.0.0/24')).allowed).toBe(false);
  });
});

describe('guarded connector', () => {
  let netConnect: ReturnType<typeof vi.spyOn>;
  let tlsConnect: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    netConnect = vi.spyOn(net, 'connect');
    tlsConnect = vi.spyOn(tls, 'connect');
  });
  afterEach(() => vi.restoreAllMocks());

  const connectWith = (lookup: DnsLookup, hostname: string, protocol = 'https:') =>
    new Promise<Error | null>((resolve) => {
      createGuardedConnector({ allowList: EMPTY_ALLOW_LIST, lookup })({ hostname, protocol, port: '' }, (...result) => resolve(result[0]));
    });

  it('refuses a blocked literal without DNS and without opening a socket', async () => {
    const error = await connectWith(noDns, '169.254.169.254');
    expect(error?.message).toBe('blocked: 169.254.169.254 is a link-local address (set PATCHBAY_ALLOWED_PRIVATE_TARGETS to allow it)');
    expect(netConnect).not.toHaveBeenCalled();
    expect(tlsConnect).not.toHaveBeenCalled();
  });

  it('resolves names itself and refuses before connecting', async () => {
    const lookup = vi.fn<DnsLookup>(async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '::ffff:10.0.0.1', family: 6 },
    ]);
    const error = await connectWith(lookup, 'rebind.example');
    expect(lookup).toHaveBeenCalledWith('rebind.example');
    expect(error?.message).toContain('rebind.example resolves to ::ffff:a00:1, which embeds 10.0.0.1, a private address');
    expect(netConnect).not.toHaveBeenCalled();
    expect(tlsConnect).not.toHaveBeenCalled();
  });

  it('passes DNS failures through', async () => {
    const error = await connectWith(async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nope.example'), { code: 'ENOTFOUND' });
    }, 'nope.example');
    expect(error?.message).toContain('ENOTFOUND');
  });
});

describe('IP literals in every notation are refused end to end', () => {
  const agent = new GuardedAgent({ allowList: EMPTY_ALLOW_LIST, lookup: noDns });
  afterAll(() => agent.close());
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['https://2130706433/', '127.0.0.1 is a loopback address'],
    ['https://0177.0.0.1/', '127.0.0.1 is a loopback address'],
    ['https://0x7f.0.0.1/', '127.0.0.1 is a loopback address'],
    ['https://0x7f000001/', '127.0.0.1 is a loopback address'],
    ['https://127.1/', '127.0.0.1 is a loopback address'],
    ['https://127.0.1/', '127.0.0.1 is a loopback address'],
    ['https://0x7f.1/', '127.0.0.1 is a loopback address'],
    ['https://10.1/', '10.0.0.1 is a private address'],
    ['https://012.0.0.5/', '10.0.0.5 is a private address'],
    ['https://0xA9FEA9FE/', '169.254.169.254 is a link-local address'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['https://0.0.0.0/', '0.0.0.0 is an unspecified address'],
    ['https://100.64.0.1/', '100.64.0.1 is a carrier-grade NAT address'],
    ['https://[::1]/', '::1 is a loopback address'],
    ['https://[::ffff:127.0.0.1]/', 'embeds 127.0.0.1, a loopback address'],
    ['https://[::ffff:7f00:1]/', 'embeds 127.0.0.1, a loopback address'],
    ['https://[::127.0.0.1]/', 'IPv4-compatible IPv6 address (deprecated) embedding 127.0.0.1'],
    ['https://[fe80::1]/', 'fe80::1 is a link-local address'],
    ['https://[fd00::1]/', 'fd00::1 is a unique local address'],
    ['https://[2002:a00:1::1]/', 'embeds 10.0.0.1, a private address'],
    ['https://[64:ff9b::a9fe:a9fe]/', 'embeds 169.254.169.254, a link-local address'],
  ])('%s', async (url, reason) => {
    const netConnect = vi.spyOn(net, 'connect');
    const tlsConnect = vi.spyOn(tls, 'connect');
    const error = await sendRequest(
      { method: 'GET', url, headers: { Authorization: 'Bearer sekrit-value' } },
      { agent, ...systemSendTime },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).errorType).toBe('request_configuration_error');
    expect((error as SendError).message).toContain(reason);
    expect((error as SendError).message).not.toContain('sekrit');
    expect(netConnect).not.toHaveBeenCalled();
    expect(tlsConnect).not.toHaveBeenCalled();
  });

  it.each([
    [{ method: 'CONNECT' as never, url: 'https://example.com/' }, 'unsupported HTTP method CONNECT'],
    [{ method: 'GET' as const, url: '/relative/path' }, 'the request URL is not a valid absolute URL'],
    [{ method: 'GET' as const, url: 'https://example.com/', maxResponseBytes: -1 }, 'maxResponseBytes must be a non-negative integer'],
    [{ method: 'GET' as const, url: 'https://example.com/', headers: { Host: 'internal' } }, 'header Host is set by the HTTP client'],
  ])('refuses an invalid request before sending: %o', async (input, message) => {
    const error = await sendRequest(input, { agent, ...systemSendTime }).catch((e: unknown) => e);
    expect((error as SendError).errorType).toBe('request_configuration_error');
    expect((error as SendError).message).toContain(message);
    expect((error as SendError).attempts).toEqual([]);
  });

  it('requires https before anything else for a non-allow-listed literal', async () => {
    const error = await sendRequest({ method: 'GET', url: 'http://0177.0.0.1:8080/' }, { agent, ...systemSendTime }).catch((e: unknown) => e);
    expect((error as SendError).errorType).toBe('request_configuration_error');
    expect((error as SendError).message).toBe('https is required for 127.0.0.1 (add it to PATCHBAY_ALLOWED_PRIVATE_TARGETS to allow http)');
  });
});
