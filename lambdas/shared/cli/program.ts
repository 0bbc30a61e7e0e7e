import { Command, CommanderError } from 'commander';
import packageJson from '../../../package.json';
import { AwsCallError, ClusterAccessError, InputError, RunInputError, StoreError } from '#engine';
import { auditCommand } from './audit';
import { colourAllowed, tint } from './colour';
import { diffCommand } from './diff';
import { EXIT_CLEAN, EXIT_INTERNAL, EXIT_USAGE } from './exit-codes';
import { explainCommand } from './explain';
import { importNodeBundleCommand } from './import-node-bundle';
import { reportCommand } from './report';
import { resolveCommand } from './resolve';
import { runCommand } from './run';
import { snapshotCommand } from './snapshot';

function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('netpol-audit')
    .description('Audit Amazon EKS network policies: configuration, PolicyEndpoints and the eBPF state on each node')
    .version(packageJson.version)
    .exitOverride()
    .showHelpAfterError();
  for (const command of [
    auditCommand(setExitCode),
    snapshotCommand(setExitCode),
    importNodeBundleCommand(setExitCode),
    resolveCommand(setExitCode),
    explainCommand(setExitCode),
    diffCommand(setExitCode),
    runCommand(setExitCode),
    reportCommand(setExitCode),
  ]) {
    program.addCommand(command.exitOverride().showHelpAfterError());
  }
  return program;
}

/** An error line on stderr, red on a terminal unless NO_COLOR or `--no-color` (read from argv: parsing may have failed). */
function writeError(argv: readonly string[], line: string): void {
  const colour = colourAllowed(process.stderr, process.env, !argv.includes('--no-color'));
  process.stderr.write(`${tint(line, 'red', colour)}\n`);
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
    if (
      error instanceof InputError ||
      error instanceof RunInputError ||
      error instanceof AwsCallError ||
      error instanceof ClusterAccessError ||
      error instanceof StoreError
    ) {
      writeError(argv, `netpol-audit: ${error instanceof InputError ? '' : `${error.name}: `}${error.message}`);
      return EXIT_USAGE;
    }
    writeError(
      argv,
      `netpol-audit: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return EXIT_INTERNAL;
  }
}
