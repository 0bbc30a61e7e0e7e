import {
  diffClusterPolicyEndpoints,
  type ExpectedClusterPolicy,
} from '#engine/control-plane/diff/diff-cluster-policy-endpoints';
import { buildInventory } from '#engine/inventory/build-inventory';
import type { Finding } from '#engine/model/finding';
import type { ClusterEndpointInfo, ClusterPolicyEndpoint } from '#engine/model/kubernetes';
import { clusterPolicy, clusterPolicyEndpoint, inventory, podEndpoint } from './support';

const PODS = [podEndpoint('db', 'pg-0', '10.1.0.5'), podEndpoint('db', 'pg-1', '10.1.0.6')];
const INGRESS: ClusterEndpointInfo[] = [
  { cidr: '10.0.0.0/8', action: 'Deny' },
  { cidr: '10.0.0.0/8', action: 'Accept', ports: [{ protocol: 'TCP', port: 5432 }] },
];
const EGRESS: ClusterEndpointInfo[] = [
  { domainName: 'example.com', action: 'Accept', ports: [{ protocol: 'TCP', port: 443 }] },
];

/** Shaped like the resolver's ResolvedClusterPolicy: checks that it is accepted structurally. */
const EXPECTED: ExpectedClusterPolicy = {
  policyRef: { name: 'deny-db' },
  tier: 'Admin',
  priority: 10,
  podSelectorEndpoints: PODS,
  ingress: INGRESS,
  egress: EGRESS,
};

function asEndpoint(
  name: string,
  content: Partial<ClusterPolicyEndpoint['spec']> = {},
  ownerUid?: string,
): ClusterPolicyEndpoint {
  return clusterPolicyEndpoint(
    name,
    {
      policyRef: { name: 'deny-db' },
      podSelectorEndpoints: [...PODS],
      ingress: [...INGRESS],
      egress: [...EGRESS],
      ...content,
    },
    ownerUid,
  );
}

function diff(endpoints: ClusterPolicyEndpoint[], expected: ExpectedClusterPolicy[] = [EXPECTED]): Finding[] {
  return diffClusterPolicyEndpoints(
    inventory({ clusterNetworkPolicies: [clusterPolicy('deny-db', 'uid-cnp')], clusterPolicyEndpoints: endpoints }),
    expected,
  );
}

function ids(findings: readonly Finding[]): string[] {
  return findings.map((finding) => finding.checkId).sort();
}

describe('diffClusterPolicyEndpoints', () => {
  it('reports nothing for matching content split over two CPEs', () => {
    // Prepare
    const first = asEndpoint('deny-db-a', {
      podSelectorEndpoints: [podEndpoint('db', 'pg-1', '10.1.0.6')],
      egress: [],
    });
    const second = asEndpoint('deny-db-b', {
      podSelectorEndpoints: [podEndpoint('db', 'pg-0', '10.1.0.5')],
      ingress: [...INGRESS].reverse(),
    });
    // Act / Assess
    expect(diff([first, second])).toEqual([]);
  });

  it('groups by action: an Accept that became Pass is one missing and one extra entry', () => {
    // Prepare
    const flipped = asEndpoint('deny-db-a', {
      ingress: [
        { cidr: '10.0.0.0/8', action: 'Deny' },
        { cidr: '10.0.0.0/8', action: 'Pass', ports: [{ protocol: 'TCP', port: 5432 }] },
      ],
    });
    // Act
    const findings = diff([flipped]);
    // Assess
    expect(ids(findings)).toEqual(['CP-CPE-INGRESS-EXTRA', 'CP-CPE-INGRESS-MISSING']);
    expect(findings.find((finding) => finding.checkId === 'CP-CPE-INGRESS-MISSING')?.expected).toEqual({
      cidr: '10.0.0.0/8',
      action: 'Accept',
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
  });

  it('reports a missing CPE and an orphan CPE', () => {
    // Prepare
    const orphan = clusterPolicyEndpoint('gone-x', {
      policyRef: { name: 'gone' },
      podSelectorEndpoints: [podEndpoint('db', 'pg-0', '10.1.0.5')],
    });
    // Act
    const findings = diff([orphan]);
    // Assess
    expect(ids(findings)).toEqual(['CP-CPE-MISSING', 'CP-CPE-ORPHAN']);
    expect(findings.find((finding) => finding.checkId === 'CP-CPE-ORPHAN')).toMatchObject({
      severity: 'medium',
      resource: { kind: 'ClusterNetworkPolicy', name: 'gone' },
    });
  });

  it('reports a CPE owned by a deleted CNP of the same name as orphan, and gathers by owner UID', () => {
    // Prepare
    const stale = asEndpoint('deny-db-old', {}, 'uid-deleted');
    const renamed = asEndpoint('deny-db-a', { policyRef: { name: 'renamed' } }, 'uid-cnp');
    // Act
    const findings = diff([stale, renamed]);
    // Assess
    expect(ids(findings)).toEqual(['CP-CPE-ORPHAN']);
  });

  it('says a CPE of a ClusterNetworkPolicy skipped as malformed is owned by a policy that could not be read', () => {
    // Prepare
    const malformed = buildInventory({
      clusterName: 'c',
      documents: [
        {
          source: 'k8s/clusternetworkpolicies.json',
          content: {
            apiVersion: 'networking.k8s.aws/v1alpha1',
            kind: 'ClusterNetworkPolicy',
            metadata: { name: 'gone' },
            spec: 7,
          },
        },
      ],
    }).inputFindings;
    const endpoint = clusterPolicyEndpoint('gone-x', {
      policyRef: { name: 'gone' },
      podSelectorEndpoints: [podEndpoint('db', 'pg-0', '10.1.0.5')],
    });
    // Act
    const findings = diffClusterPolicyEndpoints(
      inventory({
        clusterNetworkPolicies: [clusterPolicy('deny-db', 'uid-cnp')],
        clusterPolicyEndpoints: [asEndpoint('deny-db-a'), endpoint],
        inputFindings: malformed,
      }),
      [EXPECTED],
    );
    // Assess
    expect(malformed.map((finding) => finding.checkId)).toEqual(['INPUT-MALFORMED-OBJECT']);
    expect(ids(findings)).toEqual(['CP-CPE-POLICY-UNREADABLE']);
    expect(findings[0]).toMatchObject({ severity: 'info', resource: { kind: 'ClusterNetworkPolicy', name: 'gone' } });
    expect(findings[0]?.message).toMatch(
      /^ClusterPolicyEndpoint gone-x is owned by ClusterNetworkPolicy gone, a policy that could not be read \(.+\); its content is not compared\./,
    );
  });

  it('reports tier/priority mismatches', () => {
    const findings = diff([asEndpoint('deny-db-a', { tier: 'Baseline', priority: 3 })]);
    expect(findings).toEqual([
      expect.objectContaining({
        checkId: 'CP-CPE-TIER-PRIORITY-MISMATCH',
        actual: [{ clusterPolicyEndpoint: 'deny-db-a', tier: 'Baseline', priority: 3 }],
      }),
    ]);
  });

  it('reports pods missing, extra and with stale IPs', () => {
    // Prepare
    const endpoint = asEndpoint('deny-db-a', {
      podSelectorEndpoints: [podEndpoint('db', 'pg-0', '10.9.9.9'), podEndpoint('db', 'other', '10.1.0.7')],
    });
    // Act / Assess
    expect(ids(diff([endpoint]))).toEqual(['CP-CPE-POD-EXTRA', 'CP-CPE-POD-MISSING', 'CP-CPE-POD-STALE-IP']);
  });

  it('explains narrower ports where an all-ports entry was lost (no all-ports precedence in CPE combine)', () => {
    // Prepare
    const expected: ExpectedClusterPolicy = {
      ...EXPECTED,
      ingress: [
        { cidr: '10.0.0.0/8', action: 'Accept' },
        { cidr: '10.0.0.0/8', action: 'Accept', ports: [{ protocol: 'TCP', port: 1 }] },
      ],
    };
    const endpoint = asEndpoint('deny-db-a', {
      ingress: [{ cidr: '10.0.0.0/8', action: 'Accept', ports: [{ protocol: 'TCP', port: 1 }] }],
    });
    // Act
    const findings = diff([endpoint], [expected]);
    // Assess
    expect(ids(findings)).toEqual(['CP-CPE-PORTS-NARROWER']);
    expect(findings[0]?.message).toMatch(/no all-ports precedence/);
    expect(findings[0]?.upstreamIssue).toBeUndefined();
  });

  it('reports extra egress entries and does nothing when the kind is unavailable', () => {
    // Prepare
    const endpoint = asEndpoint('deny-db-a', { egress: [...EGRESS, { cidr: '0.0.0.0/0', action: 'Pass' }] });
    // Act
    const findings = diff([endpoint]);
    const skipped = diffClusterPolicyEndpoints(
      inventory({ unavailableKinds: [{ kind: 'ClusterPolicyEndpoint', reason: 'no CRD' }] }),
      [EXPECTED],
    );
    // Assess
    expect(ids(findings)).toEqual(['CP-CPE-EGRESS-EXTRA']);
    expect(skipped).toEqual([]);
  });
});
