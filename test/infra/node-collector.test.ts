import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import aslValidator from 'asl-validator';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { z } from 'zod';
import { AuditStack } from '../../lib/audit-stack';
import { parseAuditConfig } from '../../lib/config';
import { STATE_NAMES } from '../../lib/workflow/definition';
import { allStates, definitionFromTemplate, parsedDefinition } from './support/definition';
import { actionsOf, cdkJsonContext, statementsOfRole, synthStack, PROJECT_ROOT } from './support/synth';

// The two node collectors of the config (`nodeCollection.collector`): what each one deploys and may do.

const CACHE = process.env['NETPOL_AUDIT_CACHE'] ?? join(process.env['HOME'] ?? '/root', '.cache', 'eks-netpol-audit');
const CFN_LINT = join(CACHE, 'venv', 'bin', 'cfn-lint');
const VPC = { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] };

function synthFor(collector: 'ssm' | 'exec', extra: Record<string, unknown> = {}) {
  return synthStack({
    clusters: { names: ['prod-a', 'prod-b'] },
    nodeCollection: { collector, batchTimeoutSeconds: 1200 },
    vpc: VPC,
    ...extra,
  });
}

const ssm = synthFor('ssm');
const exec = synthFor('exec');

/** The handlers of the service (lib/constructs/audit-functions.ts), not the CDK's own custom-resource functions. */
const DESCRIPTION_PREFIX = 'eks-netpol-audit: ';
const FunctionProperties = z.looseObject({
  Description: z.string().optional(),
  Timeout: z.number(),
  MemorySize: z.number(),
  VpcConfig: z.unknown().optional(),
});

function functionsByDescription(template: Template): Map<string, z.infer<typeof FunctionProperties>> {
  const functions = Object.values(template.findResources('AWS::Lambda::Function')).map((resource) =>
    FunctionProperties.parse((resource as { Properties: unknown }).Properties),
  );
  const ours = functions.flatMap((fn) =>
    fn.Description?.startsWith(DESCRIPTION_PREFIX)
      ? [[fn.Description.slice(DESCRIPTION_PREFIX.length), fn] as const]
      : [],
  );
  return new Map(ours);
}

function collectState(template: Template) {
  const state = allStates(parsedDefinition(template)).get(STATE_NAMES.collectNodes);
  if (state === undefined) throw new Error('no Collect Nodes state');
  return state;
}

function accessEntries(template: Template): { cluster: string; role: string; groups: string[] }[] {
  const Entry = z.object({
    ClusterName: z.string(),
    PrincipalArn: z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.literal('Arn')]) }),
    KubernetesGroups: z.array(z.string()),
    Type: z.literal('STANDARD'),
  });
  return Object.values(template.findResources('AWS::EKS::AccessEntry'))
    .map((resource) => Entry.parse((resource as { Properties: unknown }).Properties))
    .map((entry) => ({
      cluster: entry.ClusterName,
      role: entry.PrincipalArn['Fn::GetAtt'][0],
      groups: entry.KubernetesGroups,
    }))
    .sort((a, b) => `${a.cluster}${a.role}`.localeCompare(`${b.cluster}${b.role}`));
}

describe('nodeCollection.collector: ssm (the default)', () => {
  it('deploys collect-nodes and command-status, the command status rule, and no exec function', () => {
    const functions = functionsByDescription(ssm.template);
    expect(functions.has('send the collector command for one batch')).toBe(true);
    expect(functions.has('resume the waiting batch on an SSM command status event')).toBe(true);
    expect(functions.has('collect one batch through pods/exec in the aws-node pods')).toBe(false);
    ssm.template.resourceCountIs('AWS::Events::Rule', 1);
  });

  it('waits for the task token of the command', () => {
    expect(collectState(ssm.template)['Resource']).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
  });

  it('maps only the reader role into the auditor group of each cluster', () => {
    const entries = accessEntries(ssm.template);
    expect(entries.map((entry) => entry.cluster)).toEqual(['prod-a', 'prod-b']);
    expect(entries.every((entry) => entry.role.startsWith('FunctionsAuditClusterRole'))).toBe(true);
  });
});

describe('nodeCollection.collector: exec', () => {
  const functions = functionsByDescription(exec.template);
  const execFunction = functions.get('collect one batch through pods/exec in the aws-node pods');

  it('deploys collect-nodes-exec instead of collect-nodes, and neither command-status nor its rule', () => {
    expect(execFunction).toBeDefined();
    expect(functions.has('send the collector command for one batch')).toBe(false);
    expect(functions.has('resume the waiting batch on an SSM command status event')).toBe(false);
    exec.template.resourceCountIs('AWS::Events::Rule', 0);
    expect(exec.stack.functions.commandStatus).toBeUndefined();
    expect(exec.stack.functions.all).toHaveLength(5);
  });

  it('runs in the configured VPC with a timeout of the batch timeout, at most 15 minutes', () => {
    expect(execFunction?.Timeout).toBe(900);
    expect(execFunction?.VpcConfig).toEqual({
      SubnetIds: VPC.subnetIds,
      SecurityGroupIds: VPC.securityGroupIds,
    });
    const shorter = synthFor('exec', { nodeCollection: { collector: 'exec', batchTimeoutSeconds: 300 } });
    expect(
      functionsByDescription(shorter.template).get('collect one batch through pods/exec in the aws-node pods'),
    ).toMatchObject({ Timeout: 300 });
  });

  it('collects each batch with a synchronous invoke, a timeout, and the same catches as SSM', () => {
    const state = collectState(exec.template);
    expect(state['Resource']).toBe('arn:aws:states:::lambda:invoke');
    expect(state['OutputPath']).toBe('$.Payload');
    expect(state['TimeoutSeconds']).toBe(1200);
    expect(state['Parameters']).toEqual({
      FunctionName: expect.stringMatching(/function:FunctionsCollectNodesExec/) as string,
      Payload: { 'runId.$': '$.runId', 'cluster.$': '$.cluster', 'batchIndex.$': '$.batchIndex' },
    });
    expect(state['Catch']).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: STATE_NAMES.batchTimedOut },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: STATE_NAMES.batchFailed },
    ]);
    expect(allStates(parsedDefinition(exec.template)).get(STATE_NAMES.batchTimedOut)?.['Parameters']).toEqual({
      'batchIndex.$': '$.batchIndex',
      error: { Error: 'States.Timeout', Cause: 'no end of the exec collection within 1200 s' },
    });
    expect([...allStates(parsedDefinition(exec.template)).keys()].sort()).toEqual(Object.values(STATE_NAMES).sort());
    const validation = aslValidator(definitionFromTemplate(exec.template));
    expect(validation.errors).toEqual([]);
  });

  it('grants the exec function S3 run data and DescribeCluster of the configured clusters only: no SSM', () => {
    const statements = statementsOfRole(exec.template, 'FunctionsCollectNodesExecRole');
    const actions = actionsOf(statements);
    expect(actions).toContain('eks:DescribeCluster');
    expect(actions.filter((action) => action.startsWith('ssm:'))).toEqual([]);
    expect(actions.filter((action) => action.startsWith('eks:'))).toEqual(['eks:DescribeCluster']);
    const describe = statements.find((statement) => [statement.Action].flat().includes('eks:DescribeCluster'));
    expect(JSON.stringify(describe?.Resource)).toMatch(/cluster\/prod-a.*cluster\/prod-b/);
  });

  it('leaves every SSM permission out of the other roles', () => {
    for (const role of ['FunctionsAuditClusterRole', 'FunctionsAnalyzeNodesRole']) {
      const actions = actionsOf(statementsOfRole(exec.template, role));
      expect(actions.filter((action) => action.startsWith('ssm:'))).toEqual([]);
    }
    const ssmActions = actionsOf(statementsOfRole(ssm.template, 'FunctionsAuditClusterRole'));
    expect(ssmActions).toContain('ssm:DescribeInstanceInformation');
  });

  it('maps the reader role and the exec role into the auditor group of each cluster (k8s/rbac-exec.yaml binds it)', () => {
    const entries = accessEntries(exec.template);
    expect(entries).toHaveLength(4);
    for (const cluster of ['prod-a', 'prod-b']) {
      const roles = entries.filter((entry) => entry.cluster === cluster).map((entry) => entry.role);
      expect(roles).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^FunctionsAuditClusterRole/),
          expect.stringMatching(/^FunctionsCollectNodesExecRole/),
        ]),
      );
    }
    expect(new Set(entries.flatMap((entry) => entry.groups))).toEqual(new Set(['netpol-audit:auditors']));
  });

  it('tells the functions which collector runs (SERVICE_CONFIG)', () => {
    exec.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { SERVICE_CONFIG: Match.stringLikeRegexp('"collector":"exec"') } },
    });
  });

  it('leaves no unacknowledged cdk-nag finding, with named clusters and with discovery (as bin/app.ts runs it)', () => {
    for (const clusters of [{ names: ['prod-a'] }, { allInRegion: true }]) {
      const outdir = mkdtempSync(join(tmpdir(), 'netpol-audit-nag-'));
      try {
        const app = new App({ outdir, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
        new AuditStack(app, 'NagExec', {
          config: parseAuditConfig({ clusters, nodeCollection: { collector: 'exec' }, vpc: VPC }),
          projectRoot: PROJECT_ROOT,
          env: { account: '123456789012', region: 'eu-west-1' },
        });
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
        expect(() => app.synth()).not.toThrow();
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    }
  });

  it('passes cfn-lint with zero errors', () => {
    if (!existsSync(CFN_LINT))
      throw new Error(`cfn-lint missing at ${CFN_LINT}: run scripts/install-python-test-deps.sh`);
    const directory = mkdtempSync(join(tmpdir(), 'netpol-audit-exec-'));
    try {
      const file = join(directory, 'exec.template.json');
      writeFileSync(file, JSON.stringify(exec.template.toJSON()));
      const lint = spawnSync(CFN_LINT, ['--format', 'parseable', file], { cwd: PROJECT_ROOT, encoding: 'utf8' });
      expect(lint.stdout.split('\n').filter((line) => /:E\d{4}:/.test(line))).toEqual([]);
      expect((lint.status ?? 1) & 0b11).toBe(0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
