import type { ClusterInventory, NotCollectedNode } from '#engine';
import type { EksClusters } from '#adapters/eks/eks-cluster';
import { EksLiveClusterSource, type KubernetesOpener } from '#adapters/eks/eks-live-source';
import { execTargetsOf, NO_AWS_NODE_POD_REASON } from '#adapters/kubernetes-exec/exec-node-collector';
import type { S3Objects } from '#adapters/s3/s3-objects';
import { S3SnapshotWriter } from '#adapters/s3/s3-snapshot-store';
import type { RunCommand } from '#adapters/ssm/run-command';
import type { ServiceConfig } from './config';
import type { AuditClusterEvent, AuditClusterOutput, BatchInstance, BatchPlan } from './contract';
import { batchPlanKey, runSnapshotPrefix } from './keys';
import { pickNodes, toBatches } from './node-selection';

export interface AuditClusterDependencies {
  readonly config: ServiceConfig;
  readonly objects: S3Objects;
  readonly eks: EksClusters;
  readonly runCommand: RunCommand;
  readonly openKubernetes: KubernetesOpener;
  readonly pageSize?: number;
  readonly now: () => Date;
  readonly toolVersion: string;
}

/** The instances whose SSM agent is online; every other one is a node not collected, with the reason. */
export async function preflight(
  instances: readonly BatchInstance[],
  runCommand: RunCommand,
): Promise<{ online: BatchInstance[]; offline: NotCollectedNode[] }> {
  if (instances.length === 0) return { online: [], offline: [] };
  const reachable = await runCommand.onlineInstances(instances.map((instance) => instance.instanceId));
  const online: BatchInstance[] = [];
  const offline: NotCollectedNode[] = [];
  for (const instance of instances) {
    if (reachable.has(instance.instanceId)) online.push(instance);
    else
      offline.push({
        nodeName: instance.nodeName,
        reason: `SSM agent of ${instance.instanceId} is not online (DescribeInstanceInformation), node not collected`,
      });
  }
  return { online, offline };
}

/** With the exec collector: each instance with its node's aws-node pod; a node without one is not collected. */
export function execPreflight(
  instances: readonly BatchInstance[],
  inventory: ClusterInventory,
): { online: BatchInstance[]; offline: NotCollectedNode[] } {
  const targets = execTargetsOf(
    inventory,
    instances.map((instance) => instance.nodeName),
  );
  const online: BatchInstance[] = [];
  const offline: NotCollectedNode[] = [];
  instances.forEach((instance, index) => {
    const awsNodePod = targets[index]?.awsNodePod;
    if (awsNodePod === undefined) offline.push({ nodeName: instance.nodeName, reason: NO_AWS_NODE_POD_REASON });
    else online.push({ ...instance, awsNodePod });
  });
  return { online, offline };
}

/**
 * Reads one cluster (EKS + Kubernetes, page by page) into the run's S3 snapshot and plans the node batches.
 * The audit itself runs in analyze-nodes, once the node outputs are in.
 */
export async function auditClusterStep(
  event: AuditClusterEvent,
  dependencies: AuditClusterDependencies,
): Promise<AuditClusterOutput> {
  const cluster = event.cluster.name;
  const { objects, config } = dependencies;
  const snapshot = new S3SnapshotWriter(objects, runSnapshotPrefix(event.runId, cluster));
  const source = new EksLiveClusterSource({
    clusterName: cluster,
    eks: dependencies.eks,
    openKubernetes: dependencies.openKubernetes,
    snapshot,
    now: dependencies.now(),
    toolVersion: dependencies.toolVersion,
    ...(dependencies.pageSize === undefined ? {} : { reader: { pageSize: dependencies.pageSize } }),
  });
  const inventory = await source.readInventory();
  const collecting = config.nodeCollection.enabled;
  const pick = collecting ? pickNodes(inventory, config.nodeCollection.nodes, event.focus) : undefined;
  const picked = pick?.instances ?? [];
  const { online, offline } =
    config.nodeCollection.collector === 'exec'
      ? execPreflight(picked, inventory)
      : await preflight(picked, dependencies.runCommand);
  const batches = toBatches(online).map((instances, batchIndex) => ({ batchIndex, instances }));
  const plan: BatchPlan = {
    runId: event.runId,
    cluster,
    startedAt: event.startedAt,
    ...(event.explain === undefined ? {} : { explain: event.explain }),
    ...(event.executionArn === undefined ? {} : { executionArn: event.executionArn }),
    nodeCollection: collecting,
    batches,
    skipped: [...(pick?.skipped ?? [])],
    unreachable: offline,
  };
  await objects.putJson(batchPlanKey(event.runId, cluster), plan);
  return {
    runId: event.runId,
    cluster,
    batches: batches.map(({ batchIndex }) => ({ batchIndex })),
    nodesToCollect: online.length,
    nodesSkipped: plan.skipped.length + offline.length,
  };
}
