import { Command } from 'commander';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { resolve } from '#engine';
import { EXIT_CLEAN, type ExitCodeSink } from './exit-codes';

async function resolvePolicies(flags: { snapshot: string }): Promise<number> {
  const inventory = await new SnapshotDirectory(flags.snapshot).readInventory();
  const output = resolve({ inventory }).map(
    ({ policyRef, podIsolation, podSelector, podSelectorEndpoints, ingress, egress }) => ({
      policyRef,
      podIsolation,
      podSelector,
      podSelectorEndpoints,
      ingress,
      egress,
    }),
  );
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  return EXIT_CLEAN;
}

export function resolveCommand(setExitCode: ExitCodeSink): Command {
  return new Command('resolve')
    .description('print the PolicyEndpoint content the controller must produce, one element per NetworkPolicy')
    .requiredOption('--snapshot <dir>', 'snapshot directory')
    .action(async (flags: { snapshot: string }) => {
      setExitCode(await resolvePolicies(flags));
    });
}
