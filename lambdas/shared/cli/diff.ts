import { Command, Option } from 'commander';
import { compareReports, InputError, type Finding, type ReportComparison } from '#engine';
import { EXIT_CLEAN, EXIT_FINDINGS, type ExitCodeSink } from './exit-codes';
import { readReportFile } from './report-files';

interface DiffFlags {
  format: 'text' | 'json';
}

function line(finding: Finding): string {
  const { kind, namespace, name, node } = finding.resource;
  const resource = `${kind} ${namespace === undefined ? '' : `${namespace}/`}${name}${node === undefined || name === node ? '' : ` on ${node}`}`;
  return `  ${finding.severity.padEnd(8)} ${finding.checkId}  ${resource}: ${finding.message}`;
}

function section(title: string, findings: readonly Finding[]): string[] {
  return [`${title} (${findings.length})`, ...findings.map(line)];
}

function renderText(comparison: ReportComparison): string {
  return `${[
    ...section('new', comparison.newFindings),
    ...section('resolved', comparison.resolvedFindings),
    ...section('persisting', comparison.persistingFindings),
  ].join('\n')}\n`;
}

function renderJson(comparison: ReportComparison): string {
  const fingerprints = (findings: readonly Finding[]): (string | undefined)[] => findings.map((f) => f.fingerprint);
  return `${JSON.stringify(
    {
      counts: {
        new: comparison.newFindings.length,
        resolved: comparison.resolvedFindings.length,
        persisting: comparison.persistingFindings.length,
      },
      new: comparison.newFindings,
      resolved: comparison.resolvedFindings,
      persisting: fingerprints(comparison.persistingFindings),
    },
    null,
    2,
  )}\n`;
}

async function diff(oldFile: string, newFile: string, flags: DiffFlags): Promise<number> {
  const [previous, current] = await Promise.all([readReportFile(oldFile), readReportFile(newFile)]);
  if (previous.cluster.name !== current.cluster.name) {
    throw new InputError(
      `the reports are of different clusters (${previous.cluster.name} and ${current.cluster.name}); fingerprints compare one cluster's runs`,
    );
  }
  const comparison = compareReports(previous, current);
  process.stdout.write(flags.format === 'json' ? renderJson(comparison) : renderText(comparison));
  return comparison.newFindings.length > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
}

export function diffCommand(setExitCode: ExitCodeSink): Command {
  return new Command('diff')
    .description(
      'list new, resolved and persisting findings between two report.json files (by fingerprint); exit 1 when there are new ones',
    )
    .argument('<old>', 'the earlier report.json')
    .argument('<new>', 'the later report.json')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (oldFile: string, newFile: string, flags: DiffFlags) => {
      setExitCode(await diff(oldFile, newFile, flags));
    });
}
