import ipaddr from 'ipaddr.js';

/** What an IP address is, as far as outbound requests are concerned. */
export type AddressCategory =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade-nat'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'reserved'
  | 'unique-local'
  | 'ipv4-compatible'
  | 'nat64-local'
  | 'invalid';

export interface AddressClassification {
  /** Canonical form (dotted quad, RFC 5952 for IPv6); the input when invalid. */
  address: string;
  category: AddressCategory;
  /** True only for public unicast addresses. */
  isPublic: boolean;
  /** For IPv6 forms that carry an IPv4 address (mapped, 6to4, Teredo, NAT64): the carried address. */
  embeddedIPv4?: string;
  /** "a private address", "::ffff:7f00:1, which embeds 127.0.0.1, a loopback address", ... */
  description: string;
}

const CATEGORY_TEXT: Record<AddressCategory, string> = {
  public: 'a public address',
  loopback: 'a loopback address',
  private: 'a private address',
  'link-local': 'a link-local address',
  'carrier-grade-nat': 'a carrier-grade NAT address',
  multicast: 'a multicast address',
  unspecified: 'an unspecified address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
  'unique-local': 'a unique local address',
  'ipv4-compatible': 'an IPv4-compatible IPv6 address (deprecated)',
  'nat64-local': 'a local-use NAT64 address',
  invalid: 'not a valid IP address',
};

const IPV4_RANGES: Partial<Record<string, AddressCategory>> = {
  unicast: 'public',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade-nat',
  private: 'private',
  // Everything else ipaddr.js names (reserved, as112, amt, benchmarking) is
  // special-purpose: no connector has a reason to call it.
};

const IPV6_RANGES: Partial<Record<string, AddressCategory>> = {
  unicast: 'public',
  unspecified: 'unspecified',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'link-local',
};

/**
 * Classifies one IP address. Accepts every notation ipaddr.js parses (dotted,
 * decimal, octal, hex, short forms, IPv6 with or without an embedded dotted
 * IPv4, zone ids), so a literal cannot slip through by being spelled oddly.
 * Only public unicast passes; IPv6 forms that carry an IPv4 address are judged
 * by the IPv4 address they carry.
 */
export function classifyAddress(input: string): AddressClassification {
  const parsed = parseAnyNotation(input);
  if (!parsed) return { address: input, category: 'invalid', isPublic: false, description: CATEGORY_TEXT.invalid };
  if (parsed.kind() === 'ipv4') return classifyIPv4(parsed as ipaddr.IPv4);
  return classifyIPv6(parsed as ipaddr.IPv6);
}

function parseAnyNotation(input: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  let text = input.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  if (text.includes(':')) {
    // ipaddr.js reads "::127.0.0.1" (IPv4-compatible) as "::ffff:127.0.0.1";
    // WHATWG URL parsing gets the bits right, so canonicalise through it first.
    const withoutZone = text.replace(/%.*$/, '');
    try {
      text = new URL(`http://[${withoutZone}]/`).hostname.slice(1, -1);
    } catch {
      return undefined;
    }
  }
  try {
    return ipaddr.parse(text);
  } catch {
    return undefined;
  }
}

function classifyIPv4(address: ipaddr.IPv4): AddressClassification {
  const category = IPV4_RANGES[address.range()] ?? 'reserved';
  const text = address.toString();
  return { address: text, category, isPublic: category === 'public', description: CATEGORY_TEXT[category] };
}

function classifyIPv6(address: ipaddr.IPv6): AddressClassification {
  const text = address.toRFC5952String();
  const embedded = embeddedIPv4(address);
  if (embedded) {
    const inner = classifyIPv4(embedded.ipv4);
    if (embedded.alwaysBlocked) {
      return {
        address: text,
        category: 'ipv4-compatible',
        isPublic: false,
        embeddedIPv4: inner.address,
        description: `${CATEGORY_TEXT['ipv4-compatible']} embedding ${inner.address}`,
      };
    }
    return {
      address: text,
      category: inner.category,
      isPublic: inner.isPublic,
      embeddedIPv4: inner.address,
      description: `${text}, which embeds ${inner.address}, ${inner.description}`,
    };
  }
  const range = address.range();
  if (range === 'rfc6052') {
    // 64:ff9b:1::/48 is for local NAT64 deployments; where the IPv4 sits depends
    // on the operator's prefix length, so it cannot be judged. Refuse it.
    return { address: text, category: 'nat64-local', isPublic: false, description: CATEGORY_TEXT['nat64-local'] };
  }
  const category = IPV6_RANGES[range] ?? 'reserved';
  return { address: text, category, isPublic: category === 'public', description: CATEGORY_TEXT[category] };
}

function embeddedIPv4(address: ipaddr.IPv6): { ipv4: ipaddr.IPv4; alwaysBlocked: boolean } | undefined {
  const p = address.parts as [number, number, number, number, number, number, number, number];
  const last32 = () => new ipaddr.IPv4([p[6] >> 8, p[6] & 0xff, p[7] >> 8, p[7] & 0xff]);
  const zeros = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d (mapped) and ::ffff:0:a.b.c.d (SIIT translated)
  if (zeros(0, 5) && p[5] === 0xffff) return { ipv4: last32(), alwaysBlocked: false };
  if (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) return { ipv4: last32(), alwaysBlocked: false };
  // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291); :: and ::1 are handled by range()
  if (zeros(0, 6) && (p[6] !== 0 || p[7] > 1)) return { ipv4: last32(), alwaysBlocked: true };
  // 64:ff9b::a.b.c.d, the well-known NAT64 prefix (RFC 6052)
  if (p[0] === 0x64 && p[1] === 0xff9b && zeros(2, 6)) return { ipv4: last32(), alwaysBlocked: false };
  // 2002:AABB:CCDD::/48 (6to4)
  if (p[0] === 0x2002) return { ipv4: new ipaddr.IPv4([p[1] >> 8, p[1] & 0xff, p[2] >> 8, p[2] & 0xff]), alwaysBlocked: false };
  // 2001:0000::/32 (Teredo): the client's IPv4 is stored inverted in the last 32 bits
  if (p[0] === 0x2001 && p[1] === 0) {
    const a = p[6] ^ 0xffff;
    const b = p[7] ^ 0xffff;
    return { ipv4: new ipaddr.IPv4([a >> 8, a & 0xff, b >> 8, b & 0xff]), alwaysBlocked: false };
  }
  return undefined;
}
