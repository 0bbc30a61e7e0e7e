import { Command, InvalidArgumentError, Option } from 'commander';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import {
  explain as explainFlow,
  Protocol,
  UnknownEndpointError,
  type BackendExplanation,
  type FlowExplanation,
  type LayerName,
  type LayerVerdict,
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

type Layers = Readonly<Record<LayerName, LayerVerdict>>;

interface Answer {
  readonly verdict: Verdict;
  readonly layer?: LayerName;
  /** Service flows: how the backends answered. */
  readonly backends?: string;
}

function layerAnswer(layers: Layers): Answer {
  const layer = DECIDING_ORDER.find((name) => layers[name].verdict !== 'unknown');
  return layer === undefined ? { verdict: 'unknown' } : { verdict: layers[layer].verdict, layer };
}

/** Every backend answers for itself: allow when all allow, deny when all deny, else unknown (mixed or unknown). */
function serviceAnswer(backends: readonly BackendExplanation[]): Answer {
  if (backends.length === 0) return { verdict: 'unknown', backends: 'no backend could be checked' };
  const answers = backends.map(layerAnswer);
  const verdicts = new Set(answers.map((answer) => answer.verdict));
  const layers = new Set(answers.map((answer) => answer.layer));
  const verdict: Verdict = verdicts.size === 1 ? (answers[0]?.verdict ?? 'unknown') : 'unknown';
  const counts = (['allow', 'deny', 'unknown'] as const)
    .map((name) => `${answers.filter((answer) => answer.verdict === name).length} ${name}`)
    .join(', ');
  const layer = layers.size === 1 ? answers[0]?.layer : undefined;
  return {
    verdict,
    ...(layer === undefined ? {} : { layer }),
    backends: `${counts} of ${backends.length} backend${backends.length === 1 ? '' : 's'}`,
  };
}

export function answerOf(explanation: FlowExplanation): Answer {
  return explanation.backends === undefined ? layerAnswer(explanation) : serviceAnswer(explanation.backends);
}

function describeAnswer(answer: Answer): string {
  const layer = answer.layer === undefined ? undefined : `decided by the ${answer.layer} layer`;
  if (answer.backends !== undefined) {
    return `${answer.verdict} (${answer.backends}${layer === undefined ? '' : `; ${layer}`})`;
  }
  return `${answer.verdict}${layer === undefined ? ' (no layer could decide)' : ` (${layer})`}`;
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

function layerLines(layers: Layers, indent: string): string[] {
  return LAYERS.map(
    (layer) =>
      `${indent}${layer.padEnd(15)}${layers[layer].verdict.padEnd(8)}${layers[layer].summary ?? layers[layer].reason}`,
  );
}

function backendLines(explanation: FlowExplanation): string[] {
  const { service, backends } = explanation;
  if (service === undefined || backends === undefined) return [];
  const targetPort = service.targetPort === undefined ? '' : ` -> targetPort ${String(service.targetPort)}`;
  return [
    `service ${service.namespace}/${service.name} clusterIP ${service.clusterIP} ${service.protocol}/${service.port}${targetPort}`,
    ...backends.flatMap((backend) => [
      `backend ${backend.pod} (${backend.podIp}:${backend.port})`,
      ...layerLines(backend, '  '),
    ]),
    ...(explanation.skippedBackends ?? []).map((skipped) => `not a backend: ${skipped.pod}: ${skipped.reason}`),
  ];
}

function renderText(explanation: FlowExplanation): string {
  const { flow } = explanation;
  const lines = [
    `flow ${flow.from} (${flow.fromIp}) -> ${flow.to} (${flow.toIp}) ${flow.protocol}/${flow.port}`,
    ...layerLines(explanation, ''),
    ...backendLines(explanation),
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
    const { flow, intent, policyEndpoint, kernel, disagreements, service, backends, skippedBackends } = explanation;
    const serviceFields = service === undefined ? {} : { service, backends, skippedBackends };
    const output = { flow, intent, policyEndpoint, kernel, disagreements, ...serviceFields };
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  } else {
    process.stdout.write(renderText(explanation));
  }
  if (flags.exitCode !== true) return EXIT_CLEAN;
  const answer = answerOf(explanation);
  process.stderr.write(`netpol-audit explain: ${describeAnswer(answer)}\n`);
  return EXIT_BY_VERDICT[answer.verdict];
}

export function explainCommand(setExitCode: ExitCodeSink): Command {
  return new Command('explain')
    .description('explain whether one flow is allowed by the policies, the PolicyEndpoints and the kernel maps')
    .requiredOption('--snapshot <dir>', 'snapshot directory')
    .requiredOption('--from <endpoint>', 'source: <namespace>/<pod> or an IP')
    .requiredOption(
      '--to <endpoint>',
      'destination: <namespace>/<pod>, svc/<namespace>/<service> or an IP (a ClusterIP is its Service)',
    )
    .requiredOption('--port <n>', 'destination port (for a Service: its port, not the targetPort)', parsePort)
    .addOption(new Option('--protocol <protocol>', 'TCP, UDP or SCTP').default('TCP').argParser(parseProtocol))
    .option('--json', 'print the explanation as JSON')
    .option(
      '--agent-version <version>',
      'network policy agent version to assume where node.json and the aws-node image name none (e.g. v1.2.2); without one the kernel layer is unknown',
    )
    .option(
      '--exit-code',
      'exit 0 for allow, 1 for deny, 2 for unknown: the verdict of the kernel layer, else the PolicyEndpoints, else the intent; for a Service, 0 only if every backend allows, 1 if every backend denies, else 2',
    )
    .action(async (flags: ExplainFlags) => {
      setExitCode(await explain(flags));
    });
}
