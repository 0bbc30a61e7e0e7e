import type { Finding } from '#engine';
import { NGINX } from './audit-cluster';
import type { LpmRule } from './bpf-encoding';

/** A finding reduced to what each tamper test pins: check, resource and the key or program it names. */
export interface FindingDigest {
  readonly checkId: string;
  readonly resource: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

export function digest(finding: Finding): FindingDigest {
  const { kind, namespace, name } = finding.resource;
  return {
    checkId: finding.checkId,
    resource: `${kind} ${namespace === undefined ? '' : `${namespace}/`}${name}`,
    expected: finding.expected ?? null,
    actual: finding.actual ?? null,
  };
}

/** The except key of the nginx ingress map (both nginx pods share the map): RESERVED, a deny. */
export const NGINX_EXCEPT_KEY: LpmRule = { cidr: '10.0.5.0/24', slots: [{ protocol: 255, startPort: 0, endPort: 0 }] };

/** The one node finding of an audit after that key was deleted from the kernel, and a part of its message. */
export const NGINX_EXCEPT_KEY_MISSING = {
  digest: {
    checkId: 'NODE-LPM-ENTRY-MISSING',
    resource: `PodIdentifier shop/${NGINX.identifier}`,
    expected: { cidr: NGINX_EXCEPT_KEY.cidr, ports: NGINX_EXCEPT_KEY.slots, origin: 'except' },
    actual: null,
  },
  message: `lacks ${NGINX_EXCEPT_KEY.cidr} → RESERVED (deny)`,
} as const satisfies { digest: FindingDigest; message: string };
