import {
  DescribeDocumentCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import type { ClusterInventory } from '#engine';
import { collectNodesBySsm } from '../../../lambdas/shared/cli/collect-nodes-ssm';
import type { ProgressReporter } from '../../../lambdas/shared/cli/progress';
import { recorder } from './progress-recorder';

const ssm = mockClient(SSMClient);
const NODE = 'ip-172-31-103-129.ap-northeast-1.compute.internal';
const INSTANCE = 'i-0a1b2c3d4e5f60718';

describe('--collect-nodes ssm reports its batches and nodes through the progress port', () => {
  let inventory: ClusterInventory;

  beforeAll(async () => {
    inventory = await new SnapshotDirectory('examples/seed-cluster').readInventory();
  });

  beforeEach(() => {
    ssm.reset();
  });

  const collect = (progress: ProgressReporter) =>
    collectNodesBySsm(
      inventory,
      { document: 'eks-netpol-audit-collector', region: 'ap-northeast-1' },
      { runId: 'cli-test', focus: {}, pollMs: 1, progress },
    );

  it('notes each batch sent, steps through the wait and details why a node was not collected', async () => {
    ssm.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: [{ InstanceId: INSTANCE, PingStatus: 'Online' }],
    });
    ssm.on(DescribeDocumentCommand).resolves({ Document: { DefaultVersion: '4' } });
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
    ssm
      .on(GetCommandInvocationCommand)
      .resolvesOnce({ Status: 'InProgress' })
      .resolves({ Status: 'Failed', StatusDetails: 'Failed', StandardErrorContent: 'tc: not found' });
    const { progress, heard } = recorder();
    const collection = await collect(progress);
    expect(collection.outputs).toEqual([]);
    expect(heard.notes).toEqual(['collecting 1 node(s), batch 1/1: SSM command cmd-1 (eks-netpol-audit-collector v4)']);
    expect(heard.steps).toEqual([
      'waiting for the collector: 0/1 node(s) finished',
      'waiting for the collector: 0/1 node(s) finished',
    ]);
    expect(heard.details[0]).toBe('SSM agent online on 1 of 1 node(s)');
    expect(heard.details.slice(1)).toEqual(
      collection.notCollected.map((node) => `node ${node.nodeName}: not collected: ${node.reason}`),
    );
    expect(collection.notCollected.map((node) => node.nodeName)).toEqual([NODE]);
  });

  it('details a node whose SSM agent is offline once, and sends nothing', async () => {
    ssm.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
    const { progress, heard } = recorder();
    const collection = await collect(progress);
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(0);
    expect(heard.notes).toEqual([]);
    expect(heard.details).toEqual([
      'SSM agent online on 0 of 1 node(s)',
      `node ${NODE}: not collected: ${collection.notCollected[0]?.reason ?? ''}`,
    ]);
    expect(collection.notCollected[0]?.reason).toContain(INSTANCE);
  });
});
