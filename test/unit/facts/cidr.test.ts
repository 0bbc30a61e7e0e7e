import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import {
  cidrContains,
  CidrParser,
  familyBits,
  familyLabel,
  ipFamilyOf,
  normaliseIp,
  parseCidr,
  sameIp,
} from '#engine/facts/cidr';

/** Go's reading of an IPv4 CIDR or bare IP, spelled out with ipaddr.js (the general path of `parseCidr`). */
function reference(raw: string): { prefixLength: number; canonical: string; value: number } | undefined {
  const text = raw.trim();
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  if (!/^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/.test(address) || !ipaddr.IPv4.isValid(address)) {
    return undefined;
  }
  const lengthText = slash === -1 ? '32' : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText) || Number(lengthText) > 32) return undefined;
  const prefixLength = Number(lengthText);
  const value = ipaddr.IPv4.parse(address).octets.reduce((sum, byte) => sum * 256 + byte, 0);
  const scale = 2 ** (32 - prefixLength);
  const network = Math.floor(value / scale) * scale;
  const bytes = [network >>> 24, (network >>> 16) & 255, (network >>> 8) & 255, network & 255];
  return { prefixLength, canonical: `${ipaddr.fromByteArray(bytes).toString()}/${prefixLength}`, value };
}

const part = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 255 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('256', '01', '00', '1000', '', 'a', '0x1', ' 1') },
);
const suffix = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 32 }).map((n) => `/${n}`) },
  { weight: 1, arbitrary: fc.constantFrom('', '/', '/33', '/032', '/0032', '/00', '/3/2', '/ 8', ' ', '/8 ') },
);
const ipv4Text = fc
  .tuple(part, part, part, part, suffix, fc.constantFrom('', ' ', '\t'))
  .map(([a, b, c, d, s, pad]) => `${pad}${a}.${b}.${c}.${d}${s}`);

describe('parseCidr (IPv4)', () => {
  it('reads dotted text as ipaddr.js and Go do: validity, prefix, canonical network and keys', () => {
    fc.assert(
      fc.property(ipv4Text, (text) => {
        const parsed = parseCidr(text);
        const expected = reference(text);
        if (expected === undefined) {
          expect(parsed).toBeUndefined();
          return;
        }
        expect(parsed).toBeDefined();
        expect({
          family: parsed?.family,
          prefixLength: parsed?.prefixLength,
          canonical: parsed?.canonical,
          writtenKey: parsed?.writtenKey,
          isHost: parsed?.isHost,
        }).toEqual({
          family: 'ipv4',
          prefixLength: expected.prefixLength,
          canonical: expected.canonical,
          writtenKey: expected.prefixLength * 2 ** 32 + expected.value,
          isHost: expected.prefixLength === 32,
        });
        const network = parseCidr(expected.canonical);
        expect(parsed?.networkKey).toBe(network?.networkKey);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the host mask to a bare address and keeps a written host address in the key', () => {
    // Prepare
    const cidrs = new CidrParser();

    // Act
    const bare = cidrs.parse('10.0.3.7');
    const written = cidrs.parse('10.0.3.7/24');
    const invalid = cidrs.parse('10.0.3.07');

    // Assess
    expect([bare?.canonical, bare?.isHost]).toEqual(['10.0.3.7/32', true]);
    expect(written?.canonical).toBe('10.0.3.0/24');
    expect(written?.writtenKey).not.toBe(written?.networkKey);
    expect(written?.containsAddressOf(bare ?? written, false)).toBe(true);
    expect(invalid).toBeUndefined();
    expect(cidrs.parse('10.0.3.07')).toBeUndefined();
  });
});

describe('parseCidr (IPv6)', () => {
  it.each([
    ['2600:1f14:0:0::5/56', '2600:1f14::/56', false],
    ['fd00:0::5', 'fd00::5/128', true],
    ['::/0', '::/0', false],
    ['2600:1F14::1:0/112', '2600:1f14::1:0/112', false],
  ])('normalises %s to %s', (raw, canonical, isHost) => {
    // Act
    const parsed = parseCidr(raw);

    // Assess
    expect(parsed).toMatchObject({ family: 'ipv6', canonical, isHost });
  });

  it.each(['fe80::1%eth0', '2600::/129', '2600:::1/64', 'fd00::/64/1'])('rejects %s as Go does', (raw) => {
    expect(parseCidr(raw)).toBeUndefined();
  });

  it('contains an address of its own family only', () => {
    // Prepare
    const network = parseCidr('2600:1f14::/56');
    const inside = parseCidr('2600:1f14::99');
    const v4 = parseCidr('10.0.0.1');

    // Act / Assess
    expect(network?.containsAddressOf(inside ?? network, false)).toBe(true);
    expect(network?.containsAddressOf(v4 ?? network, false)).toBe(false);
  });
});

describe('IP family', () => {
  it.each([
    ['10.0.0.1', 'ipv4'],
    ['fd00::5', 'ipv6'],
    ['10.0.0.0/8', undefined],
    ['10.1', undefined],
    ['not-an-ip', undefined],
  ] as const)('%s is %s', (text, family) => {
    expect(ipFamilyOf(text)).toBe(family);
  });

  it('names and sizes each family', () => {
    expect([familyLabel('ipv4'), familyBits('ipv4')]).toEqual(['IPv4', 32]);
    expect([familyLabel('ipv6'), familyBits('ipv6')]).toEqual(['IPv6', 128]);
  });

  it('compares addresses however they are written, as net.IP.Equal does', () => {
    expect(sameIp('fd00:0::5', 'fd00::5')).toBe(true);
    expect(sameIp('::ffff:10.0.0.1', '10.0.0.1')).toBe(true);
    expect(sameIp('10.0.0.1', '10.0.0.2')).toBe(false);
    expect(normaliseIp('garbage')).toBeUndefined();
  });
});

describe('cidrContains', () => {
  it.each([
    ['10.0.0.0/8', '10.1.2.3', [], true],
    ['10.0.0.5/24', '10.0.0.7', [], true],
    ['10.0.0.0/8', '10.1.2.3', ['10.1.0.0/16'], false],
    ['10.0.0.0/8', '10.1.2.3', ['10.2.0.0/16', 'garbage'], true],
    ['10.0.0.7', '10.0.0.7', [], true],
    ['2600:1f14::/56', '2600:1f14::99', [], true],
    ['0.0.0.0/0', 'fd00::5', [], false],
    ['10.0.0.0/8', '10.1', [], false],
    ['10.0.0.0/8', '10.1.2.3/32', [], false],
    ['not-a-cidr', '10.1.2.3', [], false],
  ] as const)('%s holds %s except %j: %s', (cidr, ip, except, contained) => {
    expect(cidrContains(cidr, ip, except)).toBe(contained);
  });
});
