import ipaddr from 'ipaddr.js';
import { familyBits, type IpFamily } from '../../facts/cidr';

/** Family of an address as Go's `net.IP.String()` prints it, or undefined if it is not an address. */
export function ipFamily(text: string): IpFamily | undefined {
  if (text.length === 0 || text.length > 64) return undefined;
  if (text.includes(':')) return !text.includes('%') && ipaddr.IPv6.isValid(text) ? 'ipv6' : undefined;
  return ipaddr.IPv4.isValidFourPartDecimal(text) ? 'ipv4' : undefined;
}

/**
 * A map key as the CLI printed it: the text is kept for the report and the comparison by text. Networks (masks,
 * containment) are `facts/cidr` `ParsedCidr`; this is only its printed form.
 */
export interface PrintedCidr {
  readonly ip: string;
  readonly prefixLen: number;
  readonly family: IpFamily;
}

/** `10.0.0.0/16`, `2600:1f14::/56`; undefined if malformed or the prefix does not fit the family. */
export function parseCidrText(text: string): PrintedCidr | undefined {
  const slash = text.lastIndexOf('/');
  if (slash <= 0) return undefined;
  const ip = text.slice(0, slash);
  const lenText = text.slice(slash + 1);
  if (lenText.length === 0 || lenText.length > 3 || !/^\d+$/.test(lenText)) return undefined;
  const family = ipFamily(ip);
  if (family === undefined) return undefined;
  const prefixLen = Number(lenText);
  if (prefixLen > familyBits(family)) return undefined;
  return { ip, prefixLen, family };
}
