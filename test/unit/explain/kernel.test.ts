import { explainFlow, type FlowExplanation } from '#engine/explain/index';
import type { ClusterInventory } from '#engine/model/cluster';
import type { ParsedNodeBundle } from '#engine/node/bundle';
import {
  configuration,
  cpDump,
  inventory,
  loadedEbpfData,
  lpmDumpG2,
  lpmDumpG3,
  namespace,
  networkPolicy,
  NODE_IP,
  nodeBundle,
  pod,
  podStateDump,
  policyEndpoint,
  sha1Hex,
  tcFilterText,
  vethOf,
  type Slot,
} from './fixtures';

const api = pod('app', 'api-7d9f-abcde', '10.1.0.7', { app: 'api' });
const web = pod('app', 'web-1', '10.1.0.5', { app: 'web' });
const OPEN_INGRESS = networkPolicy('app', 'api-in', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{}] });

function cluster(parts: Partial<ClusterInventory> = {}): ClusterInventory {
  return inventory({ namespaces: [namespace('app')], pods: [api, web], ...parts });
}

/** The api pod's ingress program (identifier form per version) with its ingress map 11 and pod-state map 12. */
function apiIngressNode(
  identifier: string,
  ingressSlots: readonly { cidr: string; slots: readonly Slot[] }[],
  state: readonly (readonly [number, number])[] | undefined,
  extra: Record<string, string> = {},
): ParsedNodeBundle {
  const maps: Record<string, number> = { ingress_map: 11, aws_conntrack_map: 1, policy_events: 2 };
  const files: Record<string, string> = {
    'maps/11.txt': lpmDumpG2(ingressSlots),
    [`tc/${vethOf(api)}.egress.txt`]: tcFilterText('handle_ingress', 500),
    ...extra,
  };
  if (state !== undefined) {
    maps.ingress_pod_state_map = 12;
    files['maps/12.txt'] = podStateDump(state);
  }
  return nodeBundle({
    'loaded-ebpfdata.txt': loadedEbpfData([{ identifier, direction: 'ingress', programId: 500, maps }]),
    ...files,
  });
}

function explain(
  bundles: readonly ParsedNodeBundle[] | undefined,
  agentVersion: string,
  options: { mode?: 'standard' | 'strict'; port?: number; inventory?: ClusterInventory } = {},
): FlowExplanation {
  return explainFlow({
    inventory: options.inventory ?? cluster({ networkPolicies: [OPEN_INGRESS] }),
    ...(bundles === undefined ? {} : { nodeBundles: bundles }),
    configuration: configuration(agentVersion, options.mode ?? 'standard'),
    flow: {
      from: { namespace: 'app', pod: 'web-1' },
      to: { namespace: 'app', pod: 'api-7d9f-abcde' },
      port: options.port ?? 8080,
    },
    sha1Hex,
  });
}

function ingressSide(result: FlowExplanation) {
  return result.kernel.sides.find((side) => side.side === 'ingress');
}

describe('kernel layer', () => {
  it('denies on a RESERVED slot (an except CIDR) and names the key and slot', () => {
    // Prepare
    const node = apiIngressNode(
      'api-7d9f-app',
      [
        { cidr: '10.1.0.0/16', slots: [['ANY PROTOCOL', 0, 0]] },
        { cidr: '10.1.0.0/24', slots: [['RESERVED', 0, 0]] },
      ],
      [[0, 0]],
    );

    // Act
    const result = explain([node], '1.2.7');

    // Assess
    expect(ingressSide(result)?.verdict).toBe('deny');
    expect(ingressSide(result)?.reason).toContain('RESERVED');
    expect(ingressSide(result)?.decidedBy).toMatchObject({ kind: 'map', mapId: 11, key: '10.1.0.0/24', slot: 0 });
  });

  it('lets ANY match regardless of port before v1.2.4 and checks the port from v1.2.4', () => {
    // Prepare: a PE port without protocol becomes {ANY, 443}
    const entries = [{ cidr: '10.1.0.5/32', slots: [['ANY PROTOCOL', 443, 0] as const] }];
    const node = apiIngressNode('api-7d9f-app', entries, [[0, 0]]);

    // Act
    const old = explain([node], '1.2.3', { port: 8080 });
    const fixed = explain([node], '1.2.4', { port: 8080 });
    const fixedMatching = explain([node], '1.2.4', { port: 443 });

    // Assess
    expect(ingressSide(old)?.verdict).toBe('allow');
    expect(ingressSide(old)?.reason).toContain('regardless of port');
    expect(ingressSide(fixed)?.verdict).toBe('deny');
    expect(ingressSide(fixedMatching)?.verdict).toBe('allow');
  });

  it('denies with pod state DEFAULT_DENY in strict mode before any map lookup', () => {
    // Prepare: nothing selects the pods; the agent attached probes with DEFAULT_DENY
    const node = apiIngressNode('api-7d9f-app', [], [[0, 2]]);

    // Act
    const result = explain([node], '1.2.7', { mode: 'strict', inventory: cluster() });

    // Assess
    expect(ingressSide(result)?.verdict).toBe('deny');
    expect(ingressSide(result)?.reason).toContain('DEFAULT_DENY');
    expect(ingressSide(result)?.decidedBy).toMatchObject({
      kind: 'map',
      map: 'ingress_pod_state_map',
      mapId: 12,
      key: '0',
    });
    expect(result.intent.verdict).toBe('deny');
    expect(result.disagreements.filter((d) => d.side === 'ingress')).toEqual([]);
  });

  it('allows with DEFAULT_ALLOW in v1.2.x without looking at the map', () => {
    // Prepare
    const node = apiIngressNode('api-7d9f-app', [], [[0, 1]]);

    // Act
    const result = explain([node], '1.2.7', { inventory: cluster() });

    // Assess
    expect(ingressSide(result)?.verdict).toBe('allow');
    expect(ingressSide(result)?.reason).toContain('DEFAULT_ALLOW');
  });

  it('uses the v1.0/v1.1 algorithm (no pod state) and the v1.4 identifier form', () => {
    // Prepare
    const entries = [{ cidr: '10.1.0.5/32', slots: [['TCP', 8080, 0] as const] }];
    const v11 = apiIngressNode('api-7d9f-app', entries, undefined);
    const v14 = nodeBundle({
      'loaded-ebpfdata.txt': loadedEbpfData([
        {
          identifier: 'api-7d9f@app',
          direction: 'ingress',
          programId: 500,
          maps: { ingress_map: 11, ingress_pod_state_map: 12, cp_ingress_map: 13 },
        },
      ]),
      'maps/11.txt': lpmDumpG3(entries),
      'maps/12.txt': podStateDump([
        [0, 0],
        [1, 1],
      ]),
      'maps/13.txt': cpDump([]),
    });

    // Act
    const old = explain([v11], '1.1.6');
    const current = explain([v14], '1.4.1');

    // Assess
    expect(ingressSide(old)?.verdict).toBe('allow');
    expect(ingressSide(old)?.decidedBy).toMatchObject({ podIdentifier: 'api-7d9f-app', key: '10.1.0.5/32' });
    expect(ingressSide(current)?.verdict).toBe('allow');
    expect(ingressSide(current)?.decidedBy).toMatchObject({ podIdentifier: 'api-7d9f@app', mapId: 11 });
  });

  it('v1.3.0+: an Admin Deny slot in the cp map wins over an LPM allow; a Baseline Accept decides after an LPM pass', () => {
    // Prepare: Admin priority 5 Deny = 50; Baseline priority 1 Accept = (2000+1)*10+1
    const adminNode = nodeBundle({
      'loaded-ebpfdata.txt': loadedEbpfData([
        {
          identifier: 'api-7d9f-app',
          direction: 'ingress',
          programId: 500,
          maps: { ingress_map: 11, ingress_pod_state_map: 12, cp_ingress_map: 13 },
        },
      ]),
      'maps/11.txt': lpmDumpG3([{ cidr: '10.1.0.5/32', slots: [['ANY PROTOCOL', 0, 0]] }]),
      'maps/12.txt': podStateDump([
        [0, 0],
        [1, 0],
      ]),
      'maps/13.txt': cpDump([{ cidr: '10.1.0.0/16', slots: [['TCP', 50, 8080, 0]] }]),
    });
    const baselineNode = nodeBundle({
      'loaded-ebpfdata.txt': loadedEbpfData([
        {
          identifier: 'api-7d9f-app',
          direction: 'ingress',
          programId: 500,
          maps: { ingress_map: 11, ingress_pod_state_map: 12, cp_ingress_map: 13 },
        },
      ]),
      'maps/11.txt': lpmDumpG3([{ cidr: `${NODE_IP}/32`, slots: [['ANY PROTOCOL', 0, 0]] }]),
      'maps/12.txt': podStateDump([
        [0, 2],
        [1, 0],
      ]),
      'maps/13.txt': cpDump([{ cidr: '0.0.0.0/0', slots: [['ANY PROTOCOL', 20011, 0, 0]] }]),
    });

    // Act
    const admin = explain([adminNode], '1.3.4');
    const baseline = explain([baselineNode], '1.3.4', { mode: 'strict', inventory: cluster() });

    // Assess
    expect(ingressSide(admin)?.verdict).toBe('deny');
    expect(ingressSide(admin)?.reason).toContain('Admin tier');
    expect(ingressSide(admin)?.decidedBy).toMatchObject({ map: 'cp_ingress_map', mapId: 13, key: '10.1.0.0/16' });
    expect(ingressSide(baseline)?.verdict).toBe('allow');
    expect(ingressSide(baseline)?.reason).toContain('Baseline tier');
  });

  it("evaluates the maps of the pinned program a tc filter runs instead of the pod's own (agent#514, tampering)", () => {
    // Prepare: the api veth's filter runs the web identifier's ingress program (600), whose map 21 denies web
    const maps = (lpm: number, state: number) => ({ ingress_map: lpm, ingress_pod_state_map: state });
    const node = nodeBundle({
      'loaded-ebpfdata.txt': loadedEbpfData([
        { identifier: 'api-7d9f-app', direction: 'ingress', programId: 500, maps: maps(11, 12) },
        { identifier: 'web-app', direction: 'ingress', programId: 600, maps: maps(21, 22) },
      ]),
      'maps/11.txt': lpmDumpG2([{ cidr: '10.1.0.5/32', slots: [['TCP', 8080, 0]] }]),
      'maps/12.txt': podStateDump([[0, 0]]),
      'maps/21.txt': lpmDumpG2([{ cidr: '10.1.0.99/32', slots: [['TCP', 8080, 0]] }]),
      'maps/22.txt': podStateDump([[0, 0]]),
      [`tc/${vethOf(api)}.egress.txt`]: tcFilterText('handle_ingress', 600),
    });
    const unknownProgram = nodeBundle({
      'loaded-ebpfdata.txt': loadedEbpfData([
        { identifier: 'api-7d9f-app', direction: 'ingress', programId: 500, maps: maps(11, 12) },
      ]),
      'maps/11.txt': lpmDumpG2([{ cidr: '10.1.0.5/32', slots: [['TCP', 8080, 0]] }]),
      'maps/12.txt': podStateDump([[0, 0]]),
      [`tc/${vethOf(api)}.egress.txt`]: tcFilterText('handle_ingress', 700),
    });

    // Act
    const substituted = explain([node], '1.2.7');
    const stray = explain([unknownProgram], '1.2.7');

    // Assess
    expect(ingressSide(substituted)?.verdict).toBe('deny');
    expect(ingressSide(substituted)?.reason).toContain('evaluated with the maps of the program that runs');
    expect(ingressSide(substituted)?.reason).toContain('web-app_handle_ingress');
    expect(ingressSide(stray)?.verdict).toBe('unknown');
    expect(ingressSide(stray)?.reason).toContain('its maps are unknown');
  });

  it('says the pod is unenforced when no program is pinned for its identifier and its veth has no filter', () => {
    // Prepare: an empty listing is the node's state only when the collector counted no pinned programs
    const node = nodeBundle({
      'node.json': JSON.stringify({ pinCounts: { programs: 0, maps: 0 } }),
      'loaded-ebpfdata.txt': '',
      [`tc/${vethOf(api)}.egress.txt`]: '',
    });

    // Act
    const result = explain([node], '1.2.7');

    // Assess
    expect(ingressSide(result)?.verdict).toBe('allow');
    expect(ingressSide(result)?.reason).toContain('not inspected (unenforced)');
  });

  it('is unknown when node outputs are missing, naming what is missing', () => {
    // Prepare
    const otherNode = apiIngressNode('api-7d9f-app', [], [[0, 1]]);
    const renamed = { ...otherNode, nodeName: 'node-b' };
    const withoutPodState = nodeBundle({
      'loaded-ebpfdata.txt': loadedEbpfData([
        {
          identifier: 'api-7d9f-app',
          direction: 'ingress',
          programId: 500,
          maps: { ingress_map: 11, ingress_pod_state_map: 12 },
        },
      ]),
      'maps/11.txt': lpmDumpG2([]),
    });

    // Act
    const none = explain(undefined, '1.2.7');
    const wrongNode = explain([renamed], '1.2.7');
    const noStateDump = explain([withoutPodState], '1.2.7');

    // Assess
    expect(none.kernel.verdict).toBe('unknown');
    expect(none.kernel.reason).toContain('no node outputs');
    expect(wrongNode.kernel.verdict).toBe('unknown');
    expect(ingressSide(wrongNode)?.reason).toContain('no node outputs for node node-a');
    expect(ingressSide(noStateDump)?.verdict).toBe('unknown');
    expect(ingressSide(noStateDump)?.reason).toContain(
      'ingress_pod_state_map (map 12) on node node-a was not dumped (maps/12.txt is missing)',
    );
    expect(none.disagreements).toEqual([]);
  });

  it('reports where the layers disagree: the PE lacks the entry the policy allows', () => {
    // Prepare: the policy allows web, the PE (stale) only lists another IP, the kernel map follows the PE
    const policy = networkPolicy('app', 'api-from-web', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
    });
    const stale = policyEndpoint('app', 'api-from-web', [api], { ingress: [{ cidr: '10.1.0.99' }] });
    const node = apiIngressNode(
      'api-7d9f-app',
      [
        { cidr: '10.1.0.99/32', slots: [['ANY PROTOCOL', 0, 0]] },
        { cidr: `${NODE_IP}/32`, slots: [['ANY PROTOCOL', 0, 0]] },
      ],
      [[0, 0]],
    );

    // Act
    const result = explain([node], '1.2.7', {
      inventory: cluster({ networkPolicies: [policy], policyEndpoints: [stale] }),
    });

    // Assess
    expect([result.intent.verdict, result.policyEndpoint.verdict, result.kernel.verdict]).toEqual([
      'allow',
      'deny',
      'deny',
    ]);
    expect(result.disagreements).toEqual([
      expect.objectContaining({
        between: ['intent', 'policyEndpoint'],
        side: 'ingress',
        verdicts: { intent: 'allow', policyEndpoint: 'deny' },
      }),
    ]);
    expect(result.disagreements[0]?.description).toContain('control plane');
    expect(ingressSide(result)?.reason).toContain('10.1.0.5 is not in the ingress_map of app/api-7d9f-abcde');
  });
});
