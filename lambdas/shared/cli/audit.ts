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
  Severity,
  type AuditInputs,
  type AuditReport,
  type EnforcementMode,
} from '#engine';
import { EXIT_CLEAN, EXIT_FINDINGS, type ExitCodeSink } from './exit-codes';
import { prepareOutputDirectory, writeOutputFile } from './output-directory';
import { formatOptions, formatsUseStdout, writeFormats, type FormatFlags } from './format-options';
import { eksOptions, openEksCluster, requireClusterFor, type EksFlags } from './eks-options';
import { liveOptions, openLive, requireKubeconfigFor, requireSomeReadAccess, type LiveFlags } from './live-options';

export function parseSeverity(value: string): Severity {
  const parsed = Severity.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`expected one of ${Severity.options.join(', ')}`);
  return parsed.data;
}

interface AuditFlags extends LiveFlags, EksFlags, FormatFlags {
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
}

/** `--cluster`: the EKS cluster read live; its inputs are kept as a snapshot in `<out>/snapshot/`. */
async function readEksCluster(flags: AuditFlags & { cluster: string }): Promise<AuditInput> {
  const out = flags.out ?? join('out', flags.cluster);
  await prepareOutputDirectory(out);
  const snapshotDirectory = join(out, 'snapshot');
  const eks = await openEksCluster(flags, new DirectorySnapshotSink(snapshotDirectory));
  const inventory = await eks.source.readInventory();
  requireSomeReadAccess(inventory.unavailableKinds);
  process.stderr.write(`netpol-audit: read ${eks.location}; its inputs are in ${snapshotDirectory}\n`);
  return { inputs: { inventory, source: { kind: 'live', location: eks.location } }, defaultOut: out };
}

async function readInput(flags: AuditFlags): Promise<AuditInput> {
  requireKubeconfigFor(flags);
  requireClusterFor(flags);
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
  const { inputs, defaultOut } = await readInput(flags);
  const report = runAudit(inputs, {
    now: new Date(),
    engineVersion: packageJson.version,
    ...(flags.desiredMode === undefined ? {} : { desiredMode: flags.desiredMode }),
    ...(flags.agentVersion === undefined ? {} : { agentVersion: flags.agentVersion }),
  });
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
    .addOption(new Option('--desired-mode <mode>', 'the enforcement mode you expect').choices(['standard', 'strict']));
  for (const option of [...liveOptions(), ...eksOptions(), ...formatOptions()]) command.addOption(option);
  return command.action(async (flags: AuditFlags) => {
    setExitCode(await audit(flags));
  });
}
