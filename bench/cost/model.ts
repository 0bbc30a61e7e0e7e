/**
 * The cost model: pure arithmetic over the stack's structure (stack-facts.ts), the local measurements
 * (local-runs.json, the engine timings) and the stated assumptions. No I/O, so the unit test can check every sum.
 */
import { FunctionName, type LocalRuns, type RequestScope, type S3RequestClass } from './local-runs';
import { DAYS_PER_MONTH, GB, HOURS_PER_MONTH, PRICES, type PriceName } from './prices';
import type { StackFacts } from './stack-facts';
import { transitionsOf } from './workflow-structure';

export interface Scenario {
  readonly clusters: number;
  readonly nodesPerCluster: number;
  /** Runs in a month: the nightly schedule is about 30. */
  readonly runsPerMonth: number;
}

/** Engine work measured for the scenario's cluster size (bench/cost/run.ts measures it). */
export interface EngineTimes {
  /** Configuration and control-plane audit of one cluster of the scenario's size, in analyze-nodes. */
  readonly clusterAuditMs: number;
  /** Node layer of one node (parse, expected state, compare), in analyze-nodes. */
  readonly nodeMs: number;
  /** Reading and projecting one pod page by page, in audit-cluster. */
  readonly readerMsPerPod: number;
}

/** What is not measured here and has to be assumed; docs/cost.md gives the reason for each value. */
export interface Assumptions {
  readonly podsPerNode: number;
  readonly batchSize: number;
  /** Wall time a function waits for one S3 request (same region). */
  readonly s3RequestMs: number;
  /** Wall time of one Kubernetes list page (limit 500) and of one other AWS API call (EKS, SSM, SNS, SFN). */
  readonly kubernetesPageMs: number;
  readonly podsPerPage: number;
  readonly otherKindPages: number;
  readonly awsCallMs: number;
  readonly awsCallsPerInvocation: number;
  /** Lambda platform log lines (START, END, REPORT in JSON) per invocation. */
  readonly platformLogBytes: number;
  /** Step Functions log events (level ALL, no execution data) per state transition. */
  readonly stateLogBytes: number;
  /** Share of clusters whose run raises an alert (new drift). */
  readonly alertShare: number;
  readonly emailSubscribers: number;
  /** Gzipped raw pod JSON in the snapshot (a real pod is 3-17 KB of JSON). */
  readonly snapshotBytesPerPod: number;
  readonly accessLogBytesPerRequest: number;
  /** Custom metrics published per cluster and per run (reportMetrics) and per account (cold-start metric per function). */
  readonly metricsPerCluster: number;
  readonly coldStartMetrics: number;
}

export interface LineItem {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
  readonly source: string;
}

export interface ScenarioCost {
  readonly scenario: Scenario;
  readonly batchesPerCluster: number;
  readonly transitions: number;
  readonly perRun: readonly LineItem[];
  readonly perRunUsd: number;
  readonly fixedPerAccount: readonly LineItem[];
  readonly fixedPerCluster: readonly LineItem[];
  readonly fixedPerMonthUsd: number;
}

function priced(item: string, quantity: number, price: PriceName, unit?: string): LineItem {
  const { usd, unit: priceUnit, source } = PRICES[price];
  return { item, quantity, unit: unit ?? priceUnit, usd: quantity * usd, source };
}

const sum = (items: readonly LineItem[]): number => items.reduce((total, line) => total + line.usd, 0);

/** How many times a request of a scope happens in a run. */
function multiplicity(scope: RequestScope, scenario: Scenario, batches: number): number {
  const { clusters, nodesPerCluster } = scenario;
  return { run: 1, cluster: clusters, batch: clusters * batches, node: clusters * nodesPerCluster }[scope];
}

function s3Requests(local: LocalRuns, requestClass: S3RequestClass, scenario: Scenario, batches: number): number {
  return local.s3Requests
    .filter((request) => request.requestClass === requestClass)
    .reduce((total, request) => total + request.count * multiplicity(request.scope, scenario, batches), 0);
}

export function invocationsOf(facts: StackFacts, fn: FunctionName, scenario: Scenario, batches: number): number {
  const { perRun, perCluster, perBatch } = facts.functions[fn];
  return perRun + scenario.clusters * (perCluster + batches * perBatch);
}

/** S3 requests one invocation of the function waits for: its own, plus its share of the per-node ones. */
function s3RequestsPerInvocation(local: LocalRuns, fn: FunctionName, scenario: Scenario, batches: number): number {
  const nodesPerInvocation = (scope: RequestScope): number =>
    scope !== 'node'
      ? 1
      : fn === 'collect-nodes' || fn === 'command-status'
        ? scenario.nodesPerCluster / batches
        : scenario.nodesPerCluster;
  return local.s3Requests
    .filter((request) => request.by === fn)
    .reduce((total, request) => total + request.count * nodesPerInvocation(request.scope), 0);
}

/** Billed milliseconds of one invocation: measured local work, the engine at the scenario's size, waits on I/O. */
export function invocationMs(
  fn: FunctionName,
  inputs: { local: LocalRuns; engine: EngineTimes; assumptions: Assumptions; scenario: Scenario; batches: number },
): number {
  const { local, engine, assumptions: a, scenario, batches } = inputs;
  const pods = scenario.nodesPerCluster * a.podsPerNode;
  const io =
    s3RequestsPerInvocation(local, fn, scenario, batches) * a.s3RequestMs + a.awsCallsPerInvocation * a.awsCallMs;
  const work: Record<FunctionName, number> = {
    plan: 0,
    'audit-cluster':
      pods * engine.readerMsPerPod + (Math.ceil(pods / a.podsPerPage) + a.otherKindPages) * a.kubernetesPageMs,
    'collect-nodes': 0,
    'command-status': 0,
    'analyze-nodes': engine.clusterAuditMs + scenario.nodesPerCluster * engine.nodeMs,
    publish: 0,
  };
  return Math.ceil(local.functions[fn].warmMs + work[fn] + io);
}

interface RunTotals {
  readonly invocations: number;
  readonly gbSeconds: number;
  readonly logBytes: number;
  readonly metricBytes: number;
  readonly s3Invocations: number;
}

function runTotals(inputs: Parameters<typeof invocationMs>[1] & { facts: StackFacts }): RunTotals {
  const { facts, local, assumptions, scenario, batches } = inputs;
  let invocations = 0;
  let gbSeconds = 0;
  let logBytes = 0;
  let metricBytes = 0;
  let s3Invocations = 0;
  for (const fn of FunctionName.options) {
    const count = invocationsOf(facts, fn, scenario, batches);
    invocations += count;
    gbSeconds += count * (facts.functions[fn].memoryMb / 1024) * (invocationMs(fn, inputs) / 1000);
    logBytes += count * (local.functions[fn].logBytes + assumptions.platformLogBytes);
    metricBytes += count * local.functions[fn].metricBytes;
    if (local.s3Requests.some((request) => request.by === fn)) s3Invocations += count;
  }
  return { invocations, gbSeconds, logBytes, metricBytes, s3Invocations };
}

/** Bytes one run keeps per cluster under reports/ and, for runsDays, under runs/. */
function storedBytesPerClusterRun(local: LocalRuns, assumptions: Assumptions, scenario: Scenario) {
  const pods = scenario.nodesPerCluster * assumptions.podsPerNode;
  // The example run has one node bundle and a handful of pods: scale the node bundle by nodes, add the pods.
  const growth = (scenario.nodesPerCluster - 1) * local.nodeBundleBytes + pods * assumptions.snapshotBytesPerPod;
  return { reports: local.keptReportBytes + growth, runData: local.runDataBytes + growth };
}

export function costOf(
  scenario: Scenario,
  inputs: { facts: StackFacts; local: LocalRuns; engine: EngineTimes; assumptions: Assumptions },
): ScenarioCost {
  const { facts, local, engine, assumptions: a } = inputs;
  const batches = Math.ceil(scenario.nodesPerCluster / a.batchSize);
  const transitions = transitionsOf(facts.transitions, scenario.clusters, batches);
  const totals = runTotals({ facts, local, engine, assumptions: a, scenario, batches });
  const puts = s3Requests(local, 'put', scenario, batches);
  const gets = s3Requests(local, 'get', scenario, batches);
  const alerts = scenario.clusters * a.alertShare;
  // Bucket Keys: S3 asks KMS for a bucket-level key per principal for a short period, not per object. Upper bound:
  // one request per S3-using invocation and one per SNS publish (and per e-mail delivery it decrypts).
  const kmsRequests = facts.bucketKeys ? totals.s3Invocations + alerts * (1 + a.emailSubscribers) : puts + gets;
  const logBytes = totals.logBytes + transitions * a.stateLogBytes;
  const perRun: LineItem[] = [
    priced('Step Functions state transitions', transitions, 'stateTransition'),
    priced('Lambda compute (Arm)', totals.gbSeconds, 'lambdaArmGbSecond'),
    priced('Lambda requests', totals.invocations, 'lambdaRequest'),
    priced('S3 PUT, COPY, POST, LIST', puts, 's3PutRequest'),
    priced('S3 GET', gets, 's3GetRequest'),
    priced(`KMS requests (${facts.bucketKeys ? 'with' : 'without'} S3 Bucket Keys)`, kmsRequests, 'kmsRequest'),
    priced('SNS publish (alerting clusters)', alerts, 'snsPublish'),
    priced('SNS e-mail deliveries', alerts * a.emailSubscribers, 'snsEmail'),
    priced('CloudWatch Logs ingestion (GB)', logBytes / GB, 'logsIngestionGb'),
    priced('custom-metric data (EMF log lines, GB)', totals.metricBytes / GB, 'logsIngestionGb'),
    priced('X-Ray traces (execution + status events)', 1 + scenario.clusters * batches, 'xrayTrace'),
    priced('SSM Run Command (EC2 nodes)', scenario.clusters * batches, 'ssmRunCommand', 'SendCommand'),
  ];
  const runs = scenario.runsPerMonth;
  const hoursPublished = Math.min(runs, HOURS_PER_MONTH);
  const stored = storedBytesPerClusterRun(local, a, scenario);
  const monthlyLogGb = (logBytes * runs) / GB;
  const fixedPerAccount: LineItem[] = [
    priced('KMS customer-managed key', facts.kmsKeys, 'kmsKeyMonth', 'key-month'),
    priced('CloudWatch dashboard', facts.dashboards, 'dashboardMonth', 'dashboard-month'),
    priced(
      `CloudWatch alarms (${String(facts.alarms)}, by metric)`,
      facts.alarmMetrics,
      'alarmMetricMonth',
      'alarm metric-month',
    ),
    priced(
      'cold-start metrics, prorated',
      (a.coldStartMetrics * hoursPublished) / HOURS_PER_MONTH,
      'customMetricMonth',
      'metric-month',
    ),
    priced(
      `log storage at ${String(facts.logRetentionDays)} days (GB)`,
      (monthlyLogGb * facts.logRetentionDays) / DAYS_PER_MONTH,
      'logsStorageGbMonth',
      'GB-month',
    ),
  ];
  const runsKept = (days: number): number => (runs * days) / DAYS_PER_MONTH;
  const fixedPerCluster: LineItem[] = [
    priced(
      'cluster metrics, prorated',
      (a.metricsPerCluster * hoursPublished) / HOURS_PER_MONTH,
      'customMetricMonth',
      'metric-month',
    ),
    priced(
      `reports kept ${String(facts.reportDays)} days (GB)`,
      (stored.reports * runsKept(facts.reportDays)) / GB,
      's3StorageGbMonth',
      'GB-month',
    ),
    priced(
      `run data kept ${String(facts.runDataDays)} days (GB)`,
      (stored.runData * runsKept(facts.runDataDays)) / GB,
      's3StorageGbMonth',
      'GB-month',
    ),
    priced(
      `access logs kept ${String(facts.accessLogDays)} days (GB)`,
      (((puts + gets) / scenario.clusters) * a.accessLogBytesPerRequest * runsKept(facts.accessLogDays)) / GB,
      's3StorageGbMonth',
      'GB-month',
    ),
  ];
  return {
    scenario,
    batchesPerCluster: batches,
    transitions,
    perRun,
    perRunUsd: sum(perRun),
    fixedPerAccount,
    fixedPerCluster,
    fixedPerMonthUsd: sum(fixedPerAccount) + scenario.clusters * sum(fixedPerCluster),
  };
}
