import { Command, InvalidArgumentError, Option } from 'commander';
import { basename, join, resolve } from 'node:path';
import packageJson from '../../../package.json';
import { DirectorySnapshotSink } from '#adapters/snapshot/directory-snapshot-sink';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import {
  atLeast,
  audit as runAudit,
  InputError,
  renderMarkdown,
  renderSummary,
  unverifiedFindings,
  withNotCollectedNodes,
  Severity,
  type AuditInputs,
  type AuditReport,
  type EnforcementMode,
} from '#engine';
import { EXIT_CLEAN, EXIT_FINDINGS, type ExitCodeSink } from './exit-codes';
import { prepareOutputDirectory, writeOutputFile } from './output-directory';
import { formatOptions, formatsUseStdout, writeFormats, type FormatFlags } from './format-options';
import { withSkippedNodes } from '../service/analyze-nodes-step';
import {
  collectNodesBySsm,
  DEFAULT_COLLECTOR_DOCUMENT,
  type SsmCollection,
  type SsmCollectionFlags,
} from './collect-nodes-ssm';
import { eksOptions, openEksCluster, requireClusterFor, type EksFlags } from './eks-options';
import { liveOptions, openLive, requireKubeconfigFor, requireSomeReadAccess, type LiveFlags } from './live-options';

function commaList(value: string): string[] {
  return value.split(',').filter((item) => item !== '');
}

export function parseSeverity(value: string): Severity {
  const parsed = Severity.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`expected one of ${Severity.options.join(', ')}`);
  return parsed.data;
}

interface AuditFlags extends LiveFlags, EksFlags, FormatFlags, Partial<SsmCollectionFlags> {
  collectNodes?: 'ssm';
  pods?: string[];
  namespaces?: string[];
  snapshot?: string;
  out?: string;
  failOn: Severity;
  failOnUnverified?: boolean;
  agentVersion?: string;
  desiredMode?: EnforcementMode;
}

interface AuditInput {
  readonly inputs: AuditInputs;
  readonly defaultOut: string;
  /** What `--collect-nodes` could not collect, and the nodes it cannot run on. */
  readonly nodes?: Pick<SsmCollection, 'notCollected' | 'skipped'>;
}

/** `--cluster`: the EKS cluster read live; its inputs are kept as a snapshot in `<out>/snapshot/`. */
async function readEksCluster(flags: AuditFlags & { cluster: string }): Promise<AuditInput> {
  const out = flags.out ?? join('out', flags.cluster);
  await prepareOutputDirectory(out);
  const snapshotDirectory = join(out, 'snapshot');
  const sink = new DirectorySnapshotSink(snapshotDirectory);
  const eks = await openEksCluster(flags, sink);
  const inventory = await eks.source.readInventory();
  requireSomeReadAccess(inventory.unavailableKinds);
  process.stderr.write(`netpol-audit: read ${eks.location}; its inputs are in ${snapshotDirectory}\n`);
  const source = { kind: 'live', location: eks.location } as const;
  if (flags.collectNodes === undefined) return { inputs: { inventory, source }, defaultOut: out };
  const nodes = await collectNodesBySsm(
    inventory,
    { ...flags, document: flags.document ?? DEFAULT_COLLECTOR_DOCUMENT },
    {
      runId: `cli-${new Date().toISOString().replace(/[-:.]/g, '')}`,
      focus: {
        ...(flags.pods === undefined ? {} : { pods: flags.pods }),
        ...(flags.namespaces === undefined ? {} : { namespaces: flags.namespaces }),
      },
      progress: (line) => process.stderr.write(`netpol-audit: ${line}\n`),
    },
  );
  for (const output of nodes.outputs) await sink.putNodeOutput(output);
  return { inputs: { inventory, nodeOutputs: nodes.outputs, source }, defaultOut: out, nodes };
}

async function readInput(flags: AuditFlags): Promise<AuditInput> {
  requireKubeconfigFor(flags);
  requireClusterFor(flags);
  if (flags.collectNodes !== undefined && flags.cluster === undefined)
    throw new InputError('--collect-nodes needs --cluster <name>');
  const given = [flags.snapshot, flags.kubeconfig, flags.cluster].filter((value) => value !== undefined);
  if (given.length !== 1) {
    throw new InputError('give exactly one of --snapshot <dir>, --kubeconfig <file> or --cluster <name>');
  }
  if (flags.cluster !== undefined) return readEksCluster({ ...flags, cluster: flags.cluster });
  if (flags.kubeconfig !== undefined) {
    const live = await openLive({ ...flags, kubeconfig: flags.kubeconfig });
    const inventory = await live.source.readInventory();
    requireSomeReadAccess(inventory.unavailableKinds);
    return {
      inputs: { inventory, source: { kind: 'live', location: live.location } },
      defaultOut: join('out', live.clusterName),
    };
  }
  const snapshot = flags.snapshot ?? '';
  const source = new SnapshotDirectory(snapshot);
  const inventory = await source.readInventory();
  const nodeOutputs = (await source.hasNodeOutputs()) ? await source.readNodeOutputs() : undefined;
  return {
    inputs: {
      inventory,
      ...(nodeOutputs === undefined ? {} : { nodeOutputs }),
      source: { kind: 'snapshot', location: snapshot },
    },
    defaultOut: join('out', basename(resolve(snapshot))),
  };
}

async function audit(flags: AuditFlags): Promise<number> {
  const { inputs, defaultOut, nodes } = await readInput(flags);
  const audited = runAudit(inputs, {
    now: new Date(),
    engineVersion: packageJson.version,
    ...(flags.desiredMode === undefined ? {} : { desiredMode: flags.desiredMode }),
    ...(flags.agentVersion === undefined ? {} : { agentVersion: flags.agentVersion }),
  });
  const report =
    nodes === undefined ? audited : withSkippedNodes(withNotCollectedNodes(audited, nodes.notCollected), nodes.skipped);
  const outDirectory = flags.out ?? defaultOut;
  await prepareOutputDirectory(outDirectory);
  const jsonPath = join(outDirectory, 'report.json');
  const markdownPath = join(outDirectory, 'report.md');
  await writeOutputFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeOutputFile(markdownPath, renderMarkdown(report));
  const written = [jsonPath, markdownPath, ...(await writeFormats(report, flags, outDirectory))];
  (formatsUseStdout(flags) ? process.stderr : process.stdout).write(`${renderSummary(report, written)}\n`);
  return exitCodeOf(report, flags);
}

/** `--fail-on-unverified` is on by default while `--fail-on` is at most `high`: unverified is not passed. */
function exitCodeOf(report: AuditReport, flags: AuditFlags): number {
  if (report.findings.some((finding) => atLeast(finding.severity, flags.failOn))) return EXIT_FINDINGS;
  const gateUnverified = flags.failOnUnverified ?? !atLeast(flags.failOn, 'critical');
  const unverified = gateUnverified ? unverifiedFindings(report) : [];
  if (unverified.length === 0) return EXIT_CLEAN;
  process.stderr.write(
    `netpol-audit audit: exit 1, ${unverified.length} part(s) of the cluster could not be verified (${[...new Set(unverified.map((finding) => finding.checkId))].join(', ')}); --no-fail-on-unverified to accept\n`,
  );
  return EXIT_FINDINGS;
}

export function auditCommand(setExitCode: ExitCodeSink): Command {
  const command = new Command('audit')
    .description(
      'audit a cluster snapshot, a live cluster through a kubeconfig, or an EKS cluster by name, and write report.json and report.md',
    )
    .option('--snapshot <dir>', 'snapshot directory (docs/snapshot.md)')
    .option('--out <dir>', 'output directory (default: out/<snapshot or cluster name>)')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
        .default('high')
        .argParser(parseSeverity),
    )
    .option(
      '--fail-on-unverified',
      'exit 1 when part of the cluster could not be verified (default with --fail-on high or lower)',
    )
    .option('--no-fail-on-unverified', 'do not gate on what could not be verified')
    .option(
      '--agent-version <version>',
      'network policy agent version to assume where node.json and the aws-node image name none (e.g. v1.2.2)',
    )
    .addOption(new Option('--desired-mode <mode>', 'the enforcement mode you expect').choices(['standard', 'strict']))
    .addOption(
      new Option(
        '--collect-nodes <method>',
        'collect the node layer (with --cluster): ssm runs the collector document',
      ).choices(['ssm']),
    )
    .option('--document <name>', 'SSM document of the node collector', DEFAULT_COLLECTOR_DOCUMENT)
    .option('--install-document', 'create or update that document from ssm-documents/ first')
    .option('--bucket <name>', 'S3 bucket the nodes upload to (presigned POST); without it, the stdout fallback')
    .option('--nodes <names>', 'collect only these nodes (comma-separated)', commaList)
    .option('--pods <ns/pod,...>', 'collect only the nodes of these pods', commaList)
    .option('--namespaces <ns,...>', 'collect only the nodes of pods in these namespaces', commaList);
  for (const option of [...liveOptions(), ...eksOptions(), ...formatOptions()]) command.addOption(option);
  return command.action(async (flags: AuditFlags) => {
    setExitCode(await audit(flags));
  });
}
