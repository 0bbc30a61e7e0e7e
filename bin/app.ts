#!/usr/bin/env node
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { AuditStack } from '../lib/audit-stack';
import { AuditConfigError, CONFIG_CONTEXT_KEY, parseAuditConfig } from '../lib/config';

/** Stack name default; override with `-c stackName=...` (one stack per account and region is the usual set-up). */
const DEFAULT_STACK_NAME = 'EksNetpolAudit';

function main(): void {
  const app = new App();
  const config = parseAuditConfig(app.node.tryGetContext(CONFIG_CONTEXT_KEY));
  const stackName: unknown = app.node.tryGetContext('stackName') ?? DEFAULT_STACK_NAME;
  if (typeof stackName !== 'string' || !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new AuditConfigError('invalid cdk.json context:\n  stackName: a CloudFormation stack name');
  }
  new AuditStack(app, stackName, {
    config,
    projectRoot: path.resolve(__dirname, '..'),
    description: 'eks-netpol-audit: nightly and on-demand audits of EKS network policies',
    ...(config.env === undefined ? {} : { env: config.env }),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  app.synth();
}

try {
  main();
} catch (error) {
  if (!(error instanceof AuditConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
