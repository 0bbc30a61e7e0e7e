import { checkStaticLimits } from '#engine/control-plane/static-limits/static-limits';
import type { EffectiveConfiguration } from '#engine/model/assessment';
import type { Finding } from '#engine/model/finding';
import type { EndpointInfo } from '#engine/model/kubernetes';
import type { ResolvedPolicy } from '#engine/model/resolved-policy';
import { inventory, networkPolicy, pod, podEndpoint, resolved } from '../diff/support';

const STANDARD: EffectiveConfiguration = {
  networkPolicyEnabled: true,
  enforcementMode: 'standard',
  cniVersion: '1.20.0',
  agentVersion: '1.4.1',
  autoMode: false,
  ipFamily: 'ipv4',
};
const STRICT: EffectiveConfiguration = { ...STANDARD, enforcementMode: 'strict' };

function tcp(from: number, count: number) {
  return Array.from({ length: count }, (_, index) => ({ protocol: 'TCP' as const, port: from + index }));
}

function byId(findings: readonly Finding[], checkId: string): Finding[] {
  return findings.filter((finding) => finding.checkId === checkId);
}

const WEB_1 = podEndpoint('app', 'web-1', '10.1.0.5');
const WEB_2 = podEndpoint('app', 'web-2', '10.1.0.6');

describe('CP-LIMIT-PORTS-PER-CIDR', () => {
  it('combines all policies selecting a pod and flags more than 24 combinations on one CIDR', () => {
    // Prepare
    const a = resolved('app', 'a', {
      podSelectorEndpoints: [WEB_1, WEB_2],
      ingress: [{ cidr: '10.9.0.0/16', ports: tcp(1000, 13) }],
    });
    const b = resolved('app', 'b', {
      podSelectorEndpoints: [WEB_1],
      ingress: [{ cidr: '10.9.0.0/16', ports: tcp(2000, 12) }],
    });
    // Act
    const findings = byId(checkStaticLimits(inventory(), [a, b], STANDARD), 'CP-LIMIT-PORTS-PER-CIDR');
    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      resource: { kind: 'Pod', namespace: 'app', name: 'web-1' },
      expected: { maxSlots: 24 },
      actual: { direction: 'ingress', cidr: '10.9.0.0/16', slots: 25, policies: ['app/a', 'app/b'], pods: 1 },
    });
  });

  it('does not flag exactly 24, nor ports spread over different CIDRs', () => {
    // Prepare
    const policy = resolved('app', 'a', {
      podSelectorEndpoints: [WEB_1],
      egress: [
        { cidr: '10.9.0.1', ports: tcp(1, 24) },
        { cidr: '10.9.0.2', ports: tcp(100, 20) },
        { cidr: '10.9.0.3', ports: tcp(200, 20) },
      ],
    });
    // Act / Assess
    expect(byId(checkStaticLimits(inventory(), [policy], STANDARD), 'CP-LIMIT-PORTS-PER-CIDR')).toEqual([]);
  });
});

describe('CP-LIMIT-HOSTNETWORK-SELECTED', () => {
  it('flags a policy whose podSelector matches hostNetwork pods, not others', () => {
    // Prepare
    const cluster = inventory({
      pods: [
        pod('mon', 'node-exporter-abc', { labels: { app: 'exporter' }, hostNetwork: true }),
        pod('mon', 'grafana-1', { labels: { app: 'grafana' } }),
        pod('mon', 'old-exporter', { labels: { app: 'exporter' }, hostNetwork: true, phase: 'Succeeded' }),
      ],
      networkPolicies: [
        networkPolicy('mon', 'exporter', { podSelector: { matchLabels: { app: 'exporter' } } }),
        networkPolicy('mon', 'grafana', { podSelector: { matchLabels: { app: 'grafana' } } }),
      ],
    });
    // Act
    const findings = byId(checkStaticLimits(cluster, [], STANDARD), 'CP-LIMIT-HOSTNETWORK-SELECTED');
    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        resource: { kind: 'NetworkPolicy', namespace: 'mon', name: 'exporter' },
        actual: { hostNetworkPods: 1, samplePods: ['node-exporter-abc'] },
      }),
    ]);
  });
});

describe('CP-LIMIT-SHARED-POD-IDENTIFIER', () => {
  const job = (name: string, node: string) => pod('batch', name, { node, ip: '10.2.0.1' });

  it('flags pods on one node sharing an identifier but with different policy sets', () => {
    // Prepare: job-x and job-y map to "job@batch"; only job-x is selected
    const policy = resolved('batch', 'job-a', { podSelectorEndpoints: [podEndpoint('batch', 'job-x', '10.2.0.1')] });
    const cluster = inventory({ pods: [job('job-x', 'n1'), job('job-y', 'n1'), job('job-z', 'n2')] });
    // Act
    const findings = byId(checkStaticLimits(cluster, [policy], STANDARD), 'CP-LIMIT-SHARED-POD-IDENTIFIER');
    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'high',
      upstreamIssue: 'aws/aws-network-policy-agent#616, aws/aws-network-policy-agent#676',
      resource: { kind: 'Pod', namespace: 'batch', name: 'job-x', node: 'n1' },
      actual: {
        identifier: 'job@batch',
        policySets: 2,
        pods: [
          { pod: 'batch/job-x', policies: ['batch/job-a'] },
          { pod: 'batch/job-y', policies: [] },
        ],
      },
    });
    expect(findings[0]?.message).not.toMatch(/version unknown/);
  });

  it('does not flag replicas with the same policy set, or pods on different nodes', () => {
    // Prepare
    const policy = resolved('batch', 'job-a', {
      podSelectorEndpoints: [podEndpoint('batch', 'job-x', '1'), podEndpoint('batch', 'job-y', '2')],
    });
    const cluster = inventory({ pods: [job('job-x', 'n1'), job('job-y', 'n1'), job('job-z', 'n2')] });
    // Act / Assess
    expect(byId(checkStaticLimits(cluster, [policy], STANDARD), 'CP-LIMIT-SHARED-POD-IDENTIFIER')).toEqual([]);
  });

  it('uses the newest identifier form when the agent version is unknown, as the node layer does, and says so', () => {
    // Prepare: a.b-x and a_b-y share a_b@ns1 (dots replaced); deny-me-x@ns1 and deny-y@me-ns1 stay apart
    const policy = resolved('ns1', 'p', {
      podSelectorEndpoints: [podEndpoint('ns1', 'a.b-x', '1'), podEndpoint('ns1', 'deny-me-x', '2')],
    });
    const cluster = inventory({
      pods: [
        pod('ns1', 'a.b-x', { node: 'n1' }),
        pod('ns1', 'a_b-y', { node: 'n1' }),
        pod('ns1', 'deny-me-x', { node: 'n1' }),
        pod('me-ns1', 'deny-y', { node: 'n1' }),
      ],
    });
    // Act
    const unknown = byId(
      checkStaticLimits(cluster, [policy], { ...STANDARD, agentVersion: undefined }),
      'CP-LIMIT-SHARED-POD-IDENTIFIER',
    );
    const legacy = byId(
      checkStaticLimits(cluster, [policy], { ...STANDARD, agentVersion: '1.3.7' }),
      'CP-LIMIT-SHARED-POD-IDENTIFIER',
    );
    // Assess
    expect(unknown).toHaveLength(1);
    expect(unknown[0]?.actual).toMatchObject({ identifier: 'a_b@ns1' });
    expect(unknown[0]?.message).toMatch(/Agent version unknown: assumed the v1\.4\.0\+ identifier form/);
    expect(legacy.map((finding) => (finding.actual as { identifier: string }).identifier).sort()).toEqual([
      'a_b-ns1',
      'deny-me-ns1',
    ]);
    expect(legacy.find((finding) => finding.message.includes('deny-me-ns1'))?.upstreamIssue).toBe(
      'aws/aws-network-policy-agent#616, aws/aws-network-policy-agent#676, aws/aws-network-policy-agent#576',
    );
  });
});

describe('strict mode', () => {
  const dns: EndpointInfo = { cidr: '172.20.0.10', ports: [{ protocol: 'UDP', port: 53 }] };
  const egressOnly = (egress: EndpointInfo[], isolation: ResolvedPolicy['podIsolation'] = ['Egress']) =>
    resolved('app', 'web', { podIsolation: isolation, podSelectorEndpoints: [WEB_1, WEB_2], egress });

  it.each<[string, EndpointInfo[], boolean]>([
    ['no egress entries', [], true],
    ['only HTTPS', [{ cidr: '0.0.0.0/0', ports: [{ protocol: 'TCP', port: 443 }] }], true],
    [
      'a domain-only entry (skipped by the agent)',
      [{ domainName: 'dns.example', ports: [{ protocol: 'UDP', port: 53 }] }],
      true,
    ],
    ['UDP 53', [dns], false],
    ['TCP 53 via a range', [{ cidr: '10.0.0.0/8', ports: [{ protocol: 'TCP', port: 50, endPort: 60 }] }], false],
    ['a whole protocol', [{ cidr: '10.0.0.0/8', ports: [{ protocol: 'UDP' }] }], false],
    ['allow-all', [{ cidr: '0.0.0.0/0' }], false],
  ])('CP-LIMIT-STRICT-NO-DNS with %s → flagged: %s', (_name, egress, flagged) => {
    // Act
    const findings = byId(checkStaticLimits(inventory(), [egressOnly(egress)], STRICT), 'CP-LIMIT-STRICT-NO-DNS');
    // Assess
    expect(findings.length).toBe(flagged ? 1 : 0);
  });

  it('CP-LIMIT-STRICT-NO-DNS reports one finding per policy set and only in strict mode, not for ingress-only isolation', () => {
    // Act
    const strict = byId(checkStaticLimits(inventory(), [egressOnly([])], STRICT), 'CP-LIMIT-STRICT-NO-DNS');
    const standard = byId(checkStaticLimits(inventory(), [egressOnly([])], STANDARD), 'CP-LIMIT-STRICT-NO-DNS');
    const ingressOnly = byId(
      checkStaticLimits(inventory(), [egressOnly([], ['Ingress'])], STRICT),
      'CP-LIMIT-STRICT-NO-DNS',
    );
    // Assess
    expect(strict).toEqual([
      expect.objectContaining({ actual: expect.objectContaining({ pods: 2, policies: ['app/web'] }) as unknown }),
    ]);
    expect(standard).toEqual([]);
    expect(ingressOnly).toEqual([]);
  });

  it('CP-LIMIT-STRICT-UNSELECTED groups unselected pods per namespace, skipping hostNetwork and finished pods', () => {
    // Prepare
    const cluster = inventory({
      pods: [
        pod('app', 'web-1'),
        pod('app', 'lonely-1'),
        pod('app', 'lonely-2'),
        pod('app', 'host', { hostNetwork: true }),
        pod('app', 'done', { phase: 'Succeeded' }),
        pod('other', 'x'),
      ],
    });
    const policy = resolved('app', 'web', { podSelectorEndpoints: [WEB_1], egress: [{ cidr: '0.0.0.0/0' }] });
    // Act
    const strict = byId(checkStaticLimits(cluster, [policy], STRICT), 'CP-LIMIT-STRICT-UNSELECTED');
    const standard = byId(checkStaticLimits(cluster, [policy], STANDARD), 'CP-LIMIT-STRICT-UNSELECTED');
    // Assess
    expect(strict.map((finding) => [finding.resource.name, finding.actual])).toEqual([
      ['app', { unselectedPods: 2, samplePods: ['lonely-1', 'lonely-2'] }],
      ['other', { unselectedPods: 1, samplePods: ['x'] }],
    ]);
    expect(standard).toEqual([]);
  });
});

describe('checkStaticLimits at scale', () => {
  it('handles 10,000 policies and 150,000 pods', () => {
    // Prepare
    const pods = [];
    const policies: ResolvedPolicy[] = [];
    for (let index = 0; index < 10_000; index += 1) {
      const namespace = `ns-${String(index % 500)}`;
      const selected = Array.from({ length: 15 }, (_, podIndex) =>
        podEndpoint(
          namespace,
          `d${String(index)}-rs-${String(podIndex)}`,
          `10.${String(index % 250)}.${String(podIndex)}.1`,
        ),
      );
      for (const entry of selected) pods.push(pod(namespace, entry.name, { node: `n-${String(index % 300)}` }));
      policies.push(
        resolved(namespace, `np-${String(index)}`, {
          podIsolation: ['Ingress', 'Egress'],
          podSelectorEndpoints: selected,
          ingress: [{ cidr: '10.0.0.0/8', ports: tcp(1, 3) }],
          egress: [{ cidr: '0.0.0.0/0', ports: [{ protocol: 'UDP', port: 53 }] }],
        }),
      );
    }
    // Act
    const started = performance.now();
    const findings = checkStaticLimits(inventory({ pods }), policies, STRICT);
    // Assess
    expect(findings).toEqual([]);
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
