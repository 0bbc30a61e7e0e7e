import ipaddr from 'ipaddr.js';

type Address = ReturnType<typeof ipaddr.parse>;

function parseAddress(text: string): Address | undefined {
  return ipaddr.isValid(text) ? ipaddr.parse(text) : undefined;
}

/** A bare IP (`/32` or `/128`) or a CIDR; `undefined` when unparsable. */
function parseRange(text: string): [Address, number] | undefined {
  if (ipaddr.isValidCIDR(text)) return ipaddr.parseCIDR(text);
  const address = parseAddress(text);
  return address === undefined ? undefined : [address, address.kind() === 'ipv4' ? 32 : 128];
}

/** Whether `ip` lies in `cidr` (bare IP or CIDR) and in none of `except`; unparsable input never matches. */
export function cidrContains(cidr: string, ip: string, except: readonly string[] = []): boolean {
  const address = parseAddress(ip);
  const range = parseRange(cidr);
  if (address === undefined || range === undefined || address.kind() !== range[0].kind()) return false;
  if (!address.match(range)) return false;
  return !except.some((excluded) => {
    const excludedRange = parseRange(excluded);
    return excludedRange !== undefined && excludedRange[0].kind() === address.kind() && address.match(excludedRange);
  });
}
