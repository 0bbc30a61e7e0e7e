import { runAudit } from '#engine/audit';
import { renderMarkdown } from '#engine/report/render-markdown';
import type { ClusterInventory } from '#engine/model/cluster';
import { assess, checkIds, healthyInventory, skippedScopes, without } from './fixtures';

function reportOf(inventory: ReturnType<typeof healthyInventory>) {
  return runAudit({
    inventory,
    options: { now: new Date('2026-12-04T12:00:00Z') },
    source: { kind: 'live', location: 'kubeconfig' },
    engineVersion: '0.1.0',
  });
}

describe('EKS Auto Mode when the cluster description was not read', () => {
  it('is unknown, never false, in the effective configuration, the report and its Markdown', () => {
    // Prepare
    const inventory = without(healthyInventory(), 'eksCluster');
    // Act
    const report = reportOf(inventory);
    // Assess
    expect(assess(inventory).effective.autoMode).toBeUndefined();
    expect(report.configuration.autoMode).toBeNull();
    expect(renderMarkdown(report)).toContain('| EKS Auto Mode | unknown |');
    expect(reportOf(healthyInventory()).configuration.autoMode).toBe(false);
  });

  it('no add-on and no aws-node DaemonSet is not "the VPC CNI is not installed" (Auto Mode has neither)', () => {
    // Prepare
    const inventory = without(healthyInventory(), 'eksCluster', 'vpcCniAddon', 'awsNodeDaemonSet');
    // Act
    const result = assess(inventory);
    // Assess
    expect(checkIds(result)).not.toContain('CFG-CNI-MISSING');
    expect(result.notChecked).toContainEqual({
      scope: 'CFG-CNI-MISSING',
      reason: expect.stringContaining('EKS Auto Mode is unknown') as unknown,
      kind: 'NC-CFG-AUTO-MODE-UNKNOWN',
    });
    expect(skippedScopes(result)).toContain('CFG-AUTO-MODE');
  });

  it('with the cluster description saying it is not Auto Mode, no add-on and no DaemonSet is CFG-CNI-MISSING', () => {
    // Act
    const result = assess(without(healthyInventory(), 'vpcCniAddon', 'awsNodeDaemonSet'));
    // Assess
    expect(checkIds(result)).toContain('CFG-CNI-MISSING');
  });
});

/** What a live audit through a kubeconfig reads: no EKS API, so no add-on and nothing said about it. */
function addonNotRead(): ClusterInventory {
  const inventory: { -readonly [K in keyof ClusterInventory]: ClusterInventory[K] } = { ...healthyInventory() };
  delete inventory.vpcCniAddon;
  return inventory;
}

describe('the vpc-cni EKS add-on when it was not read', () => {
  it('a live audit that did not read the EKS add-on says "unknown", never "self-managed", and runs no add-on check', () => {
    // Act
    const report = reportOf(addonNotRead());
    // Assess
    expect(report.findings.filter((f) => f.layer === 'config').map((f) => f.checkId)).toEqual(['CFG-MODE']);
    expect(report.configuration.cniManagement).toBe('unknown');
    expect(renderMarkdown(report)).toContain('| VPC CNI installed as | unknown |');
    const notRun = report.notChecked.filter((entry) => entry.reason.includes('The vpc-cni EKS add-on was not read'));
    expect(notRun.map((entry) => entry.scope)).toEqual(
      expect.arrayContaining(['CFG-CNI-SELF-MANAGED', 'CFG-ADDON-STATUS', 'CFG-ADDON-DRIFT']),
    );
  });

  it('DescribeAddon finding no add-on is self-managed; a read add-on is the EKS add-on', () => {
    // Act
    const selfManaged = reportOf({ ...addonNotRead(), vpcCniAddonNotInstalled: true });
    const managed = reportOf(healthyInventory());
    // Assess
    expect(selfManaged.findings.map((f) => f.checkId)).toContain('CFG-CNI-SELF-MANAGED');
    expect(selfManaged.configuration.cniManagement).toBe('self-managed');
    expect(managed.configuration.cniManagement).toBe('eks-add-on');
  });
});
