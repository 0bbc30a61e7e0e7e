/**
 * The audit workflow end to end, as deployed: the state machine read from the synthesized template (not a copy),
 * executed by aws-local-stepfunctions 3.0.0, every Task's function ARN resolved through the stack to the real
 * handler (lambdas/<fn>/handler.ts), each function's environment taken from the template with its tokens resolved
 * against this local deployment. AWS is moto in server mode on 127.0.0.1 (S3, SNS, SSM, EKS): the reports bucket,
 * the alerts topic, the collector document (its content from the template) and the clusters are created there.
 *
 * What is not moto, and why:
 * - moto has no DescribeAddon nor DescribeInstanceInformation, and its GetCommandInvocation always says Success with
 *   empty output: aws-sdk-client-mock answers those three on the runtime's clients (every other call goes through to
 *   moto), from the scenario's add-on JSON and from what the SSM agent stand-in recorded.
 * - The SSM agent is a stand-in that reads the command moto recorded (instances, parameters) and, per instance,
 *   replays an example node's recorded collection packed as the collector packs it, or runs the document's
 *   collector script itself (on this machine without bpffs or aws-eks-na-cli it can only report that; on the real
 *   kernel's lab node in workflow-run-kernel.test.ts), or times out. Uploads go through the batch's presigned POST into moto's S3. It then emits the
 *   `EC2 Command Status-change Notification` (checked against the synthesized rule's pattern) to the real
 *   command-status handler.
 * - `.waitForTaskToken`: aws-local-stepfunctions has no callback pattern (a Task override's return value is the
 *   task result), so the override of Collect Nodes invokes the real collect-nodes handler with the payload carrying
 *   `$$.Task.Token` (a fresh token per task) and then waits on that token. The command-status handler's SFN client
 *   delivers SendTaskSuccess / SendTaskFailure to that wait (aws-sdk-client-mock; moto's SFN knows no local
 *   execution). So the token goes the deployed way: collect-nodes stores it in S3, command-status finds it by
 *   command id and resumes the state with `{ batchIndex, commandId, status }`. The state's synthesized
 *   TimeoutSeconds (60 s here, the smallest the config takes) is enforced by the executor; a token dies with its
 *   timed-out task, so a late event resumes nothing, as on AWS.
 * - SendCommand goes to moto, except that a scenario can make SSM refuse it (InvalidInstanceId), which moto never
 *   does.
 * - Kubernetes answers from the example snapshots (exampleKube), not from a real kube-apiserver (that is
 *   workflow-run-kube.test.ts, with the same harness; these scenarios stay without the built binaries): jest.mock swaps
 *   audit-cluster's production opener (EKS bearer token + client-node) for a registry; a cluster without an entry
 *   refuses connections like an unreachable endpoint (client-node-transport's ECONNREFUSED error).
 * - Lambda errors reach Retry/Catch as the lambda:invoke integration passes them (Error = errorType, Cause = the
 *   error payload as JSON). Retry intervals are overridden to 0 ms.
 *
 * State transitions are counted from the execution's event log (every state entered and every retry) and written,
 * with each handler's durations (measured in this process: warm, no Lambda cold start, moto on loopback), to
 * out/local-runs.json for the cost model.
 */
import '../../unit/support/quiet-powertools';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Addon } from '@aws-sdk/client-eks';
import { z } from 'zod';
import { AuditReport, compareReports } from '#engine';
import { ExecutionOutput } from '../../../lambdas/shared/service/contract';
import { REGION, PROJECT_ROOT } from '../../infra/support/synth';
import { exampleKube } from '../../unit/support/example-kube';
import { clearClusters, serveCluster } from './support/kube-stand-in';
import type { LocalExecution } from './support/local-workflow';
import type { NodeBehaviour, SsmAgentStandIn } from './support/ssm-agent';
import {
  addonOf,
  BATCH_TIMEOUT_SECONDS,
  BUCKET,
  SEED,
  SEED_INSTANCE,
  SEED_NODE,
  utcDay,
  WorkflowHarness,
} from './support/workflow-harness';

jest.mock('#adapters/eks/eks-live-source', () => {
  const actual = jest.requireActual<Record<string, unknown>>('#adapters/eks/eks-live-source');
  const standIn = jest.requireActual<typeof import('./support/kube-stand-in')>('./support/kube-stand-in');
  return { ...actual, eksBearerTokenOpener: () => standIn.openStandInKubernetes };
});

jest.setTimeout(300_000);

const DRIFT = join(PROJECT_ROOT, 'examples/drift-cluster');
const DRIFT_NODES = {
  'ip-10-0-1-25.eu-west-1.compute.internal': 'i-0d1f7000000000125',
  'ip-10-0-2-40.eu-west-1.compute.internal': 'i-0d1f7000000000240',
};

let harness: WorkflowHarness;
let agent: SsmAgentStandIn;
let fleet: Map<string, NodeBehaviour>;
let online: Set<string>;
let deregistered: Set<string>;
let addons: Map<string, Addon>;

const NodeList = z.looseObject({ items: z.array(z.looseObject({ metadata: z.looseObject({ name: z.string() }) })) });

/** A copy of an example snapshot with extra nodes (clones of its first node, no pods) for the scenario. */
function withExtraNodes(example: string, names: readonly string[]): string {
  const directory = mkdtempSync(join(harness.work, 'cluster-'));
  cpSync(join(example, 'k8s'), join(directory, 'k8s'), { recursive: true });
  const file = join(directory, 'k8s/nodes.json');
  const nodes = NodeList.parse(JSON.parse(readFileSync(file, 'utf8')));
  const [first] = nodes.items;
  if (first === undefined) throw new Error(`${example} has no node`);
  for (const name of names) nodes.items.push({ ...first, metadata: { ...first.metadata, name } });
  writeFileSync(file, JSON.stringify(nodes));
  return directory;
}

const keysUnder = (prefix: string): Promise<string[]> => harness.keysUnder(prefix);
const readReport = (key: string): Promise<AuditReport> => harness.readReport(key);
const readText = (key: string): Promise<string> => harness.readText(key);
const alerts = (): ReturnType<WorkflowHarness['alerts']> => harness.alerts();
const execute = (name: string, input: unknown, scenario: string): Promise<LocalExecution> =>
  harness.execute(name, input, scenario);

/**
 * About 3 + clusters x (5 + batches): exactly 2 (Plan, Audit Clusters) + per checked cluster 5 (Audit One Cluster,
 * Audit Cluster, Collect Batches, Analyze Nodes, Publish) + 1 per batch (Collect Nodes).
 */
function expectedTransitions(batchesPerCluster: readonly number[]): number {
  return 2 + batchesPerCluster.reduce((sum, batches) => sum + 5 + batches, 0);
}

beforeAll(async () => {
  harness = await WorkflowHarness.start();
  ({ agent, fleet, online, deregistered, addons } = harness);
});

afterAll(async () => {
  await harness.stop();
  mkdirSync(join(PROJECT_ROOT, 'out'), { recursive: true });
  const model = {
    source:
      'test/integration/service/workflow-run.test.ts (aws-local-stepfunctions event log, handlers timed in-process)',
    transitions:
      'per run: 2 (Plan, Audit Clusters) + per checked cluster 5 + 1 per batch (+1 for a batch that fails or times out); a cluster that fails: 3 + retries',
  };
  writeFileSync(
    join(PROJECT_ROOT, 'out/local-runs.json'),
    `${JSON.stringify({ ...model, runs: harness.runs }, null, 2)}\n`,
  );
});

beforeEach(() => {
  clearClusters();
  harness.reset();
});

function serveSeed(cluster: string, extraNodes: Readonly<Record<string, string>> = {}): void {
  const directory = Object.keys(extraNodes).length === 0 ? SEED : withExtraNodes(SEED, Object.keys(extraNodes));
  serveCluster(cluster, () => exampleKube(directory, { [SEED_NODE]: SEED_INSTANCE, ...extraNodes }));
  harness.seedNodes(cluster);
}

function serveDrift(cluster: string, addon: Addon): void {
  serveCluster(cluster, () => exampleKube(DRIFT, DRIFT_NODES));
  addons.set(cluster, addon);
  for (const [nodeName, instanceId] of Object.entries(DRIFT_NODES)) {
    fleet.set(instanceId, { kind: 'recorded', example: DRIFT, nodeName });
    online.add(instanceId);
  }
}

describe('the synthesized audit workflow, run locally against moto', () => {
  it('1. a clean cluster: the report with its exact keys, latest.json, no alert', async () => {
    serveSeed('prod-a');
    const execution = await execute('nightly-1', { clusters: ['prod-a'] }, 'clean cluster');
    expect(execution.error).toBeUndefined();
    expect(execution.status).toBe('SUCCEEDED');
    const prefix = `reports/prod-a/${utcDay()}/nightly-1/`;
    expect(execution.output).toMatchObject({
      results: [{ cluster: 'prod-a', reportPrefix: prefix, newFindings: 0, alerted: false }],
    });
    expect(ExecutionOutput.safeParse(execution.output).success).toBe(true);
    expect(await keysUnder('reports/prod-a/')).toEqual(
      [
        ...[
          'report.json',
          'report.md',
          'snapshot/eks/addon-vpc-cni.json.gz',
          'snapshot/eks/cluster.json.gz',
          'snapshot/k8s/amazon-vpc-cni.json.gz',
          'snapshot/k8s/applicationnetworkpolicies.json.gz',
          'snapshot/k8s/aws-node.json.gz',
          'snapshot/k8s/clusternetworkpolicies.json.gz',
          'snapshot/k8s/clusterpolicyendpoints.json.gz',
          'snapshot/k8s/namespaces.json.gz',
          'snapshot/k8s/networkpolicies.json.gz',
          'snapshot/k8s/nodes.json.gz',
          'snapshot/k8s/pods.json.gz',
          'snapshot/k8s/policyendpoints.json.gz',
          'snapshot/k8s/services.json.gz',
          `snapshot/nodes/${SEED_INSTANCE}.tar.gz`,
          'snapshot/snapshot.json.gz',
        ].map((key) => `${prefix}${key}`),
        'reports/prod-a/history.json',
        'reports/prod-a/latest.json',
      ].sort(),
    );
    const report = await readReport(`${prefix}report.json`);
    expect(report.cluster.name).toBe('prod-a');
    expect(report.inputs.nodeOutputs).toBe(1);
    expect(report.findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
    expect(await readReport('reports/prod-a/latest.json')).toEqual(report);
    expect(agent.commands).toEqual([expect.objectContaining({ instanceIds: [SEED_INSTANCE], status: 'Success' })]);
    expect(await alerts()).toEqual([]);
    expect(execution.transitions).toBe(expectedTransitions([1]));
  });

  it('2. drift: one alert with its content; the same drift again: no alert; the drift fixed: resolved', async () => {
    const degraded = addonOf(DRIFT);
    serveDrift('prod-a', degraded);
    const drift = await execute('nightly-2', { clusters: ['prod-a'] }, 'drift');
    expect(drift.status).toBe('SUCCEEDED');
    const prefix = `reports/prod-a/${utcDay()}/nightly-2/`;
    const report = await readReport(`${prefix}report.json`);
    const alertable = report.findings.filter((finding) => ['critical', 'high'].includes(finding.severity));
    expect(alertable.length).toBeGreaterThan(5);
    expect(drift.output).toMatchObject({ results: [{ cluster: 'prod-a', reportPrefix: prefix, alerted: true }] });
    const sent = await alerts();
    expect(sent).toHaveLength(1);
    const [alert] = sent;
    expect(alert?.subject).toBe(`eks-netpol-audit: ${String(alertable.length)} new finding(s) in prod-a`);
    const lines = (alert?.message ?? '').split('\n');
    expect(lines[0]).toBe(
      `New network policy drift in EKS cluster prod-a: ${String(alertable.length)} new finding(s) at or above high.`,
    );
    expect(lines[1]).toMatch(
      /^By layer: (input|configuration|control plane|node) \d+(, (input|configuration|control plane|node) \d+)*\.$/,
    );
    expect(lines).toContain('Top findings:');
    const top = lines.filter((line) => line.startsWith('- ['));
    expect(top).toHaveLength(5);
    expect(top[0]).toMatch(/^- \[critical\] CFG-AGENT-VERSION-SKEW DaemonSet kube-system\/aws-node: /);
    expect(lines).toContain(`- ... and ${String(alertable.length - 5)} more`);
    expect(lines).toContain(`Report: s3://${BUCKET}/${prefix}report.md`);
    expect(lines).toContain(
      `Execution: https://${REGION}.console.aws.amazon.com/states/home?region=${REGION}#/v2/executions/details/${drift.arn}`,
    );
    expect(drift.transitions).toBe(expectedTransitions([1]));

    const again = await execute('nightly-3', { clusters: ['prod-a'] }, 'same drift');
    expect(again.output).toMatchObject({ results: [{ cluster: 'prod-a', newFindings: 0, alerted: false }] });
    expect(await alerts()).toHaveLength(1);

    // The add-on conflict is resolved and the add-on is ACTIVE again.
    serveDrift('prod-a', { ...degraded, status: 'ACTIVE', health: { issues: [] } });
    const fixed = await execute('nightly-4', { clusters: ['prod-a'] }, 'drift fixed');
    expect(fixed.output).toMatchObject({ results: [{ cluster: 'prod-a', newFindings: 0, alerted: false }] });
    const previous = await readReport(`reports/prod-a/${utcDay()}/nightly-3/report.json`);
    const after = await readReport(`reports/prod-a/${utcDay()}/nightly-4/report.json`);
    expect(
      compareReports(previous, after)
        .resolvedFindings.map((finding) => finding.checkId)
        .sort(),
    ).toEqual(['CFG-ADDON-HEALTH', 'CFG-ADDON-STATUS']);
    expect(await readReport('reports/prod-a/latest.json')).toEqual(after);
    expect(await alerts()).toHaveLength(1);
  });

  it('3. one node offline at pre-flight, one node timing out: findings for both, the run succeeds', async () => {
    const offline = 'ip-172-31-1-10.ap-northeast-1.compute.internal';
    const slow = 'ip-172-31-1-11.ap-northeast-1.compute.internal';
    const instances = { [offline]: 'i-0e000000000000010', [slow]: 'i-0e000000000000011' };
    serveSeed('prod-a', instances);
    fleet.set(instances[offline], { kind: 'collector' });
    fleet.set(instances[slow], { kind: 'timeout' });
    online.add(instances[slow]);
    const execution = await execute('nightly-5', { clusters: ['prod-a'] }, 'node offline + node timing out');
    expect(execution.status).toBe('SUCCEEDED');
    // One command for the batch of the two online nodes (the offline one is not sent anything).
    const command = agent.commands.at(-1);
    expect(command?.status).toBe('TimedOut');
    expect([...(command?.instanceIds ?? [])].sort()).toEqual([SEED_INSTANCE, instances[slow]].sort());
    const report = await readReport(`reports/prod-a/${utcDay()}/nightly-5/report.json`);
    const notCollected = report.findings.filter((finding) => finding.checkId === 'NODE-NOT-COLLECTED');
    expect(notCollected.map((finding) => finding.resource.node ?? finding.resource.name).sort()).toEqual(
      [offline, slow].sort(),
    );
    expect(notCollected.find((finding) => finding.message.includes(instances[offline]))?.message).toMatch(
      /not online \(DescribeInstanceInformation\)/,
    );
    expect(notCollected.find((finding) => finding.message.includes(instances[slow]))?.message).toMatch(/TimedOut/);
    expect(report.inputs.nodeOutputs).toBe(1);
    expect(execution.transitions).toBe(expectedTransitions([1]));
  });

  it('3b. a batch whose status event never comes: the batch times out, its nodes are findings, the run succeeds', async () => {
    serveSeed('prod-a');
    fleet.set(SEED_INSTANCE, { kind: 'silent' });
    const execution = await execute('nightly-5b', { clusters: ['prod-a'] }, 'batch timed out');
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.statesEntered['Batch Timed Out']).toBe(1);
    const report = await readReport(`reports/prod-a/${utcDay()}/nightly-5b/report.json`);
    expect(report.findings.filter((finding) => finding.checkId === 'NODE-NOT-COLLECTED')).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          `no outputs from ${SEED_INSTANCE}: States.Timeout: no command status event within ${String(BATCH_TIMEOUT_SECONDS)} s`,
        ) as string,
      }),
    ]);
    // The event that finally arrives finds no waiting task: command-status resumes nothing.
    const late = agent.commands.at(-1);
    expect(late).toMatchObject({ instanceIds: [SEED_INSTANCE], status: 'InProgress' });
    expect(await agent.reportLate(late?.commandId ?? '', 'Success')).toEqual({
      resumed: false,
      commandId: late?.commandId,
    });
    // The timed-out batch goes through its Catch's Pass state (Batch Timed Out): one transition more.
    expect(execution.transitions).toBe(expectedTransitions([1]) + 1);
  });

  it('3c. SSM refuses the command of a batch: the batch failed, its node is a finding, the run succeeds', async () => {
    serveSeed('prod-a');
    deregistered.add(SEED_INSTANCE);
    const execution = await execute('nightly-5c', { clusters: ['prod-a'] }, 'batch failed');
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.statesEntered['Batch Failed']).toBe(1);
    const report = await readReport(`reports/prod-a/${utcDay()}/nightly-5c/report.json`);
    // The Lambda error's message, not its JSON payload with the stack trace.
    expect(report.findings.filter((finding) => finding.checkId === 'NODE-NOT-COLLECTED')).toEqual([
      expect.objectContaining({
        resource: expect.objectContaining({ node: SEED_NODE }) as unknown,
        message: expect.stringContaining(
          `no outputs from ${SEED_INSTANCE}: NodeCollectionError: node ${SEED_INSTANCE}: SendCommand failed (InvalidInstanceId: `,
        ) as string,
      }),
    ]);
    expect(report.findings.map((finding) => finding.message).join('\n')).not.toContain('errorType');
    expect(execution.transitions).toBe(expectedTransitions([1]) + 1);
  });

  it('4. one of two clusters unreachable: a finding for it, the other cluster complete', async () => {
    serveSeed('prod-a');
    // prod-b exists in EKS with its add-on, but its API endpoint does not answer.
    addons.set('prod-b', addonOf(SEED));
    const execution = await execute('nightly-6', {}, 'one of two clusters unreachable');
    expect(execution.status).toBe('SUCCEEDED');
    // The schema `netpol-audit run` reads the execution's output with.
    const { results } = ExecutionOutput.parse(execution.output);
    expect(results.map((result) => result.cluster)).toEqual(['prod-a', 'prod-b']);
    const complete = await readReport(`reports/prod-a/${utcDay()}/nightly-6/report.json`);
    expect(complete.inputs.nodeOutputs).toBe(1);
    expect(complete.findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
    const unreachable = await readReport(`reports/prod-b/${utcDay()}/nightly-6/report.json`);
    expect(unreachable.findings).toEqual([
      expect.objectContaining({
        checkId: 'INPUT-CLUSTER-UNREADABLE',
        severity: 'high',
        resource: { kind: 'Cluster', name: 'prod-b' },
        message: expect.stringMatching(
          /^cluster prod-b could not be checked \(unreachable\): .*ECONNREFUSED/,
        ) as string,
      }),
    ]);
    expect(await keysUnder('reports/prod-b/')).toEqual([
      `reports/prod-b/${utcDay()}/nightly-6/report.json`,
      `reports/prod-b/${utcDay()}/nightly-6/report.md`,
    ]);
    const [alert] = (await alerts()).filter((sent) => sent.subject?.endsWith(' in prod-b') === true);
    expect(alert?.message).toContain(
      `Execution: https://${REGION}.console.aws.amazon.com/states/home?region=${REGION}#/v2/executions/details/${execution.arn}`,
    );
    // Audit Cluster retried twice (ClusterAccessError), then Publish Failure.
    expect(execution.statesEntered['Publish Failure']).toBe(1);
    expect(execution.events.filter((event) => event.type === 'StateRetried')).toHaveLength(2);
    expect(execution.transitions).toBe(expectedTransitions([1]) + 3 + 2);
  });

  it('5. a focused on-demand run: only the nodes of the named pods get the command; the explain result', async () => {
    const idle = 'ip-172-31-1-12.ap-northeast-1.compute.internal';
    serveSeed('prod-a', { [idle]: 'i-0e000000000000012' });
    fleet.set('i-0e000000000000012', { kind: 'collector' });
    online.add('i-0e000000000000012');
    const before = agent.commands.length;
    const input = {
      clusters: ['prod-a'],
      pods: ['default/accesstrue'],
      explain: { from: 'default/accesstrue', to: 'default/nginx-f8d9c6576-8b4vf', port: 80, protocol: 'TCP' },
    };
    const execution = await execute('incident-1', input, 'focused on-demand run with explain');
    expect(execution.status).toBe('SUCCEEDED');
    expect(agent.commands.slice(before)).toEqual([
      expect.objectContaining({ instanceIds: [SEED_INSTANCE], status: 'Success' }),
    ]);
    const prefix = `reports/prod-a/${utcDay()}/incident-1/`;
    const explained = z
      .object({
        request: z.unknown(),
        explanation: z.object({ flow: z.object({ from: z.string(), to: z.string() }), intent: z.unknown() }),
      })
      .parse(JSON.parse(await readText(`${prefix}explain.json`)));
    expect(explained.request).toEqual(input.explain);
    expect(explained.explanation.flow).toMatchObject({
      from: 'default/accesstrue',
      to: 'default/nginx-f8d9c6576-8b4vf',
    });
    // The report of the run shows the explain verdicts beside the findings (report.html).
    expect(await keysUnder(`${prefix}report`)).toEqual([
      `${prefix}report.html`,
      `${prefix}report.json`,
      `${prefix}report.md`,
    ]);
    const html = await readText(`${prefix}report.html`);
    expect(html).toContain('<section id="explain"><h2>Explained flows</h2>');
    expect(html).toContain('default/accesstrue');
    expect(html).toContain('default/nginx-f8d9c6576-8b4vf');
    expect(execution.transitions).toBe(expectedTransitions([1]));
  });

  it('6. invalid on-demand input: the execution fails at once, the cause names the field', async () => {
    const execution = await execute('incident-2', { clusters: ['prod-a'], pods: ['nginx'] }, 'invalid input');
    expect(execution.status).toBe('FAILED');
    expect(execution.error?.Error).toBe('RunInputError');
    // The Cause is the plan function's error payload, as the lambda:invoke integration passes it on.
    expect(JSON.parse(execution.error?.Cause ?? '{}')).toMatchObject({
      errorType: 'RunInputError',
      errorMessage: 'pods.0: expected "<namespace>/<pod name>"',
    });
    expect(execution.invocations.map((invocation) => invocation.function)).toEqual(['plan']);
    expect(execution.transitions).toBe(1);

    const unknownKey = await execute('incident-3', { clusters: ['prod-a'], node: 'x' }, 'invalid input (unknown key)');
    expect(unknownKey.status).toBe('FAILED');
    expect(JSON.parse(unknownKey.error?.Cause ?? '{}')).toMatchObject({
      errorType: 'RunInputError',
      errorMessage: expect.stringMatching(/^input: .*\(node\)$/) as string,
    });
    expect(unknownKey.transitions).toBe(1);
  });

  it('7. transitions grow with the batches, not with the nodes: 51 nodes are two SendCommands (50 + 1)', async () => {
    const extra: Record<string, string> = {};
    for (let index = 0; index < 50; index += 1)
      extra[`ip-172-31-2-${String(index)}.ap-northeast-1.compute.internal`] = `i-0f${String(index).padStart(15, '0')}`;
    serveSeed('prod-a', extra);
    for (const instanceId of Object.values(extra)) {
      fleet.set(instanceId, { kind: 'timeout' });
      online.add(instanceId);
    }
    const before = agent.commands.length;
    const execution = await execute('nightly-7', { clusters: ['prod-a'] }, '51 nodes, two batches');
    expect(execution.status).toBe('SUCCEEDED');
    // The batches run concurrently (Map MaxConcurrency), so the commands end in either order.
    const sizes = agent.commands.slice(before).map((command) => command.instanceIds.length);
    expect(sizes.sort((a, b) => b - a)).toEqual([50, 1]);
    expect(execution.statesEntered['Collect Nodes']).toBe(2);
    expect(execution.transitions).toBe(expectedTransitions([2]));
  });
});
