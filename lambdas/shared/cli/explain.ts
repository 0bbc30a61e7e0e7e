import { Command, InvalidArgumentError, Option } from 'commander';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import {
  explain as explainFlow,
  Protocol,
  UnknownEndpointError,
  type FlowExplanation,
  type LayerName,
  type Verdict,
} from '#engine';
import { EXIT_CLEAN, EXIT_USAGE, type ExitCodeSink } from './exit-codes';

interface ExplainFlags {
  snapshot: string;
  from: string;
  to: string;
  port: number;
  protocol: Protocol;
  json?: boolean;
  exitCode?: boolean;
  agentVersion?: string;
}

/** `--exit-code`, like `kubectl auth can-i`: the answer of the lowest layer that could decide. */
const EXIT_BY_VERDICT: Readonly<Record<Verdict, number>> = { allow: 0, deny: 1, unknown: 2 };
const DECIDING_ORDER: readonly LayerName[] = ['kernel', 'policyEndpoint', 'intent'];

export function answerOf(explanation: FlowExplanation): { verdict: Verdict; layer?: LayerName } {
  const layer = DECIDING_ORDER.find((name) => explanation[name].verdict !== 'unknown');
  return layer === undefined ? { verdict: 'unknown' } : { verdict: explanation[layer].verdict, layer };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535)
    throw new InvalidArgumentError('expected a port number 1-65535');
  return port;
}

function parseProtocol(value: string): Protocol {
  const parsed = Protocol.safeParse(value.toUpperCase());
  if (!parsed.success) throw new InvalidArgumentError(`expected one of ${Protocol.options.join(', ')}`);
  return parsed.data;
}

const LAYERS: readonly LayerName[] = ['intent', 'policyEndpoint', 'kernel'];

function renderText(explanation: FlowExplanation): string {
  const { flow } = explanation;
  const lines = [
    `flow ${flow.from} (${flow.fromIp}) -> ${flow.to} (${flow.toIp}) ${flow.protocol}/${flow.port}`,
    ...LAYERS.map((layer) => `${layer.padEnd(15)}${explanation[layer].verdict.padEnd(8)}${explanation[layer].reason}`),
  ];
  if (explanation.disagreements.length === 0) lines.push('disagreements: none');
  else {
    lines.push('disagreements:');
    for (const disagreement of explanation.disagreements) lines.push(`  - ${disagreement.description}`);
  }
  return `${lines.join('\n')}\n`;
}

async function explain(flags: ExplainFlags): Promise<number> {
  const source = new SnapshotDirectory(flags.snapshot);
  const inventory = await source.readInventory();
  const nodeOutputs = (await source.hasNodeOutputs()) ? await source.readNodeOutputs() : undefined;
  let explanation: FlowExplanation;
  try {
    explanation = explainFlow(
      {
        inventory,
        ...(nodeOutputs === undefined ? {} : { nodeOutputs }),
        source: { kind: 'snapshot', location: flags.snapshot },
      },
      { from: flags.from, to: flags.to, port: flags.port, protocol: flags.protocol },
      flags.agentVersion === undefined ? {} : { agentVersion: flags.agentVersion },
    );
  } catch (error) {
    if (error instanceof UnknownEndpointError) {
      process.stderr.write(`netpol-audit explain: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  if (flags.json === true) {
    const { flow, intent, policyEndpoint, kernel, disagreements } = explanation;
    process.stdout.write(`${JSON.stringify({ flow, intent, policyEndpoint, kernel, disagreements }, null, 2)}\n`);
  } else {
    process.stdout.write(renderText(explanation));
  }
  if (flags.exitCode !== true) return EXIT_CLEAN;
  const answer = answerOf(explanation);
  process.stderr.write(
    `netpol-audit explain: ${answer.verdict}${answer.layer === undefined ? ' (no layer could decide)' : ` (decided by the ${answer.layer} layer)`}\n`,
  );
  return EXIT_BY_VERDICT[answer.verdict];
}

export function explainCommand(setExitCode: ExitCodeSink): Command {
  return new Command('explain')
    .description('explain whether one flow is allowed by the policies, the PolicyEndpoints and the kernel maps')
    .requiredOption('--snapshot <dir>', 'snapshot directory')
    .requiredOption('--from <endpoint>', 'source: <namespace>/<pod> or an IP')
    .requiredOption('--to <endpoint>', 'destination: <namespace>/<pod> or an IP')
    .requiredOption('--port <n>', 'destination port', parsePort)
    .addOption(new Option('--protocol <protocol>', 'TCP, UDP or SCTP').default('TCP').argParser(parseProtocol))
    .option('--json', 'print the explanation as JSON')
    .option(
      '--agent-version <version>',
      'network policy agent version to assume where node.json and the aws-node image name none (e.g. v1.2.2); without one the kernel layer is unknown',
    )
    .option(
      '--exit-code',
      'exit 0 for allow, 1 for deny, 2 for unknown: the verdict of the kernel layer, else the PolicyEndpoints, else the intent',
    )
    .action(async (flags: ExplainFlags) => {
      setExitCode(await explain(flags));
    });
}
