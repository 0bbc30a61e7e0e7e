import { Command, InvalidArgumentError, Option } from 'commander';
import { basename, join, resolve } from 'node:path';
import packageJson from '../../../package.json';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import {
  applySuppressions,
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
import { liveOptions, openLive, requireKubeconfigFor, requireSomeReadAccess, type LiveFlags } from './live-options';
import { loadSuppressions, suppressionOptions, type SuppressionFlags } from './suppressions-options';

export function parseSeverity(value: string): Severity {
  const parsed = Severity.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`expected one of ${Severity.options.join(', ')}`);
  return parsed.data;
}

interface AuditFlags extends LiveFlags, FormatFlags, SuppressionFlags {
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

async function readInput(flags: AuditFlags): Promise<AuditInput> {
  requireKubeconfigFor(flags);
  if ((flags.snapshot === undefined) === (flags.kubeconfig === undefined)) {
    throw new InputError('give exactly one of --snapshot <dir> or --kubeconfig <file>');
  }
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
  const now = new Date();
  const accepted = await loadSuppressions(flags, now);
  const { inputs, defaultOut } = await readInput(flags);
  const audited = runAudit(inputs, {
    now,
    engineVersion: packageJson.version,
    ...(flags.desiredMode === undefined ? {} : { desiredMode: flags.desiredMode }),
    ...(flags.agentVersion === undefined ? {} : { agentVersion: flags.agentVersion }),
  });
  const report = accepted.suppressions.length === 0 ? audited : applySuppressions(audited, accepted.suppressions, now);
  const outDirectory = flags.out ?? defaultOut;
  await prepareOutputDirectory(outDirectory);
  const jsonPath = join(outDirectory, 'report.json');
  const markdownPath = join(outDirectory, 'report.md');
  await writeOutputFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeOutputFile(markdownPath, renderMarkdown(report));
  const written = [jsonPath, markdownPath, ...(await writeFormats(report, flags, outDirectory))];
  const summary = [renderSummary(report, written), ...accepted.notes].join('\n');
  (formatsUseStdout(flags) ? process.stderr : process.stdout).write(`${summary}\n`);
  return exitCodeOf(report, flags);
}

/**
 * `--fail-on-unverified` is on by default while `--fail-on` is at most `high`: unverified is not passed. Suppressed
 * findings count for neither.
 */
function exitCodeOf(report: AuditReport, flags: AuditFlags): number {
  const open = report.findings.filter((finding) => finding.suppressed === undefined);
  if (open.some((finding) => atLeast(finding.severity, flags.failOn))) return EXIT_FINDINGS;
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
      'audit a cluster snapshot, or a live cluster through a kubeconfig, and write report.json and report.md',
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
  for (const option of [...liveOptions(), ...formatOptions(), ...suppressionOptions()]) command.addOption(option);
  return command.action(async (flags: AuditFlags) => {
    setExitCode(await audit(flags));
  });
}
