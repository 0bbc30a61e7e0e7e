import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const DOCUMENT_DIR = join(__dirname, '../../../ssm-documents');
export const YAML_TEXT = readFileSync(join(DOCUMENT_DIR, 'collect-node-policy-state.yaml'), 'utf8');
export const SCRIPT_PATH = join(DOCUMENT_DIR, 'collect-node-policy-state.sh');
export const SCRIPT_TEXT = readFileSync(SCRIPT_PATH, 'utf8');
export const PARAMETER_NAMES = [
  'UploadUrl',
  'PostUrl',
  'PostFields',
  'NodeName',
  'TimeoutSeconds',
  'IncludeAgentLog',
] as const;
export type ParameterName = (typeof PARAMETER_NAMES)[number];
export const MAX_COLLECTOR_SECONDS = 600;
/** Java's `$` also matches before a final line terminator; this lookahead makes the end strict in Java and JS. */
export const STRICT_END = '$(?![\\s\\S])';

const parameterSchema = z.strictObject({
  type: z.literal('String'),
  description: z.string().min(1),
  default: z.string().optional(),
  interpolationType: z.literal('ENV_VAR'),
  minChars: z.number().int().optional(),
  maxChars: z.number().int().optional(),
  allowedValues: z.array(z.string()).optional(),
  allowedPattern: z.string().startsWith('^').endsWith(STRICT_END),
});

const documentSchema = z.strictObject({
  schemaVersion: z.literal('2.2'),
  description: z.string().min(1),
  parameters: z.strictObject({
    UploadUrl: parameterSchema,
    PostUrl: parameterSchema,
    PostFields: parameterSchema,
    NodeName: parameterSchema,
    TimeoutSeconds: parameterSchema,
    IncludeAgentLog: parameterSchema,
  }),
  mainSteps: z.tuple([
    z.strictObject({
      name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
      action: z.literal('aws:runShellScript'),
      precondition: z.strictObject({ StringEquals: z.tuple([z.literal('platformType'), z.literal('Linux')]) }),
      inputs: z.strictObject({
        timeoutSeconds: z.number().int().min(MAX_COLLECTOR_SECONDS).max(3600),
        runCommand: z.tuple([z.string()]),
      }),
    }),
  ]),
});

export const document = documentSchema.parse(parse(YAML_TEXT));

/** allowedPattern plus minChars/maxChars, the checks SendCommand applies to a value (JS regex semantics). */
export function accepts(name: ParameterName, value: string): boolean {
  const parameter = document.parameters[name];
  if (parameter.minChars !== undefined && value.length < parameter.minChars) return false;
  if (parameter.maxChars !== undefined && value.length > parameter.maxChars) return false;
  return new RegExp(parameter.allowedPattern).test(value);
}

export const PRESIGNED_PUT =
  'https://audit-bucket.s3.us-east-1.amazonaws.com/runs/2026-11-26/i-0abc/bundle.tar.gz' +
  '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAEXAMPLE%2F20261126%2Fus-east-1%2Fs3%2Faws4_request' +
  '&X-Amz-Date=20261126T120000Z&X-Amz-Expires=900&X-Amz-Security-Token=IQoJb3JpZ2luX2VjE%2B%2F%3D' +
  '&X-Amz-SignedHeaders=host&X-Amz-Signature=0123456789abcdef';

const base64Lines = (lines: readonly string[]): string => Buffer.from(lines.join('\n')).toString('base64');

/** Accepted and rejected values per parameter: the JS test, the Java test and the script checks share them. */
export const SAMPLES: Readonly<Record<ParameterName, { accepted: readonly string[]; rejected: readonly string[] }>> = {
  UploadUrl: {
    accepted: [
      'none',
      PRESIGNED_PUT,
      'https://audit-bucket.s3.dualstack.eu-west-1.amazonaws.com/k.tar.gz?X-Amz-Signature=ab',
      'https://audit-bucket.s3.us-gov-west-1.amazonaws.com/k.tar.gz?X-Amz-Signature=ab',
    ],
    rejected: [
      "https://b1.s3.us-east-1.amazonaws.com/k?x='; rm -rf / #",
      'https://b1b.s3.us-east-1.amazonaws.com/$(id)?a=b',
      'https://b1b.s3.us-east-1.amazonaws.com/`id`?a=b',
      'https://b1b.s3.us-east-1.amazonaws.com/a b?a=b',
      'https://b1b.s3.us-east-1.amazonaws.com/k?a=b\n',
      'https://b1b.s3.us-east-1.amazonaws.com/k?a=b\r\n',
      'https://b1b.s3.us-east-1.amazonaws.com/k?a=b\u2028',
      'https://b1b.s3.us-east-1.amazonaws.com/k?a=b;id',
      'http://b1b.s3.us-east-1.amazonaws.com/k?a=b',
      'http://127.0.0.1:8080/k?a=b',
      'https://s3.eu-west-1.amazonaws.com/audit-bucket/k.tar.gz?X-Amz-Signature=ab',
      'https://b1b.s3.amazonaws.com/k?a=b',
      'https://sts.us-east-1.amazonaws.com/k?a=b',
      'https://evil.example.com/k?a=b',
      'https://b1b.s3.us-east-1.amazonaws.com.evil.example/k?a=b',
      'https://evil.example/.s3.us-east-1.amazonaws.com/k?a=b',
      'https://b1b.s3.us-east-1.amazonaws.com@evil.example/k?a=b',
      'https://b1b.s3.us-east-1.amazonaws.com:8443/k?a=b',
      'https://my.bucket.s3.us-east-1.amazonaws.com/k?a=b',
      'https://Bucket.s3.us-east-1.amazonaws.com/k?a=b',
      'https://xn--bucket.s3.us-east-1.amazonaws.com/k?a=b',
      'https://bucket-s3alias.s3.us-east-1.amazonaws.com/k?a=b',
      'https://ab.s3.us-east-1.amazonaws.com/k?a=b',
      `https://${'b'.repeat(64)}.s3.us-east-1.amazonaws.com/k?a=b`,
      'https://audit.s3.cn-north-1.amazonaws.com.cn/k.tar.gz?X-Amz-Signature=ab',
      'https://audit-bucket.s3.us-east-1.amazonaws.com/k.tar.gz',
      'file:///etc/passwd',
      'NONE',
      'none\n',
      'none; id',
      '',
    ],
  },
  PostUrl: {
    accepted: [
      'none',
      'https://audit-bucket.s3.us-east-1.amazonaws.com/',
      'https://audit-bucket.s3.dualstack.ap-southeast-5.amazonaws.com/',
      `https://${'b'.repeat(63)}.s3.dualstack.us-gov-west-1.amazonaws.com/`,
    ],
    rejected: [
      'https://audit-bucket.s3.us-east-1.amazonaws.com',
      'https://audit-bucket.s3.us-east-1.amazonaws.com/key',
      'https://audit-bucket.s3.us-east-1.amazonaws.com/?a=b',
      'https://s3.us-east-1.amazonaws.com/audit-bucket/',
      'https://audit-bucket.s3.amazonaws.com/',
      'https://audit-bucket.s3-accelerate.amazonaws.com/',
      'https://audit-bucket.s3.us-east-1.amazonaws.com/\n',
      'https://evil.example/',
      'https://audit-bucket.s3.us-east-1.amazonaws.com.evil.example/',
      'http://audit-bucket.s3.us-east-1.amazonaws.com/',
      'http://127.0.0.1:4566/audit-bucket/',
      'https://sthree-bucket.s3.us-east-1.amazonaws.com/',
      'https://bucket--ol-s3.s3.us-east-1.amazonaws.com/',
      'https://-bucket.s3.us-east-1.amazonaws.com/',
      'https://bucket-.s3.us-east-1.amazonaws.com/',
      "https://audit-bucket.s3.us-east-1.amazonaws.com/'",
      'none ',
      '',
    ],
  },
  PostFields: {
    accepted: [
      'none',
      base64Lines(['bucket=audit-bucket', 'key=runs/r1/prod-1/nodes/${filename}', 'Policy=eyJ9']),
      'QUJD',
      'QUI=',
      'QQ==',
    ],
    rejected: ['none\n', 'QUJD\n', 'QU JD', 'QUJD;id', "QUJD'", 'QUJD$(id)', '=QUJD', 'QQ===', 'QUJD-_', '', 'Q'],
  },
  NodeName: {
    accepted: ['auto', 'ip-10-0-1-25.ec2.internal', 'node1', 'a', 'i-0123456789abcdef0'],
    rejected: [
      'Node1',
      '-a',
      'a-',
      'a..b',
      "a'b",
      'a b',
      'a$(id)',
      'a`id`',
      'a\nb',
      'node1\n',
      'a/b',
      '../etc',
      '',
      'x'.repeat(64),
    ],
  },
  TimeoutSeconds: {
    accepted: ['30', '120', '599', '600'],
    rejected: ['29', '601', '030', '60 ', ' 60', '6e1', '60\n', '-60', '$(id)', ''],
  },
  IncludeAgentLog: {
    accepted: ['true', 'false'],
    rejected: ['True', 'yes', '1', 'true\n', 'true\r', "true'", ''],
  },
};
