/**
 * The cost model (bench/cost): the transitions formula as derived from the synthesized state machine, and the
 * model's arithmetic on fixed inputs, checked by hand.
 */
import type { LocalRuns } from '../../../bench/cost/local-runs';
import { costOf, invocationMs, type Assumptions, type EngineTimes } from '../../../bench/cost/model';
import { stackFacts, type StackFacts } from '../../../bench/cost/stack-facts';
import { transitionsFormula, transitionsOf } from '../../../bench/cost/workflow-structure';

const facts = stackFacts({ clusters: { names: ['prod-a'] } });

const task = (next: string | undefined, fn?: string) => ({
  Type: 'Task',
  ...(fn === undefined ? {} : { Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: fn } }),
  ...(next === undefined ? { End: true } : { Next: next }),
});

describe('state transitions, from the synthesized definition', () => {
  it('are 2 + clusters × (5 + batches): Plan and the cluster Map; per cluster the Parallel, Audit Cluster, the batch Map, Analyze Nodes and Publish; per batch Collect Nodes (its task token resumes with the batch outcome itself)', () => {
    expect(facts.transitions).toEqual({ perRun: 2, perCluster: 5, perBatch: 1 });
    expect(transitionsOf(facts.transitions, 1, 2)).toBe(9);
    expect(transitionsOf(facts.transitions, 20, 10)).toBe(2 + 20 * (5 + 10));
  });

  it('do not depend on the node count within a batch (one SendCommand per ≤ 50 nodes, no polling)', () => {
    const transitions = (nodes: number): number =>
      costOf({ clusters: 1, nodesPerCluster: nodes, runsPerMonth: 30 }, INPUTS).transitions;
    expect(transitions(1)).toBe(transitions(50));
    expect(transitions(51)).toBe(transitions(50) + INPUTS.facts.transitions.perBatch);
  });

  it('counts the invocations of each function per cluster and per batch', () => {
    expect(facts.functions['audit-cluster']).toMatchObject({ perRun: 0, perCluster: 1, perBatch: 0 });
    expect(facts.functions['collect-nodes']).toMatchObject({ perRun: 0, perCluster: 0, perBatch: 1 });
    expect(facts.functions['command-status']).toMatchObject({ perBatch: 1 });
    expect(facts.functions.plan).toMatchObject({ perRun: 1, perCluster: 0 });
  });

  it('follows the definition: a state more per batch changes the formula, a polling loop is refused', () => {
    const graph = (perBatch: Record<string, unknown>) => ({
      StartAt: 'Plan',
      States: {
        Plan: task('Clusters', 'plan'),
        Clusters: {
          Type: 'Map',
          ItemsPath: '$.clusters',
          End: true,
          ItemProcessor: {
            StartAt: 'Batches',
            States: { Batches: { Type: 'Map', ItemsPath: '$.batches', End: true, ItemProcessor: perBatch } },
          },
        },
      },
    });
    const threeStates = { StartAt: 'A', States: { A: task('B'), B: task('C'), C: task(undefined) } };
    expect(transitionsFormula(graph(threeStates))).toEqual({ perRun: 2, perCluster: 1, perBatch: 3 });
    const polling = {
      StartAt: 'Send',
      States: {
        Send: task('Wait'),
        Wait: { Type: 'Wait', Seconds: 30, Next: 'Poll' },
        Poll: task('Wait'),
      },
    };
    expect(() => transitionsFormula(graph(polling))).toThrow(/loop/);
  });
});

const FACTS: StackFacts = {
  transitions: { perRun: 2, perCluster: 5, perBatch: 2 },
  functions: {
    plan: { memoryMb: 256, perRun: 1, perCluster: 0, perBatch: 0 },
    'audit-cluster': { memoryMb: 1024, perRun: 0, perCluster: 1, perBatch: 0 },
    'collect-nodes': { memoryMb: 512, perRun: 0, perCluster: 0, perBatch: 1 },
    'command-status': { memoryMb: 256, perRun: 0, perCluster: 0, perBatch: 1 },
    'analyze-nodes': { memoryMb: 2048, perRun: 0, perCluster: 1, perBatch: 0 },
    publish: { memoryMb: 512, perRun: 0, perCluster: 1, perBatch: 0 },
  },
  alarmMetrics: 4,
  alarms: 2,
  dashboards: 1,
  kmsKeys: 1,
  kmsKeyRotation: true,
  bucketKeys: true,
  logRetentionDays: 91.2,
  reportDays: 304,
  runDataDays: 30.4,
  accessLogDays: 30.4,
};

const fn = (warmMs: number, logBytes = 100, metricBytes = 0) => ({ coldMs: 0, warmMs, logBytes, metricBytes });

const LOCAL: LocalRuns = {
  source: 'test',
  measuredAt: '2026-12-04T00:00:00.000Z',
  functions: {
    plan: fn(10),
    'audit-cluster': fn(100),
    'collect-nodes': fn(20),
    'command-status': fn(10),
    'analyze-nodes': fn(200),
    publish: fn(50, 100, 1000),
  },
  s3Requests: [
    { by: 'audit-cluster', requestClass: 'put', scope: 'cluster', count: 10 },
    { by: 'collect-nodes', requestClass: 'put', scope: 'batch', count: 1 },
    { by: 'node', requestClass: 'put', scope: 'node', count: 1 },
    { by: 'analyze-nodes', requestClass: 'get', scope: 'node', count: 1 },
    { by: 'publish', requestClass: 'put', scope: 'node', count: 1 },
  ],
  keptReportBytes: 1_000_000,
  runDataBytes: 500_000,
  nodeBundleBytes: 10_000,
};

const ENGINE: EngineTimes = { clusterAuditMs: 300, nodeMs: 10, readerMsPerPod: 0.1 };

const ASSUMPTIONS: Assumptions = {
  podsPerNode: 10,
  batchSize: 50,
  s3RequestMs: 10,
  kubernetesPageMs: 100,
  podsPerPage: 500,
  otherKindPages: 4,
  awsCallMs: 50,
  awsCallsPerInvocation: 2,
  platformLogBytes: 900,
  stateLogBytes: 1000,
  alertShare: 1,
  emailSubscribers: 1,
  snapshotBytesPerPod: 1000,
  accessLogBytesPerRequest: 400,
  metricsPerCluster: 17,
  coldStartMetrics: 6,
};

const INPUTS = { facts: FACTS, local: LOCAL, engine: ENGINE, assumptions: ASSUMPTIONS };
const SCENARIO = { clusters: 2, nodesPerCluster: 100, runsPerMonth: 30 };

function line(items: readonly { item: string; quantity: number; usd: number }[], prefix: string) {
  const found = items.find((item) => item.item.startsWith(prefix));
  if (found === undefined) throw new Error(`no line ${prefix}`);
  return found;
}

describe('cost model arithmetic (2 clusters × 100 nodes, fixed inputs)', () => {
  const cost = costOf(SCENARIO, INPUTS);

  it('prices the transitions: 2 + 2 × (5 + 2 × 2) = 20 at $0.025 per 1,000', () => {
    expect(cost.batchesPerCluster).toBe(2);
    expect(cost.transitions).toBe(20);
    expect(line(cost.perRun, 'Step Functions').usd).toBeCloseTo(0.0005, 10);
  });

  it('bills each invocation its local work, the engine at size and its waits on S3 and AWS', () => {
    const inputs = { ...INPUTS, scenario: SCENARIO, batches: 2 };
    // 200 local + 300 audit + 100 nodes × 10 + 100 node GETs × 10 ms + 2 AWS calls × 50 ms
    expect(invocationMs('analyze-nodes', inputs)).toBe(2600);
    // 100 local + 1,000 pods × 0.1 + (2 pages + 4 other kinds) × 100 + 10 PUTs × 10 + 100
    expect(invocationMs('audit-cluster', inputs)).toBe(1000);
    // 20 local + 1 PUT × 10 + 100
    expect(invocationMs('collect-nodes', inputs)).toBe(130);
  });

  it('adds GB-seconds over functions and invocations', () => {
    // plan 0.25 GB × 0.11 s; per cluster: audit 1 × 1.0 + analyze 2 × 2.6 + publish 0.5 × (50 + 1000 + 100) ms;
    // per batch (4): collect 0.5 × 0.13 + status 0.25 × 0.11
    const expected = 0.25 * 0.11 + 2 * (1 * 1 + 2 * 2.6 + 0.5 * 1.15) + 4 * (0.5 * 0.13 + 0.25 * 0.11);
    expect(line(cost.perRun, 'Lambda compute').quantity).toBeCloseTo(expected, 10);
    expect(line(cost.perRun, 'Lambda requests').quantity).toBe(1 + 2 * 3 + 4 * 2);
  });

  it('counts S3 requests by scope: per cluster, per batch, per node', () => {
    expect(line(cost.perRun, 'S3 PUT').quantity).toBe(2 * 10 + 4 * 1 + 200 + 200);
    expect(line(cost.perRun, 'S3 GET').quantity).toBe(200);
    // Bucket Keys: one per S3-using invocation (2 audit + 4 collect + 2 analyze + 2 publish) + publish and e-mail
    expect(line(cost.perRun, 'KMS').quantity).toBe(10 + 2 * 2);
  });

  it('ingests the log lines, the platform lines, the state logs and the EMF lines', () => {
    const logs = 15 * (100 + 900) + 20 * 1000;
    expect(line(cost.perRun, 'CloudWatch Logs').quantity * 1024 ** 3).toBeCloseTo(logs, 3);
    expect(line(cost.perRun, 'custom-metric').quantity * 1024 ** 3).toBeCloseTo(2 * 1000, 3);
  });

  it('sums the fixed costs per account and per cluster', () => {
    expect(line(cost.fixedPerAccount, 'KMS').usd).toBe(1);
    expect(line(cost.fixedPerAccount, 'CloudWatch dashboard').usd).toBe(3);
    expect(line(cost.fixedPerAccount, 'CloudWatch alarms').usd).toBeCloseTo(0.4, 10);
    // 17 metrics published in 30 of the 730 hours of the month
    expect(line(cost.fixedPerCluster, 'cluster metrics').usd).toBeCloseTo((17 * 30 * 0.3) / 730, 10);
    // 30 runs a month kept 304 days (300 runs) × (1 MB + 99 bundles × 10 KB + 1,000 pods × 1 KB)
    const reportGb = (300 * (1_000_000 + 990_000 + 1_000_000)) / 1024 ** 3;
    expect(line(cost.fixedPerCluster, 'reports kept').quantity).toBeCloseTo(reportGb, 10);
    const perCluster = cost.fixedPerCluster.reduce((total, item) => total + item.usd, 0);
    const perAccount = cost.fixedPerAccount.reduce((total, item) => total + item.usd, 0);
    expect(cost.fixedPerMonthUsd).toBeCloseTo(perAccount + 2 * perCluster, 12);
  });
});
