import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { audit, type AuditReport } from '#engine';

const NOW = new Date('2026-12-04T12:00:00Z');
const ANY_DAEMONSET = ['CFG-CNI-DAEMONSET-MISSING', 'CFG-CNI-MISSING', 'CFG-AGENT-MISSING', 'CFG-AGENT-NP-DISABLED'];

/** An offline audit of a copy of examples/seed-cluster after `edit` (configuration and control plane only). */
async function auditEditedSeed(edit: (k8s: string, root: string) => Promise<void>): Promise<AuditReport> {
  const root = await mkdtemp(join(tmpdir(), 'uncollected-'));
  try {
    await cp('examples/seed-cluster', root, { recursive: true });
    await rm(join(root, 'nodes'), { recursive: true });
    await edit(join(root, 'k8s'), root);
    const inventory = await new SnapshotDirectory(root).readInventory();
    return audit({ inventory, source: { kind: 'snapshot', location: root } }, { now: NOW, engineVersion: '0.1.0' });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function checkIds(report: AuditReport): string[] {
  return report.findings.map((finding) => finding.checkId);
}

describe('kinds a hand-made snapshot does not hold', () => {
  it('a snapshot without the aws-node DaemonSet is "not checked: not in the input", never "the CNI is not running"', async () => {
    // Act
    const report = await auditEditedSeed((k8s) => rm(join(k8s, 'daemonsets.json')));
    // Assess
    expect(checkIds(report).filter((id) => ANY_DAEMONSET.includes(id))).toEqual([]);
    expect(report.findings.filter((f) => f.checkId === 'INPUT-KIND-UNAVAILABLE').map((f) => f.message)).toEqual([
      expect.stringMatching(/^DaemonSet was not collected: DaemonSet kube-system\/aws-node not in the input/),
    ]);
    expect(report.notChecked).toContainEqual({
      scope: 'CFG-CNI-DAEMONSET-MISSING',
      reason: 'The aws-node DaemonSet is not in the input (not collected).',
      kind: 'NC-CFG-DAEMONSET-UNAVAILABLE',
    });
    expect(report.notChecked).toContainEqual(
      expect.objectContaining({ scope: 'DaemonSet', kind: 'NC-INPUT-KIND-NOT-COLLECTED' }),
    );
  });

  it('a kind-less empty List in daemonsets.json does not show the kind was read', async () => {
    // Act: what `kubectl get daemonsets -A -o json` prints when nothing matches
    const report = await auditEditedSeed((k8s) =>
      writeFile(join(k8s, 'daemonsets.json'), '{"apiVersion":"v1","kind":"List","items":[]}'),
    );
    // Assess
    expect(checkIds(report)).not.toContain('CFG-CNI-DAEMONSET-MISSING');
    expect(checkIds(report)).toContain('INPUT-KIND-UNAVAILABLE');
  });

  const kubeProxy = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { namespace: 'kube-system', name: 'kube-proxy' },
    spec: { template: { spec: { containers: [{ name: 'kube-proxy', image: 'kube-proxy:v1.33.0' }] } } },
  };
  const daemonSets = (content: unknown) => (k8s: string) =>
    writeFile(join(k8s, 'daemonsets.json'), JSON.stringify(content));
  const kindsRead: [string, (k8s: string, root: string) => Promise<void>][] = [
    ['an empty DaemonSetList', daemonSets({ apiVersion: 'apps/v1', kind: 'DaemonSetList', items: [] })],
    ['another DaemonSet (kube-proxy)', daemonSets({ apiVersion: 'v1', kind: 'List', items: [kubeProxy] })],
    [
      // `netpol-audit snapshot` of a cluster without aws-node writes no DaemonSet and a manifest
      'a snapshot.json that does not list DaemonSet as unavailable',
      async (k8s, root) => {
        await rm(join(k8s, 'daemonsets.json'));
        await writeFile(join(root, 'snapshot.json'), JSON.stringify({ unavailableKinds: [] }));
      },
    ],
  ];

  it.each(kindsRead)(
    '%s shows the kind was read: the missing aws-node DaemonSet is a real finding',
    async (_, edit) => {
      // Act
      const report = await auditEditedSeed(edit);
      // Assess
      expect(checkIds(report)).toContain('CFG-CNI-DAEMONSET-MISSING');
      expect(checkIds(report)).not.toContain('INPUT-KIND-UNAVAILABLE');
    },
  );

  it('a malformed aws-node DaemonSet is not read, never "the CNI is not running"', async () => {
    // Act
    const broken = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { namespace: 'kube-system', name: 'aws-node' },
    };
    const report = await auditEditedSeed((k8s) =>
      writeFile(join(k8s, 'daemonsets.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [broken] })),
    );
    // Assess: one input finding, and the DaemonSet checks not run
    expect(checkIds(report).filter((id) => id.startsWith('INPUT-'))).toEqual(['INPUT-MALFORMED-OBJECT']);
    expect(checkIds(report).filter((id) => ANY_DAEMONSET.includes(id))).toEqual([]);
    expect(report.notChecked).toContainEqual({
      scope: 'CFG-CNI-DAEMONSET-MISSING',
      reason: 'The aws-node DaemonSet could not be read.',
      kind: 'NC-CFG-DAEMONSET-UNAVAILABLE',
    });
  });

  it('a snapshot without the amazon-vpc-cni ConfigMap is not checked, never "the controller is disabled"', async () => {
    // Act
    const report = await auditEditedSeed((k8s) => rm(join(k8s, 'configmaps.json')));
    // Assess
    expect(checkIds(report)).not.toContain('CFG-CONFIGMAP-CONTROLLER-DISABLED');
    expect(report.notChecked).toContainEqual({
      scope: 'CFG-CONFIGMAP-CONTROLLER-DISABLED',
      reason: 'The amazon-vpc-cni ConfigMap is not in the input (not collected).',
      kind: 'NC-CFG-CONFIGMAP-UNAVAILABLE',
    });
  });

  it('a snapshot without eks/addon-vpc-cni.json leaves the add-on unknown; snapshot.json can say DescribeAddon found none', async () => {
    // Act
    const unknown = await auditEditedSeed((_, root) => rm(join(root, 'eks', 'addon-vpc-cni.json')));
    const selfManaged = await auditEditedSeed(async (_, root) => {
      await rm(join(root, 'eks', 'addon-vpc-cni.json'));
      await writeFile(join(root, 'snapshot.json'), JSON.stringify({ vpcCniAddonNotInstalled: true }));
    });
    // Assess
    expect(checkIds(unknown)).not.toContain('CFG-CNI-SELF-MANAGED');
    expect(unknown.configuration.cniManagement).toBe('unknown');
    expect(checkIds(selfManaged)).toContain('CFG-CNI-SELF-MANAGED');
    expect(selfManaged.configuration.cniManagement).toBe('self-managed');
  });
});
