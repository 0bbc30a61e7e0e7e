import ipaddr from 'ipaddr.js';

export type IpFamily = 'ipv4' | 'ipv6';

/** Map key of a network: a number for IPv4 (`length * 2^32 + masked value`), a bit string for IPv6. */
export type NetworkKey = number | string;

const TWO_POW_32 = 0x1_0000_0000;
const NO_BYTES: readonly number[] = [];

/**
 * A CIDR as the agent reads it. Networks are identified by keys: IPv4 keys are numbers
 * (`length * 2^32 + masked value`, fast map lookups), IPv6 keys are bit-string prefixes. Containment is
 * "the inner address's key at the outer length equals the outer network key".
 */
export class ParsedCidr {
  readonly isHost: boolean;
  /** Key of the canonical network (what the kernel stores). */
  readonly networkKey: NetworkKey;
  /** Key of the address as written + prefix length: the agent's map key before main canonicalised CIDRs. */
  readonly writtenKey: NetworkKey;
  private readonly width: number;
  private readonly v4Value: number;
  private bitsCache: string | undefined;
  private canonicalCache: string | undefined;
  private v6Prefixes: (string | undefined)[] | undefined;

  constructor(
    readonly family: IpFamily,
    readonly prefixLength: number,
    bytes: readonly number[],
    /** IPv4 address as a number, when the caller already has it (`bytes` is then ignored). */
    v4Value?: number,
  ) {
    this.width = familyBits(family);
    this.isHost = prefixLength === this.width;
    this.v4Value = family === 'ipv4' ? (v4Value ?? bytes.reduce((value, byte) => value * 256 + byte, 0)) : 0;
    if (family === 'ipv6') this.bitsCache = toBits(bytes);
    this.networkKey = this.prefixKey(prefixLength);
    this.writtenKey =
      family === 'ipv4' ? prefixLength * TWO_POW_32 + this.v4Value : `${this.addressBits}/${prefixLength}`;
  }

  /** IPv4 from its numeric value; `written` is `address/length` as written, when in canonical digits. */
  static ipv4(value: number, prefixLength: number, written: string | undefined): ParsedCidr {
    const cidr = new ParsedCidr('ipv4', prefixLength, NO_BYTES, value);
    if (written !== undefined && value % 2 ** (32 - prefixLength) === 0) cidr.canonicalCache = written;
    return cidr;
  }

  /** Address bits as written, host bits included (32 or 128 chars). */
  get addressBits(): string {
    return (this.bitsCache ??= this.v4Value.toString(2).padStart(32, '0'));
  }

  /** Canonical `network/prefixLength` (host bits masked, IPv6 in RFC 5952 form). */
  get canonical(): string {
    if (this.canonicalCache === undefined) {
      if (this.family === 'ipv4') {
        const scale = 2 ** (32 - this.prefixLength);
        const network = Math.floor(this.v4Value / scale) * scale;
        this.canonicalCache = `${network >>> 24}.${(network >>> 16) & 255}.${(network >>> 8) & 255}.${network & 255}/${this.prefixLength}`;
      } else {
        const bits = this.addressBits.slice(0, this.prefixLength).padEnd(this.width, '0');
        const bytes: number[] = [];
        for (let offset = 0; offset < bits.length; offset += 8) bytes.push(parseInt(bits.slice(offset, offset + 8), 2));
        this.canonicalCache = `${ipaddr.fromByteArray(bytes).toString()}/${this.prefixLength}`;
      }
    }
    return this.canonicalCache;
  }

  /** Key of the length-`length` network containing the address as written. */
  prefixKey(length: number): NetworkKey {
    if (this.family === 'ipv4') {
      return length * TWO_POW_32 + (length === 0 ? 0 : Math.floor(this.v4Value / 2 ** (32 - length)));
    }
    this.v6Prefixes ??= [];
    return (this.v6Prefixes[length] ??= this.addressBits.slice(0, length));
  }

  /** Key of the length-`length` network containing the canonical (host bits masked) address. */
  canonicalPrefixKey(length: number): NetworkKey {
    if (length <= this.prefixLength) return this.prefixKey(length);
    if (this.family === 'ipv4') {
      const scale = 2 ** (32 - this.prefixLength);
      const network = Math.floor(this.v4Value / scale) * scale;
      return length * TWO_POW_32 + Math.floor(network / 2 ** (32 - length));
    }
    return this.addressBits.slice(0, this.prefixLength).padEnd(length, '0');
  }

  /** Whether this network contains the address of `inner` (as written, or canonical). */
  containsAddressOf(inner: ParsedCidr, canonical: boolean): boolean {
    if (inner.family !== this.family) return false;
    const key = canonical ? inner.canonicalPrefixKey(this.prefixLength) : inner.prefixKey(this.prefixLength);
    return key === this.networkKey;
  }
}

function toBits(bytes: readonly number[]): string {
  return bytes.map((byte) => byte.toString(2).padStart(8, '0')).join('');
}

export function familyBits(family: IpFamily): number {
  return family === 'ipv4' ? 32 : 128;
}

/** `IPv4` / `IPv6`, as messages name a family. */
export function familyLabel(family: IpFamily): string {
  return family === 'ipv4' ? 'IPv4' : 'IPv6';
}

/** Go's `net.ParseCIDR` accepts only dotted four-part decimal IPv4 without leading zeros. */
const FOUR_PART_DECIMAL = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;

function parsePrefix(text: string, max: number): number | undefined {
  if (!/^\d{1,3}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= max ? value : undefined;
}

/**
 * Parses a PolicyEndpoint CIDR or bare IP (a bare IP gets the host mask, §2.8 step 3a). Like Go's
 * `net.ParseCIDR`, IPv4 must be four-part decimal and IPv6 may not carry a zone. `undefined` when invalid.
 */
export function parseCidr(raw: string): ParsedCidr | undefined {
  const fast = parseIpv4Cidr(raw);
  if (fast !== undefined) return fast;
  const text = raw.trim();
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const family: IpFamily | undefined = FOUR_PART_DECIMAL.test(addressText)
    ? 'ipv4'
    : addressText.includes(':') && !addressText.includes('%')
      ? 'ipv6'
      : undefined;
  if (family === undefined) return undefined;
  const width = familyBits(family);
  const prefixLength = slash === -1 ? width : parsePrefix(text.slice(slash + 1), width);
  if (prefixLength === undefined) return undefined;
  try {
    const bytes =
      family === 'ipv4' ? ipaddr.IPv4.parse(addressText).octets : ipaddr.IPv6.parse(addressText).toByteArray();
    return new ParsedCidr(family, prefixLength, bytes);
  } catch {
    return undefined;
  }
}

const ZERO = 48;
const NINE = 57;
const DOT = 46;
const SLASH = 47;

/**
 * The common case of `parseCidr` without regexes or ipaddr.js: untrimmed four-part decimal IPv4 without leading
 * zeros (each part ≤ 255), optionally `/` and a prefix length of 1–3 digits ≤ 32. `undefined` for anything else,
 * which `parseCidr` then reads the general way (same result for valid input, `undefined` for invalid).
 */
function parseIpv4Cidr(text: string): ParsedCidr | undefined {
  const length = text.length;
  let at = 0;
  let value = 0;
  for (let part = 0; part < 4; part++) {
    const first = at;
    let octet = 0;
    while (at < length) {
      const c = text.charCodeAt(at);
      if (c < ZERO || c > NINE) break;
      octet = octet * 10 + (c - ZERO);
      at++;
    }
    const digits = at - first;
    if (digits === 0 || digits > 3 || octet > 255 || (digits > 1 && text.charCodeAt(first) === ZERO)) return undefined;
    value = value * 256 + octet;
    if (part < 3) {
      if (at >= length || text.charCodeAt(at) !== DOT) return undefined;
      at++;
    }
  }
  if (at === length) return ParsedCidr.ipv4(value, 32, `${text}/32`);
  if (text.charCodeAt(at) !== SLASH) return undefined;
  const digits = length - at - 1;
  if (digits < 1 || digits > 3) return undefined;
  let prefixLength = 0;
  for (let i = at + 1; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) return undefined;
    prefixLength = prefixLength * 10 + (c - ZERO);
  }
  if (prefixLength > 32) return undefined;
  const canonicalDigits = digits === 1 || text.charCodeAt(at + 1) !== ZERO;
  return ParsedCidr.ipv4(value, prefixLength, canonicalDigits ? text : undefined);
}

/** Memoised `parseCidr`: one node computation parses each distinct PolicyEndpoint string once. */
export class CidrParser {
  private readonly cache = new Map<string, ParsedCidr | undefined>();

  parse(raw: string): ParsedCidr | undefined {
    const cached = this.cache.get(raw);
    if (cached !== undefined || this.cache.has(raw)) return cached;
    const parsed = parseCidr(raw);
    this.cache.set(raw, parsed);
    return parsed;
  }
}

/** An IP address (no prefix length) as a host CIDR; `undefined` when it is not one. */
function hostAddress(ip: string): ParsedCidr | undefined {
  const parsed = parseCidr(ip);
  return parsed?.isHost === true && !ip.includes('/') ? parsed : undefined;
}

/** Family of an IP address, `undefined` when it is not one. */
export function ipFamilyOf(ip: string): IpFamily | undefined {
  return hostAddress(ip)?.family;
}

/** `net.IP.Equal`: the same address however it is written, IPv4-mapped IPv6 included; `false` unless both are IPs. */
export function sameIp(left: string, right: string): boolean {
  const a = comparableIp(left);
  return a !== undefined && a === comparableIp(right);
}

function comparableIp(ip: string): string | undefined {
  return ipFamilyOf(ip) === undefined ? undefined : ipaddr.process(ip.trim()).toString();
}

/** Normalised text of an IP (`fd00:0::5` → `fd00::5`); `undefined` when it is not an IP. */
export function normaliseIp(ip: string): string | undefined {
  return ipFamilyOf(ip) === undefined ? undefined : ipaddr.parse(ip.trim()).toString();
}

/** Whether the address `ip` lies in `cidr` (CIDR or bare IP) and in none of `except`; unparsable input never matches. */
export function cidrContains(cidr: string, ip: string, except: readonly string[] = []): boolean {
  const address = hostAddress(ip);
  if (address === undefined || parseCidr(cidr)?.containsAddressOf(address, false) !== true) return false;
  return !except.some((excluded) => parseCidr(excluded)?.containsAddressOf(address, false) === true);
}
