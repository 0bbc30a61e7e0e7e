import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { InputError } from '#engine/errors';

describe('SnapshotDirectory', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'snapshot-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reads the shipped seed example', async () => {
    const inventory = await new SnapshotDirectory('examples/seed-cluster').readInventory();
    expect(inventory.clusterName).toBe('seed-cluster');
    expect(inventory.networkPolicies.map((p) => p.metadata.name)).toEqual(['access-nginx']);
    expect(inventory.policyEndpoints).toHaveLength(1);
    expect(inventory.vpcCniAddon?.addonVersion).toBe('v1.19.6-eksbuild.1');
    expect(inventory.inputFindings).toEqual([]);
  });

  it('fails with an InputError naming the file when a file is not JSON', async () => {
    await mkdir(join(directory, 'k8s'));
    await writeFile(join(directory, 'k8s', 'pods.json'), '{"kind": "List", "items": [');
    const reading = new SnapshotDirectory(directory).readInventory();
    await expect(reading).rejects.toBeInstanceOf(InputError);
    await expect(reading).rejects.toThrow(/pods\.json: invalid JSON/);
  });

  it('fails with an InputError when the directory or k8s/ is missing', async () => {
    await expect(new SnapshotDirectory(join(directory, 'nope')).readInventory()).rejects.toThrow(/does not exist/);
    await expect(new SnapshotDirectory(directory).readInventory()).rejects.toThrow(/no k8s\/ directory/);
    await mkdir(join(directory, 'k8s'));
    await expect(new SnapshotDirectory(directory).readInventory()).rejects.toThrow(
      /no \*\.json, \*\.yaml or \*\.yml files/,
    );
  });

  it('reads node outputs as text keyed by path relative to the node directory', async () => {
    await mkdir(join(directory, 'nodes', 'node-a', 'maps'), { recursive: true });
    await writeFile(join(directory, 'nodes', 'node-a', 'loaded-ebpfdata.txt'), 'x');
    await writeFile(join(directory, 'nodes', 'node-a', 'maps', '93.txt'), 'y');
    const source = new SnapshotDirectory(directory);
    expect(await source.hasNodeOutputs()).toBe(true);
    const [output] = await source.readNodeOutputs();
    expect(output?.nodeName).toBe('node-a');
    expect([...(output?.files.keys() ?? [])].sort()).toEqual(['loaded-ebpfdata.txt', 'maps/93.txt']);
  });

  it('tells its caller of each node directory, in name order, before reading it; a stray file is no node', async () => {
    for (const node of ['node-b', 'node-a']) {
      await mkdir(join(directory, 'nodes', node), { recursive: true });
      await writeFile(join(directory, 'nodes', node, 'loaded-ebpfdata.txt'), node);
    }
    await writeFile(join(directory, 'nodes', 'README'), 'not a node');
    const heard: string[] = [];
    const outputs = await new SnapshotDirectory(directory).readNodeOutputs((reading) =>
      heard.push(`${String(reading.index + 1)}/${String(reading.total)} ${reading.nodeName} ${reading.directory}`),
    );
    expect(heard).toEqual([
      `1/2 node-a ${join(directory, 'nodes', 'node-a')}`,
      `2/2 node-b ${join(directory, 'nodes', 'node-b')}`,
    ]);
    expect(outputs.map((output) => output.nodeName)).toEqual(['node-a', 'node-b']);
  });

  it('says there are no node outputs when nodes/ is absent', async () => {
    expect(await new SnapshotDirectory(directory).hasNodeOutputs()).toBe(false);
    expect(await new SnapshotDirectory(directory).readNodeOutputs()).toEqual([]);
  });
});

describe('SnapshotDirectory with a snapshot.json manifest', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'snapshot-manifest-'));
    await mkdir(join(directory, 'k8s'));
    await writeFile(join(directory, 'k8s', 'namespaces.json'), '{"apiVersion":"v1","kind":"List","items":[]}');
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('carries the kinds the snapshot could not read into the inventory, so their checks are reported as not run', async () => {
    await writeFile(
      join(directory, 'snapshot.json'),
      JSON.stringify({
        unavailableKinds: [
          { kind: 'PolicyEndpoint', reason: 'permission denied (HTTP 403)', cause: 'forbidden' },
          {
            kind: 'ApplicationNetworkPolicy',
            reason: 'the CustomResourceDefinition is not installed',
            cause: 'not-installed',
          },
        ],
      }),
    );
    const inventory = await new SnapshotDirectory(directory).readInventory();
    expect(inventory.unavailableKinds.map((entry) => entry.kind)).toEqual([
      'PolicyEndpoint',
      'ApplicationNetworkPolicy',
    ]);
    expect(inventory.inputFindings.map((finding) => [finding.resource.kind, finding.severity])).toEqual([
      ['PolicyEndpoint', 'high'],
      ['ApplicationNetworkPolicy', 'info'],
    ]);
  });

  it('rejects a manifest it cannot read', async () => {
    await writeFile(join(directory, 'snapshot.json'), '{"unavailableKinds": "all"}');
    await expect(new SnapshotDirectory(directory).readInventory()).rejects.toThrow(
      /snapshot\.json: not a snapshot manifest/,
    );
  });
});
