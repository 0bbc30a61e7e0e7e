import fc from 'fast-check';
import type { ContainerPortSpec, PodSpec, PolicySpec, Scenario, ServicePortSpec, ServiceSpec } from './scenario';

/**
 * Seeded random clusters that reach the corners of controller.md §2: every selector operator, namespaceSelector with
 * and without podSelector, ipBlock with except in both families, named ports that resolve differently per pod,
 * endPort, protocol-only ports, SCTP/UDP, pods without IP or terminal or on the host network, Services with equal /
 * subset / superset selectors, headless, selector-less and ExternalName Services, named and numeric targetPorts,
 * multi-port Services, policyTypes that disagree with the rules, and entry-key collisions planted on purpose.
 * Port numbers come from a small vocabulary whose texts cannot run together into a collision by accident.
 */

type Generated<A> = A extends fc.Arbitrary<infer T> ? T : never;

const NAMESPACES = ['a', 'b'] as const;
const APPS = ['web', 'api', 'db'] as const;
const TIERS = ['front', 'back'] as const;
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
const PORT_NAMES = ['http', 'dns', 'metrics'] as const;
const CONTAINER_PORTS = [8080, 9090, 5353, 9100] as const;
const RULE_PORTS = [53, 80, 443, 8080, 9090, 5353] as const;
const RANGES = [
  [8000, 8100],
  [30000, 32767],
] as const;
interface NumericPort {
  readonly port: number;
  readonly endPort?: number;
}
const COLLIDING_PAIRS: readonly (readonly NumericPort[])[] = [
  [{ port: 80, endPort: 81 }, { port: 8081 }],
  [
    { port: 1, endPort: 234 },
    { port: 12, endPort: 34 },
  ],
];

const labels = fc.record(
  { app: fc.constantFrom(...APPS), tier: fc.constantFrom(...TIERS) },
  { requiredKeys: [] },
) as fc.Arbitrary<Record<string, string>>;

const containerPort: fc.Arbitrary<ContainerPortSpec> = fc.record(
  {
    name: fc.constantFrom(...PORT_NAMES),
    containerPort: fc.constantFrom(...CONTAINER_PORTS),
    protocol: fc.constantFrom(...PROTOCOLS),
  },
  { requiredKeys: ['containerPort'] },
);

/** Port names and (port, protocol) must be unique within a pod (host network pods also map them to host ports). */
function uniqueNames(containers: ContainerPortSpec[][]): ContainerPortSpec[][] {
  const seen = new Set<string>();
  return containers.map((ports) =>
    ports.filter((port) => {
      const keys = [`#${String(port.containerPort)}/${port.protocol ?? 'TCP'}`];
      if (port.name !== undefined) keys.push(port.name);
      if (keys.some((key) => seen.has(key))) return false;
      for (const key of keys) seen.add(key);
      return true;
    }),
  );
}

const podBody = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  labels,
  containers: fc.array(fc.array(containerPort, { maxLength: 2 }), { minLength: 1, maxLength: 2 }).map(uniqueNames),
  ip: fc.constantFrom('status', 'status', 'status', 'annotation', 'none'),
  phase: fc.constantFrom('Running', 'Running', 'Running', 'Pending', 'Succeeded', 'Failed'),
  hostNetwork: fc.constantFrom(false, false, false, false, true),
});

const selectorRequirement = fc.oneof(
  fc.record({
    key: fc.constantFrom('app', 'tier'),
    operator: fc.constantFrom('In', 'NotIn'),
    values: fc.subarray([...APPS, ...TIERS], { minLength: 1, maxLength: 2 }),
  }),
  fc.record({ key: fc.constantFrom('app', 'tier'), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
);

const podSelector = fc.oneof(
  fc.constant({}),
  labels.map((matchLabels) => ({ matchLabels })),
  fc.array(selectorRequirement, { minLength: 1, maxLength: 2 }).map((matchExpressions) => ({ matchExpressions })),
);

const namespaceSelector = fc.oneof(
  fc.constant({}),
  fc.constantFrom('a', 'b').map((team) => ({ matchLabels: { team } })),
  fc.constant({ matchExpressions: [{ key: 'team', operator: 'In', values: ['b'] }] }),
);

const ipBlock = fc.constantFrom(
  { cidr: '172.16.0.0/12', except: ['172.16.5.0/24'] },
  { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.0.0/16'] },
  { cidr: '192.168.0.0/16' },
  { cidr: 'fd00::/48', except: ['fd00::/64'] },
  { cidr: '2001:db8::/32' },
  { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] },
);

const peer = fc.oneof(
  podSelector.map((selector) => ({ podSelector: selector })),
  namespaceSelector.map((selector) => ({ namespaceSelector: selector })),
  fc.tuple(namespaceSelector, podSelector).map(([ns, pods]) => ({ namespaceSelector: ns, podSelector: pods })),
  ipBlock.map((block) => ({ ipBlock: block })),
);

const rulePort = fc.oneof(
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS), port: fc.constantFrom(...RULE_PORTS) }),
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS), port: fc.constantFrom(...PORT_NAMES) }),
  fc.record({ protocol: fc.constantFrom(...PROTOCOLS) }),
  fc.constantFrom(...RANGES).map(([port, endPort]) => ({ protocol: 'TCP', port, endPort })),
  fc.constant({ port: 8080 }),
);

const rule = (peerKey: 'from' | 'to') =>
  fc.record(
    {
      [peerKey]: fc.array(peer, { minLength: 1, maxLength: 2 }),
      ports: fc.array(rulePort, { minLength: 1, maxLength: 3 }),
    },
    { requiredKeys: [] },
  );

const policyTypes = fc.constantFrom(undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']) as fc.Arbitrary<
  string[] | undefined
>;

const policyBody = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  podSelector,
  policyTypes,
  ingress: fc.array(rule('from'), { maxLength: 2 }),
  egress: fc.array(rule('to'), { maxLength: 2 }),
});

const servicePort: fc.Arbitrary<ServicePortSpec> = fc.record(
  {
    port: fc.constantFrom(80, 53, 443, 9000),
    targetPort: fc.oneof(fc.constantFrom(...CONTAINER_PORTS), fc.constantFrom(...PORT_NAMES)),
    protocol: fc.constantFrom(...PROTOCOLS),
  },
  { requiredKeys: ['port'] },
);

const serviceBody = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  kind: fc.constantFrom('ClusterIP', 'ClusterIP', 'ClusterIP', 'Headless', 'ExternalName'),
  selector: fc.option(labels, { nil: undefined }),
  ports: fc.array(servicePort, { minLength: 1, maxLength: 3 }),
});

/** Service ports need unique (port, protocol) and, when several, names. */
function serviceOf(body: Generated<typeof serviceBody>, index: number): ServiceSpec {
  const seen = new Set<string>();
  const ports = body.ports
    .filter((port) => {
      const key = `${String(port.port)}/${port.protocol ?? 'TCP'}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((port, position) => ({ ...port, name: `p${String(position)}` }));
  const kind = body.kind;
  const selector = kind === 'ExternalName' ? undefined : body.selector;
  return {
    namespace: body.namespace,
    name: `svc-${String(index)}`,
    kind,
    ports,
    ...(selector === undefined ? {} : { selector }),
  };
}

function policyOf(body: Generated<typeof policyBody>, index: number): PolicySpec {
  const spec: Record<string, unknown> = { podSelector: body.podSelector };
  if (body.policyTypes !== undefined) spec.policyTypes = body.policyTypes;
  if (body.ingress.length > 0) spec.ingress = body.ingress;
  if (body.egress.length > 0) spec.egress = body.egress;
  return { namespace: body.namespace, name: `np-${String(index)}`, spec };
}

const collision = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  direction: fc.constantFrom('ingress', 'egress'),
  pair: fc.constantFrom(...COLLIDING_PAIRS),
  block: ipBlock,
});

function collidingPolicy(planted: Generated<typeof collision>): PolicySpec {
  const peerKey = planted.direction === 'ingress' ? 'from' : 'to';
  const rules = planted.pair.map((ports) => ({
    [peerKey]: [{ ipBlock: planted.block }],
    ports: [{ protocol: 'TCP', ...ports }],
  }));
  const policyType = planted.direction === 'ingress' ? 'Ingress' : 'Egress';
  return {
    namespace: planted.namespace,
    name: 'collide',
    spec: { podSelector: {}, policyTypes: [policyType], [planted.direction]: rules },
  };
}

const scenarioBody = fc.record({
  pods: fc.array(podBody, { minLength: 2, maxLength: 7 }),
  services: fc.array(serviceBody, { maxLength: 3 }),
  policies: fc.array(policyBody, { minLength: 1, maxLength: 3 }),
  collision: fc.option(collision, { freq: 3, nil: undefined }),
});

export function randomScenario(seed: number): Scenario {
  const [body] = fc.sample(scenarioBody, { seed, numRuns: 1 });
  if (body === undefined) throw new Error(`fast-check produced no scenario for seed ${String(seed)}`);
  const pods: PodSpec[] = body.pods.map((pod, index) => ({
    ...pod,
    name: `pod-${String(index)}`,
    ip: pod.ip,
    phase: pod.phase,
  }));
  const policies = body.policies.map(policyOf);
  const planted = body.collision;
  if (planted !== undefined) policies.push(collidingPolicy(planted));
  return {
    name: `seed ${String(seed)}`,
    namespaces: { a: { team: 'a' }, b: { team: 'b' } },
    pods,
    services: body.services.map(serviceOf),
    policies,
    plantedCollisions:
      planted === undefined
        ? []
        : [
            {
              checkId: 'CP-PE-ENTRY-KEY-COLLISION',
              policy: `${planted.namespace}/collide`,
              direction: planted.direction,
            },
          ],
  };
}
