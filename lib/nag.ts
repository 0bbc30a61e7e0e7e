import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { z } from 'zod';

/**
 * cdk-nag 3 acknowledges each IAM5 finding by its own id (`AwsSolutions-IAM5[Resource::...]`); these helpers spell
 * those ids so that every acknowledgement sits next to the grant it concerns.
 */
export function acknowledgeWildcardResources(scope: IConstruct, resources: readonly string[], reason: string): void {
  for (const resource of resources) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${inFinding(scope, resource)}]`, reason });
  }
}

const reference = z.union([
  z.strictObject({ Ref: z.string() }),
  z.strictObject({ 'Fn::GetAtt': z.tuple([z.string(), z.string()]) }),
]);
const joined = z.strictObject({ 'Fn::Join': z.tuple([z.literal(''), z.array(z.union([z.string(), reference]))]) });

/** How cdk-nag renders a value with tokens in a finding id: `<AWS::Region>`, `<Logical.Arn>`. */
export function inFinding(scope: IConstruct, value: string): string {
  const resolved: unknown = Stack.of(scope).resolve(value);
  if (typeof resolved === 'string') return resolved;
  const parts = joined.parse(resolved)['Fn::Join'][1];
  return parts.map((part) => (typeof part === 'string' ? part : renderReference(part))).join('');
}

function renderReference(part: z.infer<typeof reference>): string {
  return 'Ref' in part ? `<${part.Ref}>` : `<${part['Fn::GetAtt'].join('.')}>`;
}
