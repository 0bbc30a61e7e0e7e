import { runAudit } from '#engine/audit';
import { renderMarkdown } from '#engine/report/render-markdown';
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
