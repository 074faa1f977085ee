import { describe, expect, it } from 'vitest';
import {
  TargetAllowListError,
  allowListMatchesAddress,
  allowListMatchesTarget,
  parseTargetAllowList,
} from '../../../../server/connectors/http/target-allow-list.ts';

describe('parseTargetAllowList', () => {
  it('is empty for an unset or blank variable', () => {
    expect(parseTargetAllowList(undefined).entries).toEqual([]);
    expect(parseTargetAllowList('').entries).toEqual([]);
    expect(parseTargetAllowList(' , ,').entries).toEqual([]);
  });

  it('reads hosts, host:port, CIDR ranges and single addresses', () => {
    const list = parseTargetAllowList(
      'crm.internal, Billing.Internal:8443,127.0.0.0/8,::1/128,10.1.2.3,[fd00::5],[fd00::6]:9000,my_service:80,bücher.example',
    );
    expect(list.entries.map((e) => e.kind)).toEqual(['host', 'host', 'network', 'network', 'network', 'network', 'host', 'host', 'host']);
    expect(list.entries[1]).toMatchObject({ kind: 'host', host: 'billing.internal', port: 8443 });
    expect(list.entries[6]).toMatchObject({ kind: 'host', host: 'fd00::6', port: 9000 });
    expect(list.entries[8]).toMatchObject({ kind: 'host', host: 'xn--bcher-kva.example' });
  });

  it.each([
    ['10.0.0.0/33', 'prefix length must be 0-32 for IPv4'],
    ['::1/129', 'prefix length must be 0-128 for IPv6'],
    ['10.0.0.0/', 'prefix length must be 0-32'],
    ['10.0.0.0/8/8', 'is not a valid CIDR range'],
    ['intranet/8', '"intranet" is not an IP address'],
    ['0x7f.0.0.1/8', 'is not an IP address in standard notation'],
    ['crm.internal:0', 'invalid port "0"'],
    ['crm.internal:65536', 'invalid port "65536"'],
    ['crm.internal:http', 'invalid port "http"'],
    ['crm.internal:', 'invalid port ""'],
    [':8080', 'has no host'],
    ['http://crm.internal', 'is a URL'],
    ['*.internal', 'wildcard'],
    ['bad host', 'contains whitespace'],
    ['crm!.internal', 'is not a valid host name'],
    ['-crm.internal', 'is not a valid host name'],
    ['10.1', 'write it as 10.0.0.1'],
    ['2130706433', 'write it as 127.0.0.1'],
    ['[::1', 'unclosed "["'],
    ['[crm.internal]:80', 'valid IPv6 address in brackets'],
    ['fd00::zz', 'is not a valid IPv6 address'],
  ])('rejects %s (%s)', (entry, reason) => {
    let thrown: unknown;
    try {
      parseTargetAllowList(`ok.example,${entry}`);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TargetAllowListError);
    const error = thrown as TargetAllowListError;
    expect(error.entry).toBe(entry.trim());
    expect(error.message).toContain(`PATCHBAY_ALLOWED_PRIVATE_TARGETS entry "${entry.trim()}"`);
    expect(error.message).toContain(reason);
  });
});

describe('allow-list matching', () => {
  const list = parseTargetAllowList('crm.internal,billing.internal:8443,127.0.0.0/8,::1/128,10.9.9.9');

  it('matches host names on any port, or only the listed one', () => {
    expect(allowListMatchesTarget(list, 'crm.internal', 80)).toBe(true);
    expect(allowListMatchesTarget(list, 'CRM.internal.', 9999)).toBe(true);
    expect(allowListMatchesTarget(list, 'billing.internal', 8443)).toBe(true);
    expect(allowListMatchesTarget(list, 'billing.internal', 443)).toBe(false);
    expect(allowListMatchesTarget(list, 'crm.internal.evil.example', 80)).toBe(false);
  });

  it('matches IP-literal hosts against networks, but not names against networks', () => {
    expect(allowListMatchesTarget(list, '127.0.0.1', 8080)).toBe(true);
    expect(allowListMatchesTarget(list, '[::1]', 8080)).toBe(true);
    expect(allowListMatchesTarget(list, '10.9.9.9', 80)).toBe(true);
    expect(allowListMatchesTarget(list, '10.9.9.8', 80)).toBe(false);
    expect(allowListMatchesTarget(list, 'localhost', 80)).toBe(false);
  });

  it('matches resolved addresses against networks, IPv4-mapped included', () => {
    expect(allowListMatchesAddress(list, '127.0.0.53')).toBe(true);
    expect(allowListMatchesAddress(list, '::ffff:127.0.0.1')).toBe(true);
    expect(allowListMatchesAddress(list, '::1')).toBe(true);
    expect(allowListMatchesAddress(list, '10.0.0.1')).toBe(false);
    expect(allowListMatchesAddress(list, 'garbage')).toBe(false);
  });
});
