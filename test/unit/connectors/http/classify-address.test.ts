import { describe, expect, it } from 'vitest';
import { classifyAddress, type AddressCategory } from '../../../../server/connectors/http/classify-address.ts';

describe('classifyAddress', () => {
  const table: Array<[string, AddressCategory]> = [
    // IPv4
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['100.64.0.1', 'carrier-grade-nat'],
    ['100.127.255.254', 'carrier-grade-nat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    // IPv6
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['64:ff9b:1::a00:1', 'nat64-local'],
    // IPv4 carried in IPv6 is judged by the IPv4 it carries
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:0:7f00:1', 'loopback'],
    ['::127.0.0.1', 'ipv4-compatible'],
    ['::7f00:1', 'ipv4-compatible'],
    ['::8.8.8.8', 'ipv4-compatible'],
    ['2002:a00:1::1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    // Teredo stores the client IPv4 inverted: 0xf5ffffff ^ 0xffffffff = 10.0.0.0
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private'],
    // public
    ['93.184.216.34', 'public'],
    ['8.8.8.8', 'public'],
    ['2606:4700::1', 'public'],
    ['2a00:1450:4001:82b::200e', 'public'],
    ['::ffff:93.184.216.34', 'public'],
    ['2002:5db8:d822::1', 'public'],
    ['64:ff9b::5db8:d822', 'public'],
    // garbage
    ['not-an-ip', 'invalid'],
    ['1.2.3.4.5', 'invalid'],
    ['', 'invalid'],
  ];

  it.each(table)('%s is %s', (address, category) => {
    const result = classifyAddress(address);
    expect(result.category).toBe(category);
    expect(result.isPublic).toBe(category === 'public');
  });

  it('names the embedded IPv4 address', () => {
    const result = classifyAddress('::ffff:7f00:1');
    expect(result.embeddedIPv4).toBe('127.0.0.1');
    expect(result.description).toBe('::ffff:7f00:1, which embeds 127.0.0.1, a loopback address');
    expect(classifyAddress('::127.0.0.1').description).toContain('embedding 127.0.0.1');
  });

  it.each([
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.0.0.1', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['10.1', '10.0.0.1'],
    ['0xa.0.0.5', '10.0.0.5'],
    ['012.0.0.5', '10.0.0.5'],
    ['0xA9.0376.43518', '169.254.169.254'],
  ])('reads the non-standard IPv4 literal %s as %s and refuses it', (literal, canonical) => {
    const result = classifyAddress(literal);
    expect(result.address).toBe(canonical);
    expect(result.isPublic).toBe(false);
  });
});
