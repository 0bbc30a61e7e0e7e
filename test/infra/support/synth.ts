import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AuditStack } from '../../../lib/audit-stack';
import { parseAuditConfig } from '../../../lib/config';

export const PROJECT_ROOT = path.resolve(__dirname, '../../..');
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

/** The feature flags of cdk.json, as the CDK CLI passes them to the app. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/** The stack for a cdk.json `audit` value, with a fixed env; bundling skipped (no asset is needed to assert on). */
export function synthStack(audit: unknown): { stack: AuditStack; template: Template } {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const stack = new AuditStack(app, 'TestAudit', {
    config: parseAuditConfig(audit),
    projectRoot: PROJECT_ROOT,
    env: { account: ACCOUNT, region: REGION },
  });
  return { stack, template: Template.fromStack(stack) };
}

export type CfnResource = { Type: string; Properties: Record<string, unknown> };

/** The only resource of a type (fails when there are more or none). */
export function onlyResource(template: Template, type: string): CfnResource {
  const resources = Object.values(template.findResources(type)) as CfnResource[];
  if (resources.length !== 1) throw new Error(`expected one ${type}, found ${resources.length}`);
  const [resource] = resources;
  if (resource === undefined) throw new Error(`no ${type}`);
  return resource;
}

export interface PolicyStatementJson {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
  Condition?: unknown;
}

/** Every statement of the IAM policies attached to the role whose logical id starts with the prefix. */
export function statementsOfRole(template: Template, rolePrefix: string): PolicyStatementJson[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: PolicyStatementJson[] } };
  }[];
  return policies
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref.startsWith(rolePrefix)))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** The actions each statement grants, flattened and sorted. */
export function actionsOf(statements: readonly PolicyStatementJson[]): string[] {
  return statements.flatMap((statement) => [statement.Action].flat()).sort();
}
