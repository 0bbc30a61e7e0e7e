import { diffPolicyEndpoints } from '../../../../lambdas/shared/domain/control-plane/diff/diff-policy-endpoints';
import type { PolicyEndpoint } from '../../../../lambdas/shared/domain/model/kubernetes';
import type { ResolvedPolicy } from '../../../../lambdas/shared/domain/model/resolved-policy';
import { inventory, networkPolicy, pod, podEndpoint, policyEndpoint, resolved } from './support';

describe('diffPolicyEndpoints at scale', () => {
  it('diffs 10,000 policies over 150,000 pods in linear time', () => {
    // Prepare: 15 pods per policy, 2 PEs per policy, one drifted policy
    const policies: ResolvedPolicy[] = [];
    const endpoints: PolicyEndpoint[] = [];
    const pods = [];
    for (let index = 0; index < 10_000; index += 1) {
      const namespace = `ns-${String(index % 500)}`;
      const selected = Array.from({ length: 15 }, (_, podIndex) =>
        podEndpoint(
          namespace,
          `p-${String(index)}-${String(podIndex)}`,
          `10.${String(index % 250)}.${String(podIndex)}.${String(index % 200)}`,
        ),
      );
      for (const entry of selected)
        pods.push(pod(namespace, entry.name, { labels: { app: `np-${String(index)}` }, ip: entry.podIP }));
      const policy = resolved(namespace, `np-${String(index)}`, {
        podSelectorEndpoints: selected,
        ingress: selected
          .slice(0, 5)
          .map((entry) => ({ cidr: entry.podIP, ports: [{ protocol: 'TCP' as const, port: 8080 }] })),
        egress: [{ cidr: '10.0.0.0/8', except: ['10.255.0.0/16'] }],
      });
      policies.push(policy);
      endpoints.push(
        policyEndpoint(policy, 'a', {
          podSelectorEndpoints: selected.slice(0, 8),
          ingress: policy.ingress.slice(0, 2),
          egress: [],
        }),
        policyEndpoint(policy, 'b', {
          podSelectorEndpoints: selected.slice(8),
          ingress: policy.ingress.slice(2),
          egress: index === 42 ? [] : [...policy.egress],
        }),
      );
    }
    const cluster = inventory({
      pods,
      policyEndpoints: endpoints,
      networkPolicies: policies.map((policy) => networkPolicy(policy.policyRef.namespace, policy.policyRef.name)),
    });
    // Act
    const started = performance.now();
    const findings = diffPolicyEndpoints(cluster, policies);
    const elapsed = performance.now() - started;
    // Assess
    expect(findings.map((finding) => `${finding.checkId} ${finding.resource.name}`)).toEqual([
      'CP-PE-EGRESS-MISSING np-42',
    ]);
    expect(elapsed).toBeLessThan(15_000);
  });
});
