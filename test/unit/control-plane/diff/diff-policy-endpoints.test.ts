import { diffPolicyEndpoints } from '#engine/control-plane/diff/diff-policy-endpoints';
import { buildInventory } from '#engine/inventory/build-inventory';
import type { Finding } from '#engine/model/finding';
import type { PolicyEndpoint } from '#engine/model/kubernetes';
import type { ResolvedPolicy } from '#engine/model/resolved-policy';
import {
  chunkedEndpoints,
  inventory,
  networkPolicy,
  pod,
  podEndpoint,
  policyEndpoint,
  resolved,
  service,
} from './support';

const WEB = resolved('app', 'web', {
  podIsolation: ['Ingress', 'Egress'],
  podSelectorEndpoints: [podEndpoint('app', 'web-1', '10.1.0.5'), podEndpoint('app', 'web-2', '10.1.0.6')],
  ingress: [
    { cidr: '10.1.0.9', ports: [{ protocol: 'TCP', port: 8080 }] },
    { cidr: '0.0.0.0/0', ports: [{ protocol: 'TCP', port: 443 }] },
    { cidr: '::/0', ports: [{ protocol: 'TCP', port: 443 }] },
  ],
  egress: [
    {
      cidr: '172.20.0.10',
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
    { cidr: '10.0.0.0/16', except: ['10.0.5.0/24'] },
  ],
});

function ids(findings: readonly Finding[]): string[] {
  return findings.map((finding) => finding.checkId).sort();
}

function one(findings: readonly Finding[], checkId: string): Finding {
  const matching = findings.filter((finding) => finding.checkId === checkId);
  expect(matching).toHaveLength(1);
  const [finding] = matching;
  if (finding === undefined) throw new Error(`no ${checkId}`);
  return finding;
}

function diffWith(
  endpoints: PolicyEndpoint[],
  expected: ResolvedPolicy[] = [WEB],
  parts: Parameters<typeof inventory>[0] = {},
): Finding[] {
  return diffPolicyEndpoints(
    inventory({
      networkPolicies: [networkPolicy('app', 'web', { uid: 'uid-web' })],
      policyEndpoints: endpoints,
      ...parts,
    }),
    expected,
  );
}

describe('diffPolicyEndpoints: no drift', () => {
  it('reports nothing when one PE carries exactly the expected content', () => {
    expect(diffWith([policyEndpoint(WEB, 'a')])).toEqual([]);
  });

  it('reports nothing when the content is split over 3 PEs, shuffled and combined per PE', () => {
    // Prepare: the same CIDR in two chunks, pods spread, entries reversed inside each PE
    const split = resolved('app', 'web', {
      ...WEB,
      egress: [
        ...WEB.egress,
        { cidr: '172.20.0.10', ports: [{ protocol: 'TCP', port: 53 }] },
        { cidr: '10.9.0.1' },
        { cidr: '10.9.0.1', ports: [{ protocol: 'TCP', port: 1 }] },
      ],
    });
    const endpoints = chunkedEndpoints(split, 3, { ingress: [2, 0, 1], egress: [1, 2, 0, 2, 0, 1], pods: [2, 0] });
    // Act
    const findings = diffWith(endpoints.reverse(), [split]);
    // Assess
    expect(endpoints.filter((endpoint) => (endpoint.spec.egress ?? []).length > 0)).toHaveLength(3);
    expect(findings).toEqual([]);
  });

  it('reports nothing when entries are already merged differently (one entry with the union of ports)', () => {
    // Prepare
    const merged = policyEndpoint(WEB, 'a', {
      egress: [
        { cidr: '172.20.0.10', ports: [{ protocol: 'TCP', port: 53 }] },
        {
          cidr: '172.20.0.10',
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
        { cidr: '10.0.0.0/16', except: ['10.0.5.0/24'] },
      ],
    });
    // Act / Assess
    expect(diffWith([merged])).toEqual([]);
  });
});

describe('diffPolicyEndpoints: which PEs belong to a policy', () => {
  it('gathers a PE by controller owner UID even when its policyRef names something else', () => {
    // Prepare
    const moved = policyEndpoint(WEB, 'a', { policyRef: { namespace: 'app', name: 'renamed' } }, { uid: 'uid-web' });
    // Act / Assess
    expect(diffWith([moved])).toEqual([]);
  });

  it('never attributes by PE name: a PE named web-xxxxx that refers to another policy is not web’s', () => {
    // Prepare
    const api = resolved('app', 'api');
    const misleading = policyEndpoint(api, 'zzzzz');
    misleading.metadata.name = 'web-zzzzz';
    // Act
    const findings = diffWith([misleading, policyEndpoint(api, 'b')], [WEB, api], {
      networkPolicies: [networkPolicy('app', 'web'), networkPolicy('app', 'api')],
    });
    // Assess
    expect(one(findings, 'CP-PE-MISSING').resource).toEqual({ kind: 'NetworkPolicy', namespace: 'app', name: 'web' });
  });

  it('keeps PEs owned by a same-named ApplicationNetworkPolicy out of the NetworkPolicy (owner UID wins)', () => {
    // Prepare
    const anpContent = resolved('app', 'web', {
      kind: 'ApplicationNetworkPolicy',
      egress: [{ domainName: 'example.com' }],
    });
    const anpPe = policyEndpoint(anpContent, 'b', {}, { uid: 'uid-anp', kind: 'ApplicationNetworkPolicy' });
    const anp = {
      kind: 'ApplicationNetworkPolicy' as const,
      metadata: { namespace: 'app', name: 'web', uid: 'uid-anp' },
      spec: { podSelector: { matchLabels: { app: 'web' } } },
    };
    // Act
    const findings = diffWith([policyEndpoint(WEB, 'a', {}, { uid: 'uid-web' }), anpPe], [WEB, anpContent], {
      applicationNetworkPolicies: [anp],
    });
    // Assess
    expect(findings).toEqual([]);
  });

  it('returns nothing when PolicyEndpoints could not be listed', () => {
    // Act
    const findings = diffWith([], [WEB], { unavailableKinds: [{ kind: 'PolicyEndpoint', reason: 'CRD missing' }] });
    // Assess
    expect(findings).toEqual([]);
  });
});

describe('diffPolicyEndpoints: CP-PE-MISSING', () => {
  it('reports a policy without PE, with #199 when other policies have PEs', () => {
    // Prepare
    const api = resolved('app', 'api');
    // Act
    const finding = one(diffWith([policyEndpoint(api, 'a')], [WEB, api]), 'CP-PE-MISSING');
    // Assess
    expect(finding).toMatchObject({
      severity: 'high',
      upstreamIssue: 'aws/amazon-network-policy-controller-k8s#199',
      actual: { policyEndpoints: 0 },
      expected: { podSelectorEndpoints: 2 },
    });
  });

  it('suggests a disabled controller, without an issue, when no policy has PEs', () => {
    // Act
    const finding = one(diffWith([]), 'CP-PE-MISSING');
    // Assess
    expect(finding.upstreamIssue).toBeUndefined();
    expect(finding.message).toMatch(/controller may be disabled/);
  });
});

describe('diffPolicyEndpoints: CP-PE-ORPHAN', () => {
  it('reports a PE whose policyRef names a policy that does not exist', () => {
    // Prepare
    const ghost = policyEndpoint(
      resolved('app', 'ghost', { podSelectorEndpoints: [podEndpoint('app', 'x', '10.0.0.1')] }),
      'q',
    );
    // Act
    const finding = one(diffWith([policyEndpoint(WEB, 'a'), ghost]), 'CP-PE-ORPHAN');
    // Assess
    expect(finding).toMatchObject({
      severity: 'medium',
      resource: { namespace: 'app', name: 'ghost' },
      actual: { policyEndpoint: 'ghost-q' },
    });
  });

  it('lowers the severity of an orphan that lists no pods', () => {
    const finding = one(
      diffWith([policyEndpoint(WEB, 'a'), policyEndpoint(resolved('app', 'ghost'), 'q')]),
      'CP-PE-ORPHAN',
    );
    expect(finding.severity).toBe('low');
  });

  it('reports a PE owned by the UID of a deleted policy of the same name', () => {
    // Prepare
    const old = policyEndpoint(WEB, 'old', {}, { uid: 'uid-deleted' });
    // Act
    const finding = one(diffWith([old]), 'CP-PE-ORPHAN');
    // Assess
    expect(finding).toMatchObject({ expected: { ownerUid: 'uid-web' }, actual: { ownerUid: 'uid-deleted' } });
  });

  it('does not report a PE whose owner UID or policyRef matches a live policy', () => {
    expect(ids(diffWith([policyEndpoint(WEB, 'a', {}, { uid: 'uid-web' })]))).not.toContain('CP-PE-ORPHAN');
  });
});

/** What the inventory makes of a NetworkPolicy app/ghost whose podSelector is not an object: INPUT-MALFORMED-OBJECT. */
function malformedGhostPolicyFindings(): Finding[] {
  const ghost = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'ghost', namespace: 'app', uid: 'uid-ghost' },
    spec: { podSelector: 'app=ghost' },
  };
  const findings = buildInventory({
    clusterName: 'c',
    documents: [{ source: 'k8s/networkpolicies.json', content: ghost }],
  }).inputFindings;
  expect(findings.map((finding) => finding.checkId)).toEqual(['INPUT-MALFORMED-OBJECT']);
  return [...findings];
}

describe('diffPolicyEndpoints: CP-PE-POLICY-UNREADABLE', () => {
  const ghostEndpoint = (): PolicyEndpoint =>
    policyEndpoint(
      resolved('app', 'ghost', { podSelectorEndpoints: [podEndpoint('app', 'x', '10.0.0.1')] }),
      'q',
      {},
      {
        uid: 'uid-ghost',
      },
    );

  it('says a PE of a policy skipped as malformed is owned by a policy that could not be read, with the reason', () => {
    // Act
    const findings = diffWith([policyEndpoint(WEB, 'a'), ghostEndpoint()], [WEB], {
      inputFindings: malformedGhostPolicyFindings(),
    });
    // Assess
    expect(ids(findings)).toEqual(['CP-PE-POLICY-UNREADABLE']);
    const finding = one(findings, 'CP-PE-POLICY-UNREADABLE');
    expect(finding).toMatchObject({
      severity: 'info',
      resource: { kind: 'NetworkPolicy', namespace: 'app', name: 'ghost' },
      actual: { policyEndpoint: 'ghost-q' },
    });
    expect(finding.message).toMatch(
      /^PolicyEndpoint app\/ghost-q is owned by NetworkPolicy app\/ghost, a policy that could not be read \(.*spec\.podSelector.*\); its content is not compared\./,
    );
    expect(finding.message).not.toContain('does not exist');
  });

  it('still reports a PE as an orphan when the malformed object is another policy', () => {
    // Prepare
    const other = policyEndpoint(resolved('app', 'gone'), 'q');
    // Act
    const findings = diffWith([policyEndpoint(WEB, 'a'), other], [WEB], {
      inputFindings: malformedGhostPolicyFindings(),
    });
    // Assess
    expect(one(findings, 'CP-PE-ORPHAN').message).toContain('which does not exist');
  });
});

describe('diffPolicyEndpoints: CP-PE-STALE-SELECTOR', () => {
  it('reports a PE whose podSelector differs from the policy', () => {
    // Prepare
    const stale = policyEndpoint(WEB, 'a', { podSelector: { matchLabels: { app: 'old' } } });
    // Act
    const finding = one(diffWith([stale, policyEndpoint(WEB, 'b')]), 'CP-PE-STALE-SELECTOR');
    // Assess
    expect(finding).toMatchObject({
      upstreamIssue: 'aws/amazon-network-policy-controller-k8s#238, aws/aws-network-policy-agent#643',
      expected: 'app=web',
      actual: [{ policyEndpoint: 'web-a', podSelector: 'app=old' }],
    });
  });

  it('ignores key and expression order', () => {
    // Prepare
    const policy = resolved('app', 'web', {
      podSelector: {
        matchLabels: { a: '1', b: '2' },
        matchExpressions: [
          { key: 'x', operator: 'In', values: ['2', '1'] },
          { key: 'y', operator: 'Exists' },
        ],
      },
    });
    const endpoint = policyEndpoint(policy, 'a', {
      podSelector: {
        matchLabels: { b: '2', a: '1' },
        matchExpressions: [
          { key: 'y', operator: 'Exists' },
          { key: 'x', operator: 'In', values: ['1', '2'] },
        ],
      },
    });
    // Act / Assess
    expect(diffWith([endpoint], [policy])).toEqual([]);
  });
});

describe('diffPolicyEndpoints: pods', () => {
  it('reports a selected pod that no PE lists', () => {
    // Act
    const finding = one(
      diffWith([policyEndpoint(WEB, 'a', { podSelectorEndpoints: [podEndpoint('app', 'web-1', '10.1.0.5')] })]),
      'CP-PE-POD-MISSING',
    );
    // Assess
    expect(finding).toMatchObject({ severity: 'high', expected: podEndpoint('app', 'web-2', '10.1.0.6') });
  });

  it('reports the same pod name with another IP as stale, not as missing plus extra', () => {
    // Prepare
    const endpoint = policyEndpoint(WEB, 'a', {
      podSelectorEndpoints: [podEndpoint('app', 'web-1', '10.1.0.5'), podEndpoint('app', 'web-2', '10.1.9.9')],
    });
    // Act
    const findings = diffWith([endpoint]);
    // Assess
    expect(ids(findings)).toEqual(['CP-PE-POD-STALE-IP']);
    expect(findings[0]).toMatchObject({
      expected: podEndpoint('app', 'web-2', '10.1.0.6'),
      actual: [podEndpoint('app', 'web-2', '10.1.9.9')],
    });
  });

  /** CP-PE-POD-EXTRA for hostNetwork pod app/node-exporter-1, listed in a PE of app/web, carrying `labels`. */
  function listedHostNetworkPod(labels: Record<string, string>): Finding {
    const endpoint = policyEndpoint(WEB, 'a', {
      podSelectorEndpoints: [...WEB.podSelectorEndpoints, podEndpoint('app', 'node-exporter-1', '192.168.0.10')],
    });
    const live = pod('app', 'node-exporter-1', { labels, hostNetwork: true, ip: '192.168.0.10' });
    return one(diffWith([endpoint], [WEB], { pods: [live] }), 'CP-PE-POD-EXTRA');
  }

  it('says a listed hostNetwork pod the policy selects is selected, but not enforced (#202)', () => {
    // Act
    const finding = listedHostNetworkPod({ app: 'web' });
    // Assess
    expect(finding).toMatchObject({
      severity: 'medium',
      upstreamIssue: 'aws/amazon-network-policy-controller-k8s#202',
      actual: { name: 'node-exporter-1' },
    });
    expect(finding.message).toMatch(
      /list pod app\/node-exporter-1 \(podIP 192\.168\.0\.10, hostIP 192\.168\.0\.10\): selected, but hostNetwork pods are not enforced\. /,
    );
    expect(finding.message).not.toContain('does not select');
  });

  it('says a listed hostNetwork pod the policy no longer selects is not selected', () => {
    // Act
    const finding = listedHostNetworkPod({ app: 'metrics' });
    // Assess
    expect(finding.message).toContain('which the policy does not select');
    expect(finding.message).toContain('no longer matches the policy podSelector');
  });

  it.each([
    [
      'Succeeded pod',
      pod('app', 'job-1', { labels: { app: 'web' }, phase: 'Succeeded' }),
      'aws/amazon-network-policy-controller-k8s PR #190, PR #192',
    ],
    ['deleted pod', undefined, 'aws/aws-network-policy-agent#643'],
    ['deselected pod', pod('app', 'job-1', { labels: { app: 'other' } }), 'aws/aws-network-policy-agent#643'],
    ['pod that matches (no explanation)', pod('app', 'job-1', { labels: { app: 'web' } }), undefined],
  ])('extra %s → %s', (_name, live, issue) => {
    // Prepare
    const endpoint = policyEndpoint(WEB, 'a', {
      podSelectorEndpoints: [...WEB.podSelectorEndpoints, podEndpoint('app', 'job-1', '10.1.0.99')],
    });
    // Act
    const finding = one(diffWith([endpoint], [WEB], { pods: live === undefined ? [] : [live] }), 'CP-PE-POD-EXTRA');
    // Assess
    expect(finding.upstreamIssue).toBe(issue);
  });
});

describe('diffPolicyEndpoints: ingress and egress entries', () => {
  it('reports a missing ingress entry with the cidr group and its ports', () => {
    // Prepare
    const endpoint = policyEndpoint(WEB, 'a', { ingress: WEB.ingress.filter((entry) => entry.cidr !== '10.1.0.9') });
    // Act
    const finding = one(diffWith([endpoint]), 'CP-PE-INGRESS-MISSING');
    // Assess
    expect(finding).toMatchObject({
      severity: 'medium',
      expected: { cidr: '10.1.0.9', ports: [{ protocol: 'TCP', port: 8080 }] },
    });
    expect(finding.message).toContain('ingress from 10.1.0.9 (TCP/8080)');
  });

  it('points a missing ingress entry of a policy with named ports at #71/#81', () => {
    // Prepare
    const named = networkPolicy('app', 'web', { spec: { ingress: [{ ports: [{ protocol: 'TCP', port: 'http' }] }] } });
    const endpoint = policyEndpoint(WEB, 'a', { ingress: WEB.ingress.filter((entry) => entry.cidr !== '10.1.0.9') });
    // Act
    const finding = one(diffWith([endpoint], [WEB], { networkPolicies: [named] }), 'CP-PE-INGRESS-MISSING');
    // Assess
    expect(finding.upstreamIssue).toBe(
      'aws/amazon-network-policy-controller-k8s#71, aws/amazon-network-policy-controller-k8s#81',
    );
  });

  it('reports an extra ingress entry', () => {
    // Prepare
    const endpoint = policyEndpoint(WEB, 'a', { ingress: [...WEB.ingress, { cidr: '10.66.0.0/16' }] });
    // Act
    const finding = one(diffWith([endpoint]), 'CP-PE-INGRESS-EXTRA');
    // Assess
    expect(finding).toMatchObject({ severity: 'high', actual: { cidr: '10.66.0.0/16', ports: 'all' } });
  });

  it('does not flag the allow-all companion of the other family (#136) but flags a lone allow-all', () => {
    // Prepare
    const policy = resolved('app', 'web', {
      ingress: [{ cidr: '0.0.0.0/0', ports: [{ protocol: 'TCP', port: 443 }] }],
    });
    const companion = policyEndpoint(policy, 'a', {
      ingress: [...policy.ingress, { cidr: '::/0', ports: [{ protocol: 'TCP', port: 443 }] }],
    });
    const lone = policyEndpoint(resolved('app', 'web'), 'a', { ingress: [{ cidr: '::/0' }] });
    // Act / Assess
    expect(diffWith([companion], [policy])).toEqual([]);
    expect(ids(diffWith([lone], [resolved('app', 'web')]))).toEqual(['CP-PE-INGRESS-EXTRA']);
  });

  it('reports a missing Service ClusterIP egress entry as stale, without blaming the selector-match issues', () => {
    // Prepare
    const endpoint = policyEndpoint(WEB, 'a', { egress: WEB.egress.filter((entry) => entry.cidr !== '172.20.0.10') });
    // Act
    const finding = one(
      diffWith([endpoint], [WEB], { services: [service('kube-system', 'kube-dns', '172.20.0.10')] }),
      'CP-PE-EGRESS-MISSING',
    );
    // Assess
    expect(finding).toMatchObject({ expected: { cidr: '172.20.0.10' } });
    expect(finding.upstreamIssue).toBeUndefined();
    expect(finding.message).toContain('kube-system/kube-dns');
    expect(finding.message).toContain('stale');
  });

  it('points a missing multi-port named-targetPort Service ClusterIP at #222', () => {
    // Prepare
    const multi = service('kube-system', 'kube-dns', '172.20.0.10', [
      { port: 53, protocol: 'UDP', targetPort: 'dns' },
      { port: 53, protocol: 'TCP', targetPort: 'dns-tcp' },
    ]);
    const endpoint = policyEndpoint(WEB, 'a', { egress: WEB.egress.filter((entry) => entry.cidr !== '172.20.0.10') });
    // Act
    const finding = one(diffWith([endpoint], [WEB], { services: [multi] }), 'CP-PE-EGRESS-MISSING');
    // Assess
    expect(finding.upstreamIssue).toBe('aws/amazon-network-policy-controller-k8s#222');
  });

  it('reports an extra egress entry', () => {
    const finding = one(
      diffWith([policyEndpoint(WEB, 'a', { egress: [...WEB.egress, { cidr: '8.8.8.8' }] })]),
      'CP-PE-EGRESS-EXTRA',
    );
    expect(finding.actual).toEqual({ cidr: '8.8.8.8', ports: 'all' });
  });

  it('relates extra except entries on the same CIDR to #121', () => {
    // Prepare: expected two rules on one CIDR, the PE merged them by CIDR only (old combine)
    const policy = resolved('app', 'web', {
      egress: [
        { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], ports: [{ protocol: 'TCP', port: 80 }] },
        { cidr: '10.0.0.0/8', ports: [{ protocol: 'TCP', port: 443 }] },
      ],
    });
    const merged = policyEndpoint(policy, 'a', {
      egress: [
        {
          cidr: '10.0.0.0/8',
          except: ['10.1.0.0/16'],
          ports: [
            { protocol: 'TCP', port: 80 },
            { protocol: 'TCP', port: 443 },
          ],
        },
      ],
    });
    // Act
    const findings = diffWith([merged], [policy]);
    // Assess
    expect(ids(findings)).toEqual(['CP-PE-EGRESS-MISSING', 'CP-PE-PORTS-WIDER']);
    expect(findings.every((finding) => finding.upstreamIssue === 'aws/amazon-network-policy-controller-k8s#121')).toBe(
      true,
    );
  });
});

describe('diffPolicyEndpoints: ports', () => {
  it('reports lost all-ports on a shared CIDR as narrower with #98/#197', () => {
    // Prepare
    const policy = resolved('app', 'web', {
      egress: [{ cidr: '172.16.0.0/12' }, { cidr: '172.16.0.0/12', ports: [{ protocol: 'UDP', port: 53 }] }],
    });
    const endpoint = policyEndpoint(policy, 'a', {
      egress: [{ cidr: '172.16.0.0/12', ports: [{ protocol: 'UDP', port: 53 }] }],
    });
    // Act
    const finding = one(diffWith([endpoint], [policy]), 'CP-PE-PORTS-NARROWER');
    // Assess
    expect(finding).toMatchObject({
      upstreamIssue: 'aws/amazon-network-policy-controller-k8s#98, aws/amazon-network-policy-controller-k8s#197',
      expected: { cidr: '172.16.0.0/12', ports: 'all' },
      actual: { cidr: '172.16.0.0/12', ports: [{ protocol: 'UDP', port: 53 }] },
    });
  });

  it('reports missing specific ports as narrower, listing only the missing ones', () => {
    // Prepare
    const endpoint = policyEndpoint(WEB, 'a', {
      egress: [{ cidr: '172.20.0.10', ports: [{ protocol: 'UDP', port: 53 }] }, WEB.egress[1] ?? {}],
    });
    // Act
    const finding = one(diffWith([endpoint]), 'CP-PE-PORTS-NARROWER');
    // Assess
    expect(finding.expected).toEqual({ cidr: '172.20.0.10', ports: [{ protocol: 'TCP', port: 53 }] });
    expect(finding.upstreamIssue).toBeUndefined();
  });

  it('reports extra ports as wider', () => {
    // Prepare
    const endpoint = policyEndpoint(WEB, 'a', {
      ingress: [...WEB.ingress, { cidr: '10.1.0.9', ports: [{ protocol: 'TCP', port: 22 }] }],
    });
    // Act
    const finding = one(diffWith([endpoint]), 'CP-PE-PORTS-WIDER');
    // Assess
    expect(finding).toMatchObject({
      severity: 'high',
      actual: { cidr: '10.1.0.9', ports: [{ protocol: 'TCP', port: 22 }] },
    });
  });

  it('reports both directions of a disjoint port change', () => {
    const endpoint = policyEndpoint(WEB, 'a', {
      ingress: [{ cidr: '10.1.0.9', ports: [{ protocol: 'TCP', port: 22 }] }, ...WEB.ingress.slice(1)],
    });
    expect(ids(diffWith([endpoint]))).toEqual(['CP-PE-PORTS-NARROWER', 'CP-PE-PORTS-WIDER']);
  });
});

describe('diffPolicyEndpoints: CP-PE-ISOLATION-MISMATCH', () => {
  it('reports a PE whose podIsolation differs, ignoring order', () => {
    // Prepare
    const reordered = policyEndpoint(WEB, 'a', { podIsolation: ['Egress', 'Ingress'] });
    const wrong = policyEndpoint(WEB, 'b', {
      podIsolation: ['Ingress'],
      podSelectorEndpoints: [],
      ingress: [],
      egress: [],
    });
    // Act
    const finding = one(diffWith([reordered, wrong]), 'CP-PE-ISOLATION-MISMATCH');
    // Assess
    expect(finding).toMatchObject({
      expected: ['Egress', 'Ingress'],
      actual: [{ policyEndpoint: 'web-b', podIsolation: ['Ingress'] }],
    });
  });
});

describe('diffPolicyEndpoints: bad input', () => {
  it('reads a missing ports field as all ports (wider), lower-case protocols and empty except as equal', () => {
    // Prepare
    const loose = policyEndpoint(WEB, 'a', {
      ingress: [
        { cidr: '10.1.0.9' },
        ...WEB.ingress
          .slice(1)
          .map((entry) => ({ ...entry, ports: [{ protocol: 'tcp', port: 443 }] as unknown as typeof entry.ports })),
      ],
      egress: [WEB.egress[0] ?? {}, { cidr: '10.0.0.0/16', except: ['10.0.5.0/24', ''] }],
    });
    // Act
    const findings = diffWith([loose]);
    // Assess
    expect(ids(findings)).toEqual(['CP-PE-PORTS-WIDER']);
    expect(findings[0]?.actual).toEqual({ cidr: '10.1.0.9', ports: 'all' });
  });

  it('does not crash on entries without cidr, null lists or a PE without podSelector', () => {
    // Prepare
    const broken = policyEndpoint(WEB, 'a', {
      podSelector: null,
      podIsolation: null,
      podSelectorEndpoints: null,
      ingress: [{ except: [] }],
      egress: null,
    });
    // Act
    const findings = diffWith([broken]);
    // Assess
    expect(ids(findings)).toEqual(
      expect.arrayContaining([
        'CP-PE-STALE-SELECTOR',
        'CP-PE-ISOLATION-MISMATCH',
        'CP-PE-POD-MISSING',
        'CP-PE-INGRESS-EXTRA',
        'CP-PE-EGRESS-MISSING',
      ]),
    );
  });
});
