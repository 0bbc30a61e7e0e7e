import ipaddr from 'ipaddr.js';

/** Prefix length of a CIDR or bare IP (host length); -1 when unparsable. */
export function prefixLength(cidr: string): number {
  if (ipaddr.isValidCIDR(cidr)) return ipaddr.parseCIDR(cidr)[1];
  if (ipaddr.isValid(cidr)) return ipaddr.parse(cidr).kind() === 'ipv4' ? 32 : 128;
  return -1;
}
