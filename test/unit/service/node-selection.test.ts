import { emptyInventory, type ClusterInventory } from '#engine';
import { instanceIdOf, pickNodes, toBatches } from '../../../lambdas/shared/service/node-selection';

type Node = ClusterInventory['nodes'][number];
type Pod = ClusterInventory['pods'][number];

function node(name: string, instance: string, labels: Record<string, string> = {}): Node {
  return {
    kind: 'Node',
    metadata: { name, labels },
    spec: { providerID: `aws:///eu-west-1a/${instance}` },
    status: {},
  };
}

function pod(namespace: string, name: string, nodeName: string): Pod {
  return {
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { nodeName, containers: [] },
    status: {},
  } as unknown as Pod;
}

const IDS = ['i-0000000000000000a', 'i-0000000000000000b', 'i-0000000000000000c', 'i-0000000000000000d'];

function inventory(nodes: Node[], pods: Pod[] = []): ClusterInventory {
  return { ...emptyInventory('prod-a'), nodes, pods };
}

describe('instanceIdOf', () => {
  it('takes the instance id from spec.providerID and nothing else', () => {
    expect(instanceIdOf('aws:///eu-west-1a/i-0123456789abcdef0')).toBe('i-0123456789abcdef0');
    expect(instanceIdOf('aws:///eu-west-1a/fargate-ip-10-0-0-1')).toBeUndefined();
    expect(instanceIdOf(undefined)).toBeUndefined();
  });
});

describe('pickNodes', () => {
  const nodes = [
    node('n-a', IDS[0] ?? '', { 'eks.amazonaws.com/nodegroup': 'g1' }),
    node('n-b', IDS[1] ?? '', { 'eks.amazonaws.com/nodegroup': 'g1' }),
    node('n-c', IDS[2] ?? '', { 'eks.amazonaws.com/nodegroup': 'g2' }),
    node('fargate-1', 'x', { 'eks.amazonaws.com/compute-type': 'fargate' }),
    node('hybrid-1', IDS[3] ?? '', { 'eks.amazonaws.com/compute-type': 'hybrid' }),
    node('auto-1', IDS[3] ?? '', { 'eks.amazonaws.com/compute-type': 'auto' }),
    node('win-1', IDS[3] ?? '', { 'kubernetes.io/os': 'windows' }),
  ];

  it('picks every eligible node and skips Fargate, hybrid, Auto Mode and Windows with a not-checked reason', () => {
    const pick = pickNodes(inventory(nodes), 'all', {});
    expect(pick.instances).toEqual([
      { nodeName: 'n-a', instanceId: IDS[0] },
      { nodeName: 'n-b', instanceId: IDS[1] },
      { nodeName: 'n-c', instanceId: IDS[2] },
    ]);
    expect(pick.skipped.map((skipped) => [skipped.nodeName, skipped.reason.split(':')[0]])).toEqual([
      ['fargate-1', 'Fargate node'],
      ['hybrid-1', 'hybrid node'],
      ['auto-1', 'EKS Auto Mode node'],
      ['win-1', 'Windows node'],
    ]);
  });

  it('takes at most N nodes per managed node group', () => {
    expect(pickNodes(inventory(nodes), { perNodeGroup: 1 }, {}).instances.map((instance) => instance.nodeName)).toEqual(
      ['n-a', 'n-c'],
    );
  });

  it('picks only the nodes of the named pods (or namespaces) in a focused run', () => {
    const pods = [pod('default', 'nginx', 'n-b'), pod('default', 'client', 'n-c'), pod('shop', 'cart', 'n-a')];
    expect(pickNodes(inventory(nodes, pods), 'all', { pods: ['default/nginx'] }).instances).toEqual([
      { nodeName: 'n-b', instanceId: IDS[1] },
    ]);
    expect(pickNodes(inventory(nodes, pods), 'all', { namespaces: ['shop'] }).instances).toEqual([
      { nodeName: 'n-a', instanceId: IDS[0] },
    ]);
  });

  it('skips a node whose providerID names no EC2 instance', () => {
    const pick = pickNodes(inventory([node('odd', 'not-an-instance')]), 'all', {});
    expect(pick.instances).toEqual([]);
    expect(pick.skipped[0]?.reason).toContain(
      "spec.providerID 'aws:///eu-west-1a/not-an-instance' names no EC2 instance",
    );
  });
});

describe('toBatches', () => {
  it('cuts consecutive batches of at most 50 instances', () => {
    const instances = Array.from({ length: 101 }, (_, index) => ({
      nodeName: `n${String(index)}`,
      instanceId: `i-${index.toString(16).padStart(17, '0')}`,
    }));
    const batches = toBatches(instances);
    expect(batches.map((batch) => batch.length)).toEqual([50, 50, 1]);
    expect(batches.flat()).toEqual(instances);
    expect(toBatches([])).toEqual([]);
  });
});
