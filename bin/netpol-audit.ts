import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import packageJson from '../package.json';
import { SnapshotDirectory } from '../lambdas/shared/adapters/snapshot/snapshot-directory';
import { runAudit } from '../lambdas/shared/domain/audit';
import { resolveNetworkPolicies } from '../lambdas/shared/domain/control-plane/resolver';
import { InputError } from '../lambdas/shared/domain/errors';
import type { EnforcementMode } from '../lambdas/shared/domain/model/assessment';
import { atLeast, Severity } from '../lambdas/shared/domain/model/finding';
import { renderMarkdown, renderSummary } from '../lambdas/shared/domain/report/render-markdown';

const EXIT_CLEAN = 0;
const EXIT_FINDINGS = 1;
const EXIT_USAGE = 2;
const EXIT_INTERNAL = 3;

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

async function auditCommand(flags: AuditFlags): Promise<number> {
  const source = new SnapshotDirectory(flags.snapshot);
  const inventory = await source.readInventory();
  const nodeOutputs = (await source.hasNodeOutputs()) ? await source.readNodeOutputs() : undefined;
  const report = runAudit({
    inventory,
    ...(nodeOutputs === undefined ? {} : { nodeOutputs }),
    options: { now: new Date(), ...(flags.desiredMode === undefined ? {} : { desiredMode: flags.desiredMode }) },
    source: { kind: 'snapshot', location: flags.snapshot },
    engineVersion: packageJson.version,
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

async function resolveCommand(flags: { snapshot: string }): Promise<number> {
  const inventory = await new SnapshotDirectory(flags.snapshot).readInventory();
  const output = resolveNetworkPolicies(inventory)
    .filter((policy) => policy.kind === 'NetworkPolicy')
    .map(({ policyRef, podIsolation, podSelector, podSelectorEndpoints, ingress, egress }) => ({
      policyRef,
      podIsolation,
      podSelector,
      podSelectorEndpoints,
      ingress,
      egress,
    }));
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  return EXIT_CLEAN;
}

function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('netpol-audit')
    .description('Audit Amazon EKS network policies: configuration, PolicyEndpoints and the eBPF state on each node')
    .version(packageJson.version)
    .exitOverride()
    .showHelpAfterError();
  program
    .command('audit')
    .description('audit a cluster snapshot and write report.json and report.md')
    .requiredOption('--snapshot <dir>', 'snapshot directory (docs/snapshot.md)')
    .option('--out <dir>', 'output directory (default: out/<snapshot name>)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').default('high').argParser(parseSeverity))
    .addOption(new Option('--desired-mode <mode>', 'the enforcement mode you expect').choices(['standard', 'strict']))
    .action(async (flags: AuditFlags) => {
      setExitCode(await auditCommand(flags));
    });
  program
    .command('resolve')
    .description('print the PolicyEndpoint content the controller must produce, one element per NetworkPolicy')
    .requiredOption('--snapshot <dir>', 'snapshot directory')
    .action(async (flags: { snapshot: string }) => {
      setExitCode(await resolveCommand(flags));
    });
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = EXIT_CLEAN;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT_CLEAN : EXIT_USAGE;
    }
    if (error instanceof InputError) {
      process.stderr.write(`netpol-audit: ${error.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`netpol-audit: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_INTERNAL;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
