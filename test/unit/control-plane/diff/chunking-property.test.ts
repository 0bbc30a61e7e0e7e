import fc from 'fast-check';
import { canonicalGroups } from '#engine/control-plane/diff/canonical';
import { diffPolicyEndpoints } from '#engine/control-plane/diff/diff-policy-endpoints';
import type { EndpointInfo, EndpointPort, PodEndpoint } from '#engine/model/kubernetes';
import type { ResolvedPolicy } from '#engine/model/resolved-policy';
import { chunkedEndpoints, inventory, networkPolicy, resolved } from './support';

const port: fc.Arbitrary<EndpointPort> = fc.record(
  {
    protocol: fc.constantFrom('TCP' as const, 'UDP' as const, 'SCTP' as const),
    port: fc.integer({ min: 1, max: 6 }),
    endPort: fc.integer({ min: 7, max: 8 }),
  },
  { requiredKeys: [] },
);

const entry: fc.Arbitrary<EndpointInfo> = fc
  .record({
    cidr: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.0/16', '0.0.0.0/0', '::/0', 'fd00::5'),
    except: fc.option(fc.subarray(['10.0.1.0/24', '10.0.2.0/24']), { nil: undefined }),
    ports: fc.option(fc.array(port, { maxLength: 3 }), { nil: undefined }),
  })
  .map(({ cidr, except, ports }) => ({
    cidr,
    ...(except === undefined ? {} : { except }),
    ...(ports === undefined ? {} : { ports }),
  }));

const podArb: fc.Arbitrary<PodEndpoint[]> = fc
  .uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 12 })
  .map((ids) =>
    ids.map((id) => ({
      namespace: 'app',
      name: `web-${String(id)}`,
      podIP: `10.1.0.${String(id)}`,
      hostIP: '192.168.0.10',
    })),
  );

const scenario = fc
  .record({
    ingress: fc.array(entry, { maxLength: 12 }),
    egress: fc.array(entry, { maxLength: 12 }),
    pods: podArb,
    chunks: fc.integer({ min: 1, max: 4 }),
    seed: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
  })
  .map(({ ingress, egress, pods, chunks, seed }) => {
    const policy = resolved('app', 'web', {
      podIsolation: ['Ingress', 'Egress'],
      ingress,
      egress,
      podSelectorEndpoints: pods,
    });
    const assign = (offset: number, length: number): number[] =>
      Array.from({ length }, (_, index) => seed[(index + offset) % seed.length] ?? 0);
    return {
      policy,
      chunks,
      assign: { ingress: assign(0, ingress.length), egress: assign(13, egress.length), pods: assign(27, pods.length) },
    };
  });

function diff(policy: ResolvedPolicy, endpoints: ReturnType<typeof chunkedEndpoints>) {
  return diffPolicyEndpoints(
    inventory({ networkPolicies: [networkPolicy('app', 'web')], policyEndpoints: endpoints }),
    [policy],
  );
}

describe('chunking, order and per-PE combine are not drift (property)', () => {
  it('random content split into random chunks, shuffled and combined per PE → no finding', () => {
    fc.assert(
      fc.property(scenario, ({ policy, chunks, assign }) => {
        // Act
        const findings = diff(policy, chunkedEndpoints(policy, chunks, assign).reverse());
        // Assess
        expect(findings).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('removing one egress group from the PEs → exactly one CP-PE-EGRESS-MISSING for it', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), ({ policy, chunks, assign }, pick) => {
        // Prepare
        const groups = [...canonicalGroups(policy.egress).values()];
        fc.pre(groups.length > 0);
        const victim = groups[pick % groups.length];
        if (victim === undefined) return;
        const endpoints = chunkedEndpoints(policy, chunks, assign).map((endpoint) => ({
          ...endpoint,
          spec: {
            ...endpoint.spec,
            egress: (endpoint.spec.egress ?? []).filter((item) => !canonicalGroups([item]).has(victim.key)),
          },
        }));
        // Act
        const findings = diff(policy, endpoints);
        // Assess
        expect(findings.map((finding) => finding.checkId)).toEqual(['CP-PE-EGRESS-MISSING']);
        expect(findings[0]?.expected).toMatchObject({ cidr: victim.destination.cidr });
      }),
      { numRuns: 200 },
    );
  });

  it('removing one pod from the PEs → exactly one CP-PE-POD-MISSING for it', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), ({ policy, chunks, assign }, pick) => {
        // Prepare
        fc.pre(policy.podSelectorEndpoints.length > 0);
        const victim = policy.podSelectorEndpoints[pick % policy.podSelectorEndpoints.length];
        const endpoints = chunkedEndpoints(policy, chunks, assign).map((endpoint) => ({
          ...endpoint,
          spec: {
            ...endpoint.spec,
            podSelectorEndpoints: (endpoint.spec.podSelectorEndpoints ?? []).filter((item) => item !== victim),
          },
        }));
        // Act
        const findings = diff(policy, endpoints);
        // Assess
        expect(findings.map((finding) => finding.checkId)).toEqual(['CP-PE-POD-MISSING']);
        expect(findings[0]?.expected).toEqual(victim);
      }),
      { numRuns: 200 },
    );
  });
});
