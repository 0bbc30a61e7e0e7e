import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { CreateDocumentCommand, DescribeDocumentCommand, SSMClient, UpdateDocumentCommand } from '@aws-sdk/client-ssm';
import { S3NodeBundles } from '#adapters/s3/node-bundles';
import { createNodeUploadPolicy, encodePostFields } from '#adapters/s3/presigned-post';
import { S3Objects } from '#adapters/s3/s3-objects';
import { RunCommand, type CollectorDocument } from '#adapters/ssm/run-command';
import { InputError, type ClusterInventory, type NotCollectedNode, type RawNodeOutput } from '#engine';
import { preflight } from '../service/audit-cluster-step';
import { COLLECTOR_TIMEOUT_SECONDS, UPLOAD_POLICY_SECONDS } from '../service/collect-nodes-step';
import type { BatchOutcome, BatchPlan, Focus } from '../service/contract';
import { nodeUploadPrefix } from '../service/keys';
import { collectedNodes, type NodeBundles } from '../service/node-outputs';
import { toBatches } from '../service/node-selection';
import { awsClientConfig, s3PathStyle, type AwsFlags } from './aws-options';
import { nodesToCollect } from './node-targets';
import type { ProgressReporter } from './progress';

export const DEFAULT_COLLECTOR_DOCUMENT = 'eks-netpol-audit-collector';
const DOCUMENT_FILE = join(__dirname, '../../../ssm-documents/collect-node-policy-state.yaml');
/** Invocation statuses SSM may still change; `Unknown`: no invocation yet right after SendCommand (aws.md A3). */
const PENDING = new Set(['Pending', 'InProgress', 'Delayed', 'Unknown']);

export interface SsmCollectionFlags extends AwsFlags {
  document: string;
  installDocument?: boolean;
  bucket?: string;
  nodes?: string[];
}

export interface SsmCollection {
  readonly outputs: RawNodeOutput[];
  readonly notCollected: NotCollectedNode[];
  /** Nodes the collector cannot run on (Fargate, hybrid, Auto Mode, Windows, no EC2 id): not checked. */
  readonly skipped: NotCollectedNode[];
}

export interface SsmCollectionOptions {
  readonly runId: string;
  readonly focus: Focus;
  readonly pollMs?: number;
  readonly progress: ProgressReporter;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/** The document to pin: the version `--install-document` just wrote, else the account's default version. */
async function collectorDocument(ssm: SSMClient, flags: SsmCollectionFlags): Promise<CollectorDocument> {
  const name = flags.document;
  if (flags.installDocument === true) {
    const content = readFileSync(DOCUMENT_FILE, 'utf8');
    try {
      const created = await ssm.send(
        new CreateDocumentCommand({ Name: name, Content: content, DocumentFormat: 'YAML', DocumentType: 'Command' }),
      );
      return { name, version: created.DocumentDescription?.DocumentVersion ?? '1' };
    } catch (error) {
      if (errorName(error) !== 'DocumentAlreadyExists') throw error;
    }
    try {
      const updated = await ssm.send(
        new UpdateDocumentCommand({ Name: name, Content: content, DocumentFormat: 'YAML', DocumentVersion: '$LATEST' }),
      );
      return { name, version: updated.DocumentDescription?.DocumentVersion ?? '$LATEST' };
    } catch (error) {
      if (errorName(error) !== 'DuplicateDocumentContent') throw error;
    }
    const latest = await ssm.send(new DescribeDocumentCommand({ Name: name, DocumentVersion: '$LATEST' }));
    return { name, version: latest.Document?.DocumentVersion ?? '$LATEST' };
  }
  try {
    const described = await ssm.send(new DescribeDocumentCommand({ Name: name }));
    return { name, version: described.Document?.DefaultVersion ?? '$DEFAULT' };
  } catch (error) {
    if (errorName(error) === 'InvalidDocument')
      throw new InputError(
        `no SSM document ${name} in the account: --install-document creates it from ssm-documents/, or --document names yours`,
      );
    throw error;
  }
}

/** `--verbose`: each node collected, skipped or not collected, and why. */
function reported(progress: ProgressReporter, collection: SsmCollection): SsmCollection {
  for (const output of collection.outputs) progress.detail(`node ${output.nodeName}: collected`);
  for (const node of collection.skipped) progress.detail(`node ${node.nodeName}: skipped: ${node.reason}`);
  for (const node of collection.notCollected) progress.detail(`node ${node.nodeName}: not collected: ${node.reason}`);
  return collection;
}

const noUploads: NodeBundles = { read: () => Promise.resolve(undefined) };

async function waitForInvocations(
  runCommand: RunCommand,
  commands: readonly { commandId: string; instanceIds: readonly string[] }[],
  pollMs: number,
  progress: ProgressReporter,
): Promise<void> {
  const deadline = Date.now() + (COLLECTOR_TIMEOUT_SECONDS + 60) * 1000;
  let waiting = commands.flatMap(({ commandId, instanceIds }) => instanceIds.map((id) => ({ commandId, id })));
  const total = waiting.length;
  while (waiting.length > 0 && Date.now() < deadline) {
    progress.step(`waiting for the collector: ${String(total - waiting.length)}/${String(total)} node(s) finished`);
    const statuses = await Promise.all(
      waiting.map(async (entry) => (await runCommand.invocation(entry.commandId, entry.id)).status),
    );
    waiting = waiting.filter((_, index) => PENDING.has(statuses[index] ?? 'Unknown'));
    if (waiting.length > 0) await sleep(pollMs);
  }
}

/**
 * `--collect-nodes ssm` from a laptop: the service's node selection and batches of at most 50 instances, one
 * SendCommand per batch with the pinned collector document, uploads through one presigned POST per batch into
 * `--bucket` (or the collector's stdout fallback without it), completion by polling the invocations.
 */
export async function collectNodesBySsm(
  inventory: ClusterInventory,
  flags: SsmCollectionFlags,
  options: SsmCollectionOptions,
): Promise<SsmCollection> {
  const config = awsClientConfig(flags);
  const ssm = new SSMClient(config);
  const runCommand = new RunCommand(ssm);
  const cluster = inventory.clusterName;
  const pick = nodesToCollect(inventory, options.focus, flags.nodes, options.progress);
  const instances = pick.instances;
  const { online, offline } = await preflight(instances, runCommand);
  options.progress.detail(`SSM agent online on ${String(online.length)} of ${String(instances.length)} node(s)`);
  const batches = toBatches(online).map((batch, batchIndex) => ({ batchIndex, instances: batch }));
  if (batches.length === 0)
    return reported(options.progress, { outputs: [], notCollected: offline, skipped: [...pick.skipped] });
  const document = await collectorDocument(ssm, flags);
  const s3 = flags.bucket === undefined ? undefined : new S3Client({ ...config, forcePathStyle: s3PathStyle() });
  const outcomes: BatchOutcome[] = [];
  const commands: { commandId: string; instanceIds: string[] }[] = [];
  for (const batch of batches) {
    const policy =
      s3 === undefined || flags.bucket === undefined
        ? undefined
        : await createNodeUploadPolicy(s3, {
            bucket: flags.bucket,
            keyPrefix: nodeUploadPrefix(options.runId, cluster),
            expiresSeconds: UPLOAD_POLICY_SECONDS,
          });
    const instanceIds = batch.instances.map((instance) => instance.instanceId);
    const commandId = await runCommand.sendBatch({
      document,
      instanceIds,
      postUrl: policy?.url ?? 'none',
      postFields: policy === undefined ? 'none' : encodePostFields(policy.fields),
      collectorTimeoutSeconds: COLLECTOR_TIMEOUT_SECONDS,
      comment: `netpol-audit cli ${options.runId} ${cluster} batch ${String(batch.batchIndex)}`,
    });
    options.progress.note(
      `collecting ${String(instanceIds.length)} node(s), batch ${String(batch.batchIndex + 1)}/${String(batches.length)}: SSM command ${commandId} (${document.name} v${document.version})`,
    );
    commands.push({ commandId, instanceIds });
    outcomes.push({ batchIndex: batch.batchIndex, commandId });
  }
  await waitForInvocations(runCommand, commands, options.pollMs ?? 3_000, options.progress);
  const plan: BatchPlan = {
    runId: options.runId,
    cluster,
    startedAt: new Date().toISOString(),
    nodeCollection: true,
    batches,
    skipped: [...pick.skipped],
    unreachable: offline,
  };
  const bundles =
    s3 === undefined || flags.bucket === undefined ? noUploads : new S3NodeBundles(new S3Objects(s3, flags.bucket));
  const { outputs, notCollected } = await collectedNodes(plan, outcomes, { bundles, runCommand });
  return reported(options.progress, { outputs, notCollected, skipped: [...pick.skipped] });
}
