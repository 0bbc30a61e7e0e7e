import { Command, InvalidArgumentError, Option } from 'commander';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import packageJson from '../../package.json';
import { SnapshotDirectory } from '../../lambdas/shared/adapters/snapshot/snapshot-directory';
import { runAudit } from '../../lambdas/shared/domain/audit';
import type { EnforcementMode } from '../../lambdas/shared/domain/model/assessment';
import { atLeast, Severity } from '../../lambdas/shared/domain/model/finding';
import { renderMarkdown, renderSummary } from '../../lambdas/shared/domain/report/render-markdown';
import { EXIT_CLEAN, EXIT_FINDINGS, type ExitCodeSink } from './exit-codes';

export function sha1Hex(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function parseSeverity(value: string): Severity {
  const parsed = Severity.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`expected one of ${Severity.options.join(', ')}`);
  return parsed.data;
}

interface AuditFlags {
  snapshot: string;
  out?: string;
  failOn: Severity;
  desiredMode?: EnforcementMode;
}

async function audit(flags: AuditFlags): Promise<number> {
  const source = new SnapshotDirectory(flags.snapshot);
  const inventory = await source.readInventory();
  const nodeOutputs = (await source.hasNodeOutputs()) ? await source.readNodeOutputs() : undefined;
  const report = runAudit({
    inventory,
    ...(nodeOutputs === undefined ? {} : { nodeOutputs }),
    options: { now: new Date(), ...(flags.desiredMode === undefined ? {} : { desiredMode: flags.desiredMode }) },
    source: { kind: 'snapshot', location: flags.snapshot },
    engineVersion: packageJson.version,
    sha1Hex,
  });
  const outDirectory = flags.out ?? join('out', basename(resolve(flags.snapshot)));
  await mkdir(outDirectory, { recursive: true });
  const jsonPath = join(outDirectory, 'report.json');
  const markdownPath = join(outDirectory, 'report.md');
  await writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(markdownPath, renderMarkdown(report));
  process.stdout.write(`${renderSummary(report, [jsonPath, markdownPath])}\n`);
  return report.findings.some((finding) => atLeast(finding.severity, flags.failOn)) ? EXIT_FINDINGS : EXIT_CLEAN;
}

export function auditCommand(setExitCode: ExitCodeSink): Command {
  return new Command('audit')
    .description('audit a cluster snapshot and write report.json and report.md')
    .requiredOption('--snapshot <dir>', 'snapshot directory (docs/snapshot.md)')
    .option('--out <dir>', 'output directory (default: out/<snapshot name>)')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').default('high').argParser(parseSeverity),
    )
    .addOption(new Option('--desired-mode <mode>', 'the enforcement mode you expect').choices(['standard', 'strict']))
    .action(async (flags: AuditFlags) => {
      setExitCode(await audit(flags));
    });
}
