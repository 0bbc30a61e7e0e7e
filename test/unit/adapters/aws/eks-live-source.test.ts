import { gunzipSync } from 'node:zlib';
import { DescribeAddonCommand, EKSClient, ResourceNotFoundException } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { EksClusters } from '#adapters/eks/eks-cluster';
import { EksLiveClusterSource } from '#adapters/eks/eks-live-source';
import { S3SnapshotWriter } from '#adapters/s3/s3-snapshot-store';
import { audit, type AuditReport } from '#engine';
import { answerExampleEks } from '../../support/example-eks';
import { exampleKube } from '../../support/example-kube';
import { memoryS3 } from '../../support/memory-s3';

const SEED = 'examples/seed-cluster';
const PREFIX = 'runs/r-1/prod-a/snapshot/';

/** The service's live read of the seed example, DescribeAddon answering as `answerAddon` makes it. */
async function liveAudit(
  answerAddon: (eks: Parameters<typeof answerExampleEks>[0]) => void,
): Promise<{ report: AuditReport; manifest: Record<string, unknown> }> {
  const client = new EKSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const eks = mockClient(client);
  answerExampleEks(eks, SEED);
  answerAddon(eks);
  const { objects, store, restore } = memoryS3();
  try {
    const source = new EksLiveClusterSource({
      clusterName: 'prod-a',
      eks: new EksClusters(client),
      openKubernetes: () => Promise.resolve(exampleKube(SEED)),
      snapshot: new S3SnapshotWriter(objects, PREFIX),
      now: new Date('2026-12-04T02:00:00Z'),
      toolVersion: 'test',
    });
    const inventory = await source.readInventory();
    const report = audit(
      { inventory, source: { kind: 'live', location: 'prod-a' } },
      { now: new Date('2026-12-04T02:00:00Z'), engineVersion: 'test' },
    );
    const manifest = store.get(`${PREFIX}snapshot.json.gz`)?.body ?? Buffer.from('{}');
    return { report, manifest: JSON.parse(gunzipSync(manifest).toString('utf8')) as Record<string, unknown> };
  } finally {
    restore();
  }
}

describe('EksLiveClusterSource and the vpc-cni add-on', () => {
  it('a live audit without DescribeAddon permission says the add-on is unknown, never "self-managed", and goes on', async () => {
    // Act
    const { report, manifest } = await liveAudit((eks) =>
      eks
        .on(DescribeAddonCommand)
        .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' })),
    );
    // Assess
    expect(report.configuration.cniManagement).toBe('unknown');
    expect(report.findings.map((finding) => finding.checkId)).not.toContain('CFG-CNI-SELF-MANAGED');
    expect(report.notChecked).toContainEqual({
      scope: 'CFG-CNI-SELF-MANAGED',
      reason: expect.stringContaining('The vpc-cni EKS add-on was not read') as unknown,
      kind: 'NC-CFG-ADDON-UNKNOWN',
    });
    expect(manifest).not.toHaveProperty('vpcCniAddonNotInstalled');
  });

  it('DescribeAddon finding no add-on is self-managed, in the report and in the stored snapshot', async () => {
    // Act
    const { report, manifest } = await liveAudit((eks) =>
      eks
        .on(DescribeAddonCommand)
        .rejects(new ResourceNotFoundException({ message: 'No addon: vpc-cni found', $metadata: {} })),
    );
    // Assess
    expect(report.configuration.cniManagement).toBe('self-managed');
    expect(report.findings.map((finding) => finding.checkId)).toContain('CFG-CNI-SELF-MANAGED');
    expect(manifest).toMatchObject({ vpcCniAddonNotInstalled: true });
  });
});
