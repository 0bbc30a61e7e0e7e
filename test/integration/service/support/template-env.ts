import type { Template } from 'aws-cdk-lib/assertions';
import { z } from 'zod';
import { ACCOUNT, REGION } from '../../../infra/support/synth';

type Value =
  | string
  | { Ref: string }
  | { 'Fn::GetAtt': [string, string] }
  | { 'Fn::Join': [string, Value[]] }
  | { 'Fn::FindInMap': [string, Value, Value] };
const Value: z.ZodType<Value> = z.lazy(() =>
  z.union([
    z.string(),
    z.strictObject({ Ref: z.string() }),
    z.strictObject({ 'Fn::GetAtt': z.tuple([z.string(), z.string()]) }),
    z.strictObject({ 'Fn::Join': z.tuple([z.string(), z.array(Value)]) }),
    z.strictObject({ 'Fn::FindInMap': z.tuple([z.string(), Value, Value]) }),
  ]),
);
const FunctionResource = z.object({
  Properties: z.object({ Environment: z.object({ Variables: z.record(z.string(), Value) }) }),
});

const PSEUDO: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
};

export interface Deployed {
  /** What `Ref` of a logical id is once deployed (bucket name, topic ARN, document name). */
  readonly refs: Readonly<Record<string, string>>;
  /** `<logical id>.<attribute>` -> value. */
  readonly attributes: Readonly<Record<string, string>>;
  /** The template's Mappings (for Fn::FindInMap). */
  readonly mappings?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, string>>>>>>;
}

function resolve(value: Value, deployed: Deployed): string {
  if (typeof value === 'string') return value;
  if ('Ref' in value) {
    const resolved = PSEUDO[value.Ref] ?? deployed.refs[value.Ref];
    if (resolved === undefined) throw new Error(`no deployed value for Ref ${value.Ref}`);
    return resolved;
  }
  if ('Fn::GetAtt' in value) {
    const [id, attribute] = value['Fn::GetAtt'];
    const resolved = deployed.attributes[`${id}.${attribute}`];
    if (resolved === undefined) throw new Error(`no deployed value for ${id}.${attribute}`);
    return resolved;
  }
  if ('Fn::FindInMap' in value) {
    const [mapping, key, attribute] = value['Fn::FindInMap'];
    const resolved = deployed.mappings?.[mapping]?.[resolve(key, deployed)]?.[resolve(attribute, deployed)];
    if (resolved === undefined) throw new Error(`no mapping value ${mapping}.${JSON.stringify(key)}`);
    return resolved;
  }
  const [separator, parts] = value['Fn::Join'];
  return parts.map((part) => resolve(part, deployed)).join(separator);
}

/** The environment a function of the synthesized template gets, its tokens resolved against the local "deployment". */
export function functionEnvironment(template: Template, logicalId: string, deployed: Deployed): Record<string, string> {
  const resource = FunctionResource.parse(templateResource(template, logicalId));
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(resource.Properties.Environment.Variables))
    environment[name] = resolve(value, deployed);
  return environment;
}

/** The logical id of the only resource of a type whose id is `<construct path>` + the 8-hex-digit CDK suffix. */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
  const [id] = ids;
  if (ids.length !== 1 || id === undefined) throw new Error(`expected one ${type} ${prefix}*, found ${ids.length}`);
  return id;
}

const Resources = z.object({ Resources: z.record(z.string(), z.unknown()) });
const Mappings = z.object({
  Mappings: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.string()))).default({}),
});

export function templateMappings(template: Template): Record<string, Record<string, Record<string, string>>> {
  return Mappings.parse(template.toJSON()).Mappings;
}

export function templateResource(template: Template, logicalId: string): unknown {
  return Resources.parse(template.toJSON()).Resources[logicalId];
}
