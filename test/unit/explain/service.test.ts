import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { answerOf } from '../../../lambdas/shared/cli/explain';
import { assessConfiguration } from '#engine/config/index';
import { explainFlow, parseFlowEndpoint, UnknownEndpointError, type FlowExplanation } from '#engine/explain/index';
import { podIdentifierCandidates } from '#engine/facts/pod-identifier';
import type { ClusterInventory } from '#engine/model/cluster';
import type { EndpointInfo, NetworkPolicy, Pod, Service } from '#engine/model/kubernetes';
import { parseNodeBundle, type ParsedNodeBundle } from '#engine/node/bundle';
import { configuration, inventory, namespace, networkPolicy, pod, policyEndpoint, sha1Hex } from './fixtures';
import { loadedEbpfData, lpmDumpG2, nodeBundle, podStateDump, tcFilterText, vethOf, type Slot } from './fixtures';

const AGENT = '1.2.2';
const CLUSTER_IP = '172.20.0.50';

const web = pod('app', 'web-1', '10.1.0.5', { app: 'web' });
const apiA = pod('app', 'api-a', '10.1.0.7', { app: 'api' }, [{ name: 'http', containerPort: 8080 }]);
const apiB = pod('app', 'api-b', '10.1.0.8', { app: 'api' }, [{ name: 'http', containerPort: 9090 }]);

function service(spec: Service['spec'], name = 'api'): Service {
  return { kind: 'Service', metadata: { namespace: 'app', name }, spec };
}

/** ClusterIP Service app/api: port 80 → the container port named `http` of each backend. */
const API_SERVICE = service({
  type: 'ClusterIP',
  clusterIP: CLUSTER_IP,
  selector: { app: 'api' },
  ports: [{ port: 80, protocol: 'TCP', targetPort: 'http' }],
});

const WEB_EGRESS_TO_API = networkPolicy('app', 'web-egress', {
  podSelector: { matchLabels: { app: 'web' } },
  policyTypes: ['Egress'],
  egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }],
});
const API_FROM_WEB = networkPolicy('app', 'api-in', {
  podSelector: { matchLabels: { app: 'api' } },
  ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
});

/** What the controller writes for WEB_EGRESS_TO_API (controller.md §2.5/§2.6): each backend and the ClusterIP. */
const WEB_EGRESS_ENTRIES: EndpointInfo[] = [
  { cidr: '10.1.0.7', ports: [{ protocol: 'TCP', port: 8080 }] },
  { cidr: '10.1.0.8', ports: [{ protocol: 'TCP', port: 9090 }] },
  { cidr: CLUSTER_IP, ports: [{ protocol: 'TCP', port: 80 }] },
];
const WEB_EGRESS_SLOTS: { cidr: string; slots: Slot[] }[] = [
  { cidr: '10.1.0.7/32', slots: [['TCP', 8080, 0]] },
  { cidr: '10.1.0.8/32', slots: [['TCP', 9090, 0]] },
  { cidr: `${CLUSTER_IP}/32`, slots: [['TCP', 80, 0]] },
];

function identifier(target: Pod): string {
  return podIdentifierCandidates(target.metadata.name, target.metadata.namespace, AGENT)[0] ?? '';
}

/** v1.2.x node: web's egress program (maps 21/22) and the api pods' shared ingress program (maps 11/12). */
function node(
  webEgress: readonly { cidr: string; slots: readonly Slot[] }[],
  apiIngress: readonly { cidr: string; slots: readonly Slot[] }[] = [
    { cidr: '10.1.0.5/32', slots: [['ANY PROTOCOL', 0, 0]] },
  ],
): ParsedNodeBundle {
  const common = { aws_conntrack_map: 1, policy_events: 2 };
  return nodeBundle({
    'loaded-ebpfdata.txt': loadedEbpfData([
      {
        identifier: identifier(web),
        direction: 'egress',
        programId: 600,
        maps: { egress_map: 21, egress_pod_state_map: 22, ...common },
      },
      {
        identifier: identifier(apiA),
        direction: 'ingress',
        programId: 500,
        maps: { ingress_map: 11, ingress_pod_state_map: 12, ...common },
      },
    ]),
    'maps/21.txt': lpmDumpG2(webEgress),
    'maps/22.txt': podStateDump([[0, 0]]),
    'maps/11.txt': lpmDumpG2(apiIngress),
    'maps/12.txt': podStateDump([[0, 0]]),
    [`tc/${vethOf(web)}.ingress.txt`]: tcFilterText('handle_egress', 600),
    [`tc/${vethOf(apiA)}.egress.txt`]: tcFilterText('handle_ingress', 500),
    [`tc/${vethOf(apiB)}.egress.txt`]: tcFilterText('handle_ingress', 500),
  });
}

interface Cluster {
  readonly services?: Service[];
  readonly policies?: NetworkPolicy[];
  readonly webEgress?: EndpointInfo[];
  readonly apiIngress?: EndpointInfo[];
  readonly pods?: Pod[];
}

function cluster(parts: Cluster = {}): ClusterInventory {
  const pods = parts.pods ?? [web, apiA, apiB];
  const backends = pods.filter((candidate) => candidate.metadata.labels?.app === 'api');
  return inventory({
    namespaces: [namespace('app')],
    pods,
    services: parts.services ?? [API_SERVICE],
    networkPolicies: parts.policies ?? [WEB_EGRESS_TO_API, API_FROM_WEB],
    policyEndpoints: [
      policyEndpoint('app', 'web-egress', [web], {
        isolation: ['Egress'],
        egress: parts.webEgress ?? WEB_EGRESS_ENTRIES,
      }),
      policyEndpoint('app', 'api-in', backends, { ingress: parts.apiIngress ?? [{ cidr: '10.1.0.5' }] }),
    ],
  });
}

function explain(
  to: string,
  options: { inventory?: ClusterInventory; bundles?: ParsedNodeBundle[]; port?: number } = {},
): FlowExplanation {
  return explainFlow({
    inventory: options.inventory ?? cluster(),
    nodeBundles: options.bundles ?? [node(WEB_EGRESS_SLOTS)],
    configuration: configuration(AGENT),
    flow: { from: { namespace: 'app', pod: 'web-1' }, to: parseFlowEndpoint(to), port: options.port ?? 80 },
    sha1Hex,
  });
}

function layers(result: {
  intent: { verdict: string };
  policyEndpoint: { verdict: string };
  kernel: { verdict: string };
}) {
  return [result.intent.verdict, result.policyEndpoint.verdict, result.kernel.verdict];
}

function egressOf(layer: FlowExplanation['kernel']) {
  return layer.sides.find((side) => side.side === 'egress');
}

describe('explain through a Service', () => {
  describe('the troubleshooting article (examples/seed-cluster)', () => {
    let seed: ClusterInventory;
    let seedBundles: ParsedNodeBundle[];

    beforeAll(async () => {
      const source = new SnapshotDirectory('examples/seed-cluster');
      seed = await source.readInventory();
      seedBundles = (await source.readNodeOutputs()).map(parseNodeBundle);
    });

    function explainSeed(from: string, to: string): FlowExplanation {
      return explainFlow({
        inventory: seed,
        nodeBundles: seedBundles,
        configuration: assessConfiguration(seed).effective,
        flow: { from: { namespace: 'default', pod: from }, to: parseFlowEndpoint(to), port: 80 },
        sha1Hex,
      });
    }

    it.each(['svc/default/nginx', '10.100.45.12'])(
      'denies accessfalse → %s at every layer: the nginx backend drops 172.31.96.116 (map 93)',
      (to) => {
        const result = explainSeed('accessfalse', to);

        expect(result.flow).toMatchObject({ to: 'svc/default/nginx', toIp: '10.100.45.12', port: 80 });
        expect(layers(result)).toEqual(['deny', 'deny', 'deny']);
        expect(result.backends?.map((backend) => [backend.pod, backend.port, ...layers(backend)])).toEqual([
          ['default/nginx-f8d9c6576-8b4vf', 80, 'deny', 'deny', 'deny'],
        ]);
        expect(result.kernel.decidedBy).toMatchObject({ kind: 'map', map: 'ingress_map', mapId: 93 });
        expect(result.kernel.summary).toBe('1 deny of 1 backend');
        expect(result.disagreements).toEqual([]);
      },
    );

    it('allows accesstrue → svc/default/nginx at every layer', () => {
      const result = explainSeed('accesstrue', 'svc/default/nginx');

      expect(layers(result)).toEqual(['allow', 'allow', 'allow']);
      expect(result.kernel.decidedBy).toMatchObject({ map: 'ingress_map', mapId: 93, key: '172.31.101.218/32' });
    });
  });

  it('allows a ClusterIP flow at intent, PolicyEndpoint and kernel with no disagreement', () => {
    const result = explain(CLUSTER_IP);

    expect(layers(result)).toEqual(['allow', 'allow', 'allow']);
    expect(result.disagreements).toEqual([]);
    expect(result.service).toEqual({
      namespace: 'app',
      name: 'api',
      clusterIP: CLUSTER_IP,
      port: 80,
      protocol: 'TCP',
      targetPort: 'http',
    });
    const egress = egressOf(result.backends?.[0]?.kernel ?? result.kernel);
    expect(egress).toMatchObject({ verdict: 'allow', address: `${CLUSTER_IP}:80` });
    expect(egress?.decidedBy).toMatchObject({ kind: 'map', map: 'egress_map', mapId: 21, key: `${CLUSTER_IP}/32` });
    expect(egress?.alsoChecked).toMatchObject({ address: '10.1.0.7:8080', verdict: 'allow' });
  });

  it('resolves a named targetPort on each backend: api-a listens on 8080, api-b on 9090', () => {
    const result = explain('svc/app/api');

    expect(result.backends?.map((backend) => [backend.pod, backend.podIp, backend.port])).toEqual([
      ['app/api-a', '10.1.0.7', 8080],
      ['app/api-b', '10.1.0.8', 9090],
    ]);
    expect(result.backends?.map((backend) => egressOf(backend.intent)?.address)).toEqual([
      '10.1.0.7:8080',
      '10.1.0.8:9090',
    ]);
    expect(result.backends?.map((backend) => egressOf(backend.kernel)?.alsoChecked?.verdict)).toEqual([
      'allow',
      'allow',
    ]);
  });

  it('leaves out a selected pod that declares no container port of the targetPort name', () => {
    const apiC = pod('app', 'api-c', '10.1.0.9', { app: 'api' }, [{ name: 'metrics', containerPort: 9100 }]);

    const result = explain('svc/app/api', { inventory: cluster({ pods: [web, apiA, apiB, apiC] }) });

    expect(result.backends?.map((backend) => backend.pod)).toEqual(['app/api-a', 'app/api-b']);
    expect(result.skippedBackends).toEqual([
      { pod: 'app/api-c', reason: expect.stringContaining('declares no container port named "http"/TCP') as string },
    ]);
  });

  it('allows a flow the policies allow only through an ipBlock holding the ClusterIP, as the PE and kernel do', () => {
    const toServices = networkPolicy('app', 'web-egress', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '172.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 80 }] }],
    });
    const inventory = cluster({
      policies: [toServices, API_FROM_WEB],
      webEgress: [{ cidr: '172.20.0.0/16', ports: [{ protocol: 'TCP', port: 80 }] }],
    });
    const bundles = [node([{ cidr: '172.20.0.0/16', slots: [['TCP', 80, 0]] }])];

    const result = explain('svc/app/api', { inventory, bundles });

    expect(layers(result)).toEqual(['allow', 'allow', 'allow']);
    expect(result.disagreements).toEqual([]);
    expect(egressOf(result.backends?.[0]?.intent ?? result.intent)).toMatchObject({
      address: `${CLUSTER_IP}:80`,
      alsoChecked: { address: '10.1.0.7:8080', verdict: 'deny' },
    });
  });

  it('reports a control-plane disagreement when the PolicyEndpoint lacks the ClusterIP the policies allow', () => {
    const inventory = cluster({ webEgress: WEB_EGRESS_ENTRIES.filter((entry) => entry.cidr !== CLUSTER_IP) });
    const bundles = [node(WEB_EGRESS_SLOTS.filter((entry) => entry.cidr !== `${CLUSTER_IP}/32`))];

    const result = explain('svc/app/api', { inventory, bundles });

    expect(layers(result)).toEqual(['allow', 'deny', 'deny']);
    expect(result.disagreements.map((disagreement) => [disagreement.between, disagreement.side])).toEqual([
      [['intent', 'policyEndpoint'], 'egress'],
      [['intent', 'policyEndpoint'], 'egress'],
    ]);
    expect(result.disagreements[0]?.description).toMatch(/^backend app\/api-a: egress of app\/web-1/);
    expect(egressOf(result.backends?.[0]?.policyEndpoint ?? result.policyEndpoint)?.alsoChecked).toMatchObject({
      address: '10.1.0.7:8080',
      verdict: 'allow',
    });
  });

  it('answers unknown with the count when one backend allows and the other denies', () => {
    const only8080 = networkPolicy('app', 'api-in', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    const inventory = cluster({
      policies: [WEB_EGRESS_TO_API, only8080],
      apiIngress: [{ cidr: '10.1.0.5', ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    const bundles = [node(WEB_EGRESS_SLOTS, [{ cidr: '10.1.0.5/32', slots: [['TCP', 8080, 0]] }])];

    const result = explain('svc/app/api', { inventory, bundles });

    expect(result.backends?.map((backend) => [backend.pod, ...layers(backend)])).toEqual([
      ['app/api-a', 'allow', 'allow', 'allow'],
      ['app/api-b', 'deny', 'deny', 'deny'],
    ]);
    expect(layers(result)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(result.kernel.summary).toBe('1 allow, 1 deny of 2 backends');
    expect(result.kernel.decidedBy).toBeUndefined();
    expect(result.disagreements).toEqual([]);
    expect(answerOf(result)).toEqual({
      verdict: 'unknown',
      layer: 'kernel',
      backends: '1 allow, 1 deny, 0 unknown of 2 backends',
    });
  });

  it('answers unknown for the backend that is the client itself (kube-proxy hairpin), and checks the others', () => {
    const result = explainFlow({
      inventory: cluster(),
      nodeBundles: [node(WEB_EGRESS_SLOTS)],
      configuration: configuration(AGENT),
      flow: { from: { namespace: 'app', pod: 'api-a' }, to: parseFlowEndpoint('svc/app/api'), port: 80 },
      sha1Hex,
    });

    expect(result.backends?.map((backend) => [backend.pod, ...layers(backend)])).toEqual([
      ['app/api-a', 'unknown', 'unknown', 'unknown'],
      ['app/api-b', 'deny', 'deny', 'deny'],
    ]);
    expect(result.backends?.[0]?.kernel.reason).toContain('hairpin');
    expect(layers(result)).toEqual(['unknown', 'unknown', 'unknown']);
  });

  it('checks only the backends ingress for a client outside the cluster', () => {
    const result = explainFlow({
      inventory: cluster(),
      nodeBundles: [node(WEB_EGRESS_SLOTS)],
      configuration: configuration(AGENT),
      flow: { from: { ip: '192.0.2.7' }, to: parseFlowEndpoint('svc/app/api'), port: 80 },
      sha1Hex,
    });

    expect(layers(result)).toEqual(['deny', 'deny', 'deny']);
    expect(result.backends?.map((backend) => backend.kernel.sides.map((side) => side.side))).toEqual([
      ['ingress'],
      ['ingress'],
    ]);
    expect(result.kernel.reason).toContain('192.0.2.7 is not in the ingress_map of app/api-a');
  });

  describe('Services explain cannot resolve to backends: unknown at every layer, never allow', () => {
    it.each<[string, Service, string]>([
      [
        'without backends',
        service({ clusterIP: CLUSTER_IP, selector: { app: 'gone' }, ports: [{ port: 80 }] }),
        'no pod with an IP in namespace app matches the selector app=gone',
      ],
      ['of type ExternalName', service({ type: 'ExternalName', ports: [{ port: 80 }] }), 'is of type ExternalName'],
      [
        'headless',
        service({ clusterIP: 'None', selector: { app: 'api' }, ports: [{ port: 80 }] }),
        "is headless (clusterIP None): clients connect to the pods' own IPs",
      ],
      [
        'without a selector',
        service({ clusterIP: CLUSTER_IP, ports: [{ port: 80 }] }),
        'has no selector: its endpoints are kept by hand',
      ],
      [
        'without the port',
        service({ clusterIP: CLUSTER_IP, selector: { app: 'api' }, ports: [{ port: 443, targetPort: 8443 }] }),
        'has no TCP port 80 (its ports: TCP/443 → 8443)',
      ],
    ])('a Service %s', (_case, target, reason) => {
      const result = explain('svc/app/api', { inventory: cluster({ services: [target] }) });

      expect(layers(result)).toEqual(['unknown', 'unknown', 'unknown']);
      expect(result.kernel.reason).toContain('not checked: ');
      expect(result.kernel.reason).toContain(reason);
      expect(result.backends).toEqual([]);
      expect(result.disagreements).toEqual([]);
    });
  });

  it('hints at svc/… when --to names a Service, not a pod', () => {
    const run = () => explain('app/api');

    expect(run).toThrow(UnknownEndpointError);
    expect(run).toThrow('app/api: no such pod in the inventory; app/api is a Service: use svc/app/api');
  });

  it('names an unknown Service and refuses a Service as the source', () => {
    expect(() => explain('svc/app/nope')).toThrow('svc/app/nope: no such Service in the inventory');
    expect(() =>
      explainFlow({
        inventory: cluster(),
        configuration: configuration(AGENT),
        flow: { from: parseFlowEndpoint('svc/app/api'), to: { namespace: 'app', pod: 'api-a' }, port: 80 },
      }),
    ).toThrow('a Service is not the source of a connection');
  });

  it('keeps a pod flow as it was: no service fields', () => {
    const result = explain('app/api-a', { port: 8080 });

    expect(Object.keys(result)).toEqual(['flow', 'intent', 'policyEndpoint', 'kernel', 'disagreements']);
  });
});
