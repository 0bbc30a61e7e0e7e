import { Command, InvalidArgumentError, Option } from 'commander';
import { join } from 'node:path';
import packageJson from '../../../package.json';
import {
  applySuppressions,
  atLeast,
  audit as runAudit,
  renderMarkdown,
  renderSummary,
  unverifiedFindings,
  withNotCollectedNodes,
  withSkippedNodes,
  Severity,
  type AuditReport,
} from '#engine';
import { readInput, type AuditFlags } from './audit-input';
import { layerProgressTimer } from './audit-progress';
import { colourAllowed, tint } from './colour';
import { DEFAULT_COLLECTOR_DOCUMENT } from './collect-nodes-ssm';
import { eksOptions } from './eks-options';
import { EXIT_CLEAN, EXIT_FINDINGS, type ExitCodeSink } from './exit-codes';
import { formatOptions, formatsUseStdout, writeFormats } from './format-options';
import { liveOptions } from './live-options';
import { prepareOutputDirectory, writeOutputFile } from './output-directory';
import { withProgress, type ProgressReporter } from './progress';
import { loadSuppressions, suppressionOptions } from './suppressions-options';
import { verbosityOptions } from './verbosity-options';

function commaList(value: string): string[] {
  return value.split(',').filter((item) => item !== '');
}

export function parseSeverity(value: string): Severity {
  const parsed = Severity.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`expected one of ${Severity.options.join(', ')}`);
  return parsed.data;
}

async function audit(flags: AuditFlags, progress: ProgressReporter): Promise<number> {
  const now = new Date();
  const accepted = await loadSuppressions(flags, now);
  const { inputs, defaultOut, nodes } = await readInput(flags, progress);
  const audited = runAudit(inputs, {
    now,
    engineVersion: packageJson.version,
    ...(flags.desiredMode === undefined ? {} : { desiredMode: flags.desiredMode }),
    ...(flags.agentVersion === undefined ? {} : { agentVersion: flags.agentVersion }),
    timer: layerProgressTimer(
      progress,
      (inputs.nodeOutputs ?? []).map((output) => output.nodeName),
    ),
  });
  if (inputs.nodeOutputs === undefined) progress.step('node layer: not checked (no node outputs)');
  const collected =
    nodes === undefined ? audited : withSkippedNodes(withNotCollectedNodes(audited, nodes.notCollected), nodes.skipped);
  const report =
    accepted.suppressions.length === 0 ? collected : applySuppressions(collected, accepted.suppressions, now);
  const outDirectory = flags.out ?? defaultOut;
  progress.step(`writing the reports into ${outDirectory}`);
  await prepareOutputDirectory(outDirectory);
  const jsonPath = join(outDirectory, 'report.json');
  const markdownPath = join(outDirectory, 'report.md');
  await writeOutputFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeOutputFile(markdownPath, renderMarkdown(report));
  progress.end();
  const written = [jsonPath, markdownPath, ...(await writeFormats(report, flags, outDirectory))];
  progress.detail(`wrote ${written.join(', ')}`);
  const summary = [renderSummary(report, written), ...accepted.notes].join('\n');
  if (!formatsUseStdout(flags)) process.stdout.write(`${summary}\n`);
  else if (flags.quiet !== true) process.stderr.write(`${summary}\n`);
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
  const reason = `netpol-audit audit: exit 1, ${unverified.length} part(s) of the cluster could not be verified (${[...new Set(unverified.map((finding) => finding.checkId))].join(', ')}); --no-fail-on-unverified to accept`;
  process.stderr.write(`${tint(reason, 'yellow', colourAllowed(process.stderr, process.env, flags.color))}\n`);
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
        'collect the node layer: ssm runs the collector document (with --cluster); exec runs aws-eks-na-cli in each aws-node pod (with --cluster or --kubeconfig; needs k8s/rbac-exec.yaml; tc is not checked)',
      ).choices(['ssm', 'exec']),
    )
    .option('--document <name>', 'SSM document of the node collector', DEFAULT_COLLECTOR_DOCUMENT)
    .option('--install-document', 'create or update that document from ssm-documents/ first')
    .option('--bucket <name>', 'S3 bucket the nodes upload to (presigned POST); without it, the stdout fallback')
    .option('--nodes <names>', 'collect only these nodes (comma-separated)', commaList)
    .option('--pods <ns/pod,...>', 'collect only the nodes of these pods', commaList)
    .option('--namespaces <ns,...>', 'collect only the nodes of pods in these namespaces', commaList);
  for (const option of [
    ...liveOptions(),
    ...eksOptions(),
    ...formatOptions(),
    ...suppressionOptions(),
    ...verbosityOptions(),
  ])
    command.addOption(option);
  return command.action(async (flags: AuditFlags) => {
    setExitCode(await withProgress(flags, (progress) => audit(flags, progress)));
  });
}
