import { Aws, CfnMapping, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type AuditConfig, namedClusters, serviceConfigForRuntime } from '../config';
import { acknowledgeWildcardResources } from '../nag';
import { AuditFunction, type AuditFunctionProps, retentionDays } from './audit-function';
import type { AlertsTopic } from './alerts-topic';
import type { CollectorDocument } from './collector-document';
import { BUCKET_PREFIXES, type ReportsBucket } from './reports-bucket';

export interface AuditFunctionsProps {
  readonly config: AuditConfig;
  /** Where command-status's failed (asynchronous, EventBridge) invocations go. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly reports: ReportsBucket;
  readonly alerts: AlertsTopic;
  readonly collector: CollectorDocument;
  readonly projectRoot: string;
}

const LARGE_MEMORY_MB = 1769; // one full vCPU
const SMALL_MEMORY_MB = 256;
/** What a function needs to use its ENIs in a VPC (AWSLambdaVPCAccessExecutionRole); no resource-level permission. */
const VPC_ACCESS_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** The longest a Lambda function may run. */
const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/**
 * The handlers of the workflow (lambdas/<function>/handler.ts) and exactly the permissions each one needs: six
 * with the SSM collector; with the exec collector (`nodeCollection.collector: exec`) collect-nodes-exec collects
 * each batch and there is no command-status. The state machine and the SSM event rule invoke them; nothing else does.
 */
export class AuditFunctions extends Construct {
  readonly plan: AuditFunction;
  readonly auditCluster: AuditFunction;
  /** The batch step: collect-nodes (SSM, task token) or collect-nodes-exec (synchronous). */
  readonly collectNodes: AuditFunction;
  /** Resumes the waiting batches on SSM status events; none with the exec collector. */
  readonly commandStatus: AuditFunction | undefined;
  readonly analyzeNodes: AuditFunction;
  readonly publish: AuditFunction;

  private readonly props: AuditFunctionsProps;

  constructor(scope: Construct, id: string, props: AuditFunctionsProps) {
    super(scope, id);
    this.props = props;
    const make = (
      name: string,
      functionDir: string,
      description: string,
      memorySize: number,
      timeout: Duration,
      extra: Pick<AuditFunctionProps, 'deadLetterQueue' | 'unscopedActions'> = {},
    ) =>
      new AuditFunction(this, name, {
        functionDir,
        description: `eks-netpol-audit: ${description}`,
        memorySize,
        timeout,
        environment: this.environment(),
        logRetention: retentionDays(props.config.retention.logsDays),
        projectRoot: props.projectRoot,
        ...extra,
      });
    const discovers = namedClusters(props.config) === undefined;
    this.plan = make('Plan', 'plan', 'validate the run input and resolve the clusters', SMALL_MEMORY_MB, seconds(30), {
      unscopedActions: discovers ? ['eks:ListClusters'] : [],
    });
    this.auditCluster = make(
      'AuditCluster',
      'audit-cluster',
      'read EKS and Kubernetes, snapshot to S3, plan the node batches',
      LARGE_MEMORY_MB,
      Duration.minutes(10),
      {
        unscopedActions: [
          ...(props.config.nodeCollection.collector === 'ssm' ? ['ssm:DescribeInstanceInformation'] : []),
          ...(props.config.vpc ? VPC_ACCESS_ACTIONS : []),
        ],
      },
    );
    if (this.collectsByExec) {
      this.collectNodes = make(
        'CollectNodesExec',
        'collect-nodes-exec',
        'collect one batch through pods/exec in the aws-node pods',
        1024,
        seconds(Math.min(props.config.nodeCollection.batchTimeoutSeconds, LAMBDA_MAX_TIMEOUT_SECONDS)),
        { unscopedActions: props.config.vpc ? VPC_ACCESS_ACTIONS : [] },
      );
      this.commandStatus = undefined;
    } else {
      this.collectNodes = make(
        'CollectNodes',
        'collect-nodes',
        'send the collector command for one batch',
        512,
        seconds(60),
      );
      this.commandStatus = make(
        'CommandStatus',
        'command-status',
        'resume the waiting batch on an SSM command status event',
        SMALL_MEMORY_MB,
        seconds(30),
        { deadLetterQueue: props.deadLetterQueue },
      );
    }
    this.analyzeNodes = make(
      'AnalyzeNodes',
      'analyze-nodes',
      'audit a cluster with its node outputs',
      LARGE_MEMORY_MB,
      Duration.minutes(10),
    );
    this.publish = make('Publish', 'publish', 'publish the report, compare, alert, emit metrics', 512, seconds(120));
    this.grantAll();
  }

  /** The functions the state machine invokes, by the step name of the contract. */
  get invokedByWorkflow(): lambda.IFunction[] {
    return [this.plan, this.auditCluster, this.collectNodes, this.analyzeNodes, this.publish].map((f) => f.function);
  }

  get all(): AuditFunction[] {
    return [
      this.plan,
      this.auditCluster,
      this.collectNodes,
      this.commandStatus,
      this.analyzeNodes,
      this.publish,
    ].filter((fn): fn is AuditFunction => fn !== undefined);
  }

  /** `nodeCollection.collector: exec`: batches collected through `pods/exec`, not SSM Run Command. */
  get collectsByExec(): boolean {
    return this.props.config.nodeCollection.collector === 'exec';
  }

  /** The role the Kubernetes reader signs its EKS bearer token with (the access entries name it). */
  get kubernetesReaderRole(): iam.IRole {
    return this.auditCluster.role;
  }

  /** The role of collect-nodes-exec, which signs the EKS tokens of its `pods/exec` calls; none with SSM. */
  get nodeExecRole(): iam.IRole | undefined {
    return this.collectsByExec ? this.collectNodes.role : undefined;
  }

  /**
   * command-status may resume (SendTaskSuccess only: a failed command is data) the workflow's waiting tasks. A
   * separate policy, so that the function does not depend on the state machine that invokes it.
   */
  grantTaskResponse(stateMachine: sfn.IStateMachine): void {
    if (this.commandStatus === undefined) return;
    new iam.Policy(this, 'CommandStatusTaskResponse', {
      roles: [this.commandStatus.role],
      statements: [
        new iam.PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [stateMachine.stateMachineArn] }),
      ],
    });
  }

  private environment(): Record<string, string> {
    const { reports, alerts, collector, config } = this.props;
    return {
      REPORTS_BUCKET: reports.bucket.bucketName,
      ALERTS_TOPIC_ARN: alerts.topic.topicArn,
      COLLECTOR_DOCUMENT_NAME: collector.documentName,
      COLLECTOR_DOCUMENT_VERSION: collector.documentVersion,
      SERVICE_CONFIG: JSON.stringify(serviceConfigForRuntime(config)),
      STATE_MACHINE_CONSOLE_BASE: `https://${Aws.REGION}.${this.consoleHost()}/states/home?region=${Aws.REGION}#/v2/executions/details/`,
    };
  }

  /** The console's host name in the stack's partition (not the URL suffix: that is amazonaws.com in `aws`). */
  private consoleHost(): string {
    const existing = this.node.tryFindChild('ConsoleHosts');
    const hosts =
      existing instanceof CfnMapping
        ? existing
        : new CfnMapping(this, 'ConsoleHosts', {
            mapping: {
              aws: { host: 'console.aws.amazon.com' },
              'aws-cn': { host: 'console.amazonaws.cn' },
              'aws-us-gov': { host: 'console.amazonaws-us-gov.com' },
            },
          });
    return hosts.findInMap(Aws.PARTITION, 'host');
  }

  private grantAll(): void {
    const { reports, alerts } = this.props;
    this.grantPlan();
    this.grantAuditCluster();
    if (this.collectsByExec) this.grantCollectByExec();
    else this.grantCollectBySsm();
    reports.grantReadUnder(this.analyzeNodes.function, BUCKET_PREFIXES.runs);
    reports.grantListUnder(this.analyzeNodes.function, BUCKET_PREFIXES.runs);
    reports.grantWriteUnder(this.analyzeNodes.function, BUCKET_PREFIXES.runs);
    if (!this.collectsByExec) this.grantCommandResults(this.analyzeNodes.function);
    reports.grantReadUnder(this.publish.function, BUCKET_PREFIXES.runs);
    reports.grantReadUnder(this.publish.function, BUCKET_PREFIXES.reports);
    reports.grantWriteUnder(this.publish.function, BUCKET_PREFIXES.reports);
    reports.grantListUnder(this.publish.function, BUCKET_PREFIXES.reports);
    reports.grantListUnder(this.publish.function, BUCKET_PREFIXES.runs);
    alerts.grantPublishAlerts(this.publish.function);
  }

  /** collect-nodes reads its batch, stores the task token, and signs the batch's POST policy for the nodes. */
  private grantCollectBySsm(): void {
    const { reports } = this.props;
    reports.grantReadUnder(this.collectNodes.function, BUCKET_PREFIXES.runs);
    reports.grantWriteUnder(this.collectNodes.function, BUCKET_PREFIXES.tokens);
    reports.grantWriteUnder(this.collectNodes.function, BUCKET_PREFIXES.runs);
    this.grantSendCommand(this.collectNodes.function);
    if (this.commandStatus !== undefined) reports.grantReadUnder(this.commandStatus.function, BUCKET_PREFIXES.tokens);
  }

  /**
   * collect-nodes-exec reads its batch, writes the nodes' bundles, and finds the cluster's endpoint; what it may do
   * in the cluster is k8s/rbac-exec.yaml's (its role has an access entry in the auditor group).
   */
  private grantCollectByExec(): void {
    const fn = this.collectNodes.function;
    this.props.reports.grantReadUnder(fn, BUCKET_PREFIXES.runs);
    this.props.reports.grantWriteUnder(fn, BUCKET_PREFIXES.runs);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['eks:DescribeCluster'],
        resources: this.clusterNames().map((name) => this.eksArn('cluster', name)),
      }),
    );
    this.attachToVpc(fn);
    if (this.clusterNames().includes('*'))
      acknowledgeWildcardResources(
        this.collectNodes,
        [this.eksArn('cluster', '*')],
        'Cluster discovery (clusters: {allInRegion: true}): the clusters are only known at run time.',
      );
  }

  private grantPlan(): void {
    if (namedClusters(this.props.config) !== undefined) return;
    const role = this.plan.function;
    role.addToRolePolicy(new iam.PolicyStatement({ actions: ['eks:ListClusters'], resources: ['*'] }));
    role.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['eks:DescribeCluster'], resources: [this.eksArn('cluster', '*')] }),
    );
    acknowledgeWildcardResources(
      this.plan,
      [this.eksArn('cluster', '*')],
      'Cluster discovery (clusters: {allInRegion: true}): the clusters to describe are only known at run time.',
    );
  }

  private grantAuditCluster(): void {
    const fn = this.auditCluster.function;
    const clusters = this.clusterNames();
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['eks:DescribeCluster', 'eks:ListNodegroups'],
        resources: clusters.map((name) => this.eksArn('cluster', name)),
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['eks:DescribeAddon'],
        resources: clusters.map((name) => this.eksArn('addon', `${name}/vpc-cni/*`)),
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['eks:DescribeNodegroup'],
        resources: clusters.map((name) => this.eksArn('nodegroup', `${name}/*/*`)),
      }),
    );
    // DescribeInstanceInformation (the SSM pre-flight) supports no resource-level permission.
    if (!this.collectsByExec)
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ssm:DescribeInstanceInformation'], resources: ['*'] }));
    this.props.reports.grantWriteUnder(fn, BUCKET_PREFIXES.runs);
    this.attachToVpc(fn);
    acknowledgeWildcardResources(
      this.auditCluster,
      [
        ...(clusters.includes('*') ? [this.eksArn('cluster', '*')] : []),
        ...clusters.map((name) => this.eksArn('addon', `${name}/vpc-cni/*`)),
        ...clusters.map((name) => this.eksArn('nodegroup', `${name}/*/*`)),
      ],
      'Add-on and node group ARNs end in ids EKS generates (vpc-cni/<uuid>, <nodegroup>/<uuid>); the grant is ' +
        'limited to the configured clusters.',
    );
  }

  private grantSendCommand(fn: lambda.IFunction): void {
    const instances = Stack.of(this).formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' });
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ssm:SendCommand'],
        resources: [this.props.collector.documentArn, instances],
      }),
    );
    acknowledgeWildcardResources(
      this.collectNodes,
      [instances],
      'The instances are the cluster nodes found at run time (spec.providerID); SendCommand is limited to the ' +
        'one collector document.',
    );
  }

  private grantCommandResults(fn: lambda.IFunction): void {
    const accountScope = Stack.of(this).formatArn({ service: 'ssm', resource: '*' });
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations'],
        resources: [accountScope],
      }),
    );
    acknowledgeWildcardResources(
      this.analyzeNodes,
      [accountScope],
      'GetCommandInvocation and ListCommandInvocations authorize on the account and region only.',
    );
  }

  private attachToVpc(fn: lambda.Function): void {
    const { vpc } = this.props.config;
    if (vpc === undefined) return;
    const cfn = fn.node.defaultChild as lambda.CfnFunction;
    cfn.vpcConfig = { subnetIds: vpc.subnetIds, securityGroupIds: vpc.securityGroupIds };
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: VPC_ACCESS_ACTIONS, resources: ['*'] }));
  }

  private clusterNames(): string[] {
    return [...(namedClusters(this.props.config) ?? ['*'])];
  }

  private eksArn(resource: string, resourceName: string): string {
    return Stack.of(this).formatArn({ service: 'eks', resource, resourceName });
  }
}

function seconds(value: number): Duration {
  return Duration.seconds(value);
}
