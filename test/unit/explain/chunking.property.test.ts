import fc from 'fast-check';
import { explainFlow, type FlowEndpoint, type FlowExplanation } from '#engine/explain/index';
import type { EndpointInfo, EndpointPort, Pod, PolicyEndpoint, PolicyType, Protocol } from '#engine/model/kubernetes';
import { configuration, inventory, NODE_IP, pod, policyEndpoint } from './fixtures';

const PODS: readonly Pod[] = [1, 2, 3, 4, 5].map((id) => pod('app', `web-${String(id)}`, `10.1.0.${String(id)}`));

const port: fc.Arbitrary<EndpointPort> = fc.record(
  {
    protocol: fc.constantFrom('TCP' as const, 'UDP' as const),
    port: fc.integer({ min: 1, max: 4 }),
    endPort: fc.integer({ min: 5, max: 6 }),
  },
  { requiredKeys: [] },
);

const entry: fc.Arbitrary<EndpointInfo> = fc
  .record({
    cidr: fc.constantFrom('10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.0/16', '10.1.0.0/30', '0.0.0.0/0'),
    except: fc.option(fc.subarray(['10.1.0.2/32', '10.1.0.4/31']), { nil: undefined }),
    ports: fc.option(fc.array(port, { maxLength: 2 }), { nil: undefined }),
  })
  .map(({ cidr, except, ports }) => ({
    cidr,
    ...(except === undefined ? {} : { except }),
    ...(ports === undefined ? {} : { ports }),
  }));

interface PolicyContent {
  readonly name: string;
  readonly isolation: PolicyType[];
  readonly ingress: EndpointInfo[];
  readonly egress: EndpointInfo[];
  readonly pods: Pod[];
}

const policyContent = (name: string): fc.Arbitrary<PolicyContent> =>
  fc.record({
    name: fc.constant(name),
    isolation: fc.subarray<PolicyType>(['Ingress', 'Egress']),
    ingress: fc.array(entry, { maxLength: 5 }),
    egress: fc.array(entry, { maxLength: 5 }),
    pods: fc.subarray([...PODS]),
  });

/** Each entry and pod into the chunk its seed number picks; every chunk carries the policy's isolation. */
function chunked(policy: PolicyContent, chunks: number, seed: readonly number[]): PolicyEndpoint[] {
  const pick = <T>(items: readonly T[], index: number, offset: number): T[] =>
    items.filter((_, position) => (seed[(position + offset) % seed.length] ?? 0) % chunks === index);
  return Array.from({ length: chunks }, (_, index) => ({
    ...policyEndpoint('app', policy.name, pick(policy.pods, index, 0), {
      isolation: policy.isolation,
      ingress: pick(policy.ingress, index, 7),
      egress: pick(policy.egress, index, 13),
    }),
    metadata: { namespace: 'app', name: `${policy.name}-c${String(index)}` },
  }));
}

function whole(policy: PolicyContent): PolicyEndpoint {
  return policyEndpoint('app', policy.name, policy.pods, {
    isolation: policy.isolation,
    ingress: policy.ingress,
    egress: policy.egress,
  });
}

function verdicts(explanation: FlowExplanation) {
  const layer = (name: 'intent' | 'policyEndpoint' | 'kernel') => ({
    verdict: explanation[name].verdict,
    sides: explanation[name].sides
      .map((side) => `${side.side} ${side.pod} ${side.verdict} ${side.decidedBy?.kind ?? ''}`)
      .sort(),
  });
  return {
    intent: layer('intent'),
    policyEndpoint: layer('policyEndpoint'),
    kernel: layer('kernel'),
    disagreements: explanation.disagreements.map((d) => `${d.side ?? ''} ${d.between.join('>')}`).sort(),
  };
}

function podEndpoint(index: number): FlowEndpoint {
  return { namespace: 'app', pod: PODS[index]?.metadata.name ?? '' };
}

const scenario = fc.record({
  policies: fc.tuple(policyContent('web'), policyContent('web-more')),
  chunks: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
  seed: fc.array(fc.nat(), { minLength: 20, maxLength: 20 }),
  from: fc.integer({ min: 0, max: PODS.length - 1 }),
  to: fc.oneof(fc.integer({ min: 0, max: PODS.length - 1 }).map(podEndpoint), fc.constant({ ip: NODE_IP })),
  port: fc.integer({ min: 1, max: 7 }),
  protocol: fc.constantFrom<Protocol>('TCP', 'UDP'),
});

describe('explain under re-chunking of the PolicyEndpoints (property)', () => {
  it("explain's verdicts are invariant under re-chunking of the PolicyEndpoints", () => {
    fc.assert(
      fc.property(scenario, ({ policies, chunks, seed, from, to, port, protocol }) => {
        // Prepare
        const explain = (policyEndpoints: PolicyEndpoint[]) =>
          explainFlow({
            inventory: inventory({ pods: [...PODS], policyEndpoints }),
            configuration: configuration('1.3.2'),
            flow: {
              from: podEndpoint(from),
              to,
              port,
              protocol,
            },
          });
        const rechunked = [...chunked(policies[0], chunks[0], seed), ...chunked(policies[1], chunks[1], seed)];

        // Act
        const one = explain(policies.map(whole));
        const many = explain(rechunked.reverse());

        // Assess
        expect(verdicts(many)).toEqual(verdicts(one));
      }),
      { numRuns: 300 },
    );
  });
});
