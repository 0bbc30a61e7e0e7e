import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { z } from 'zod';

const DIR = join(__dirname, '../../../ssm-documents');
const YAML_TEXT = readFileSync(join(DIR, 'collect-node-policy-state.yaml'), 'utf8');
const SCRIPT_TEXT = readFileSync(join(DIR, 'collect-node-policy-state.sh'), 'utf8');
const PARAMETER_NAMES = ['UploadUrl', 'NodeName', 'TimeoutSeconds', 'IncludeAgentLog'] as const;
type ParameterName = (typeof PARAMETER_NAMES)[number];
const MAX_COLLECTOR_SECONDS = 600;

const parameterSchema = z.strictObject({
  type: z.literal('String'),
  description: z.string().min(1),
  default: z.string().optional(),
  minChars: z.number().int().optional(),
  maxChars: z.number().int().optional(),
  allowedValues: z.array(z.string()).optional(),
  allowedPattern: z.string().startsWith('^').endsWith('$'),
});

const documentSchema = z.strictObject({
  schemaVersion: z.literal('2.2'),
  description: z.string().min(1),
  parameters: z.strictObject({
    UploadUrl: parameterSchema,
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

const document = documentSchema.parse(parse(YAML_TEXT));

function accepts(name: ParameterName, value: string): boolean {
  return new RegExp(document.parameters[name].allowedPattern).test(value);
}

const PRESIGNED =
  'https://audit-bucket.s3.us-east-1.amazonaws.com/runs/2026-11-26/i-0abc/bundle.tar.gz' +
  '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAEXAMPLE%2F20261126%2Fus-east-1%2Fs3%2Faws4_request' +
  '&X-Amz-Date=20261126T120000Z&X-Amz-Expires=900&X-Amz-Security-Token=IQoJb3JpZ2luX2VjE%2B%2F%3D' +
  '&X-Amz-SignedHeaders=host&X-Amz-Signature=0123456789abcdef';

const DANGEROUS = ["'", '"', '`', '$', ' ', '\n', '\r', '\t', '\\', ';', '|', '<', '>', '(', ')', '{', '}', '*', '#'];

describe('collect-node-policy-state SSM document', () => {
  test('embeds collect-node-policy-state.sh verbatim as its only command', () => {
    // Assess
    expect(document.mainSteps[0].inputs.runCommand[0]).toBe(SCRIPT_TEXT);
    expect(Buffer.byteLength(YAML_TEXT)).toBeLessThan(64 * 1024);
  });

  test('uses {{ }} only in one single-quoted assignment per parameter at the top of the script', () => {
    // Prepare
    const lines = YAML_TEXT.split('\n');
    const braceLines = lines.filter((line) => line.includes('{{') || line.includes('}}'));
    const firstCommandLine = lines.findIndex((line) => /^\s+[A-Z_]+=/.test(line));

    // Assess
    expect(braceLines.map((line) => line.trim())).toEqual([
      "UPLOAD_URL='{{ UploadUrl }}'",
      "NODE_NAME='{{ NodeName }}'",
      "TIMEOUT_SECONDS='{{ TimeoutSeconds }}'",
      "INCLUDE_AGENT_LOG='{{ IncludeAgentLog }}'",
    ]);
    expect(lines.indexOf(braceLines[0] ?? '')).toBe(firstCommandLine);
    expect(SCRIPT_TEXT.match(/\{\{/g)).toHaveLength(PARAMETER_NAMES.length);
  });

  test.each([
    ['none'],
    [PRESIGNED],
    ['https://s3.eu-west-1.amazonaws.com/audit-bucket/k.tar.gz?X-Amz-Signature=ab'],
    ['https://audit.s3.cn-north-1.amazonaws.com.cn/k.tar.gz?X-Amz-Signature=ab'],
  ])('UploadUrl accepts %s', (value) => {
    expect(accepts('UploadUrl', value)).toBe(true);
  });

  test.each([
    ["https://b.s3.amazonaws.com/k?x='; rm -rf / #"],
    ['https://b.s3.amazonaws.com/$(id)'],
    ['https://b.s3.amazonaws.com/`id`'],
    ['https://b.s3.amazonaws.com/a b'],
    ['https://b.s3.amazonaws.com/a\nb'],
    ['https://b.s3.amazonaws.com/k"'],
    ['https://b.s3.amazonaws.com/k;id'],
    ['http://b.s3.amazonaws.com/k'],
    ['http://127.0.0.1:8080/k'],
    ['https://evil.example.com/k'],
    ['https://b.s3.amazonaws.com.evil.example/k'],
    ['https://evil.example/.amazonaws.com/k'],
    ['https://b.s3.amazonaws.com@evil.example/k'],
    ['https://b.s3.amazonaws.com:8443/k'],
    ['file:///etc/passwd'],
    ['NONE'],
    ['none; id'],
    [''],
  ])('UploadUrl rejects %j', (value) => {
    expect(accepts('UploadUrl', value)).toBe(false);
  });

  test.each([['ip-10-0-1-25.ec2.internal'], ['node1'], ['a'], ['i-0123456789abcdef0']])(
    'NodeName accepts %s',
    (value) => {
      expect(accepts('NodeName', value)).toBe(true);
    },
  );

  test.each([
    ['Node1'],
    ['-a'],
    ['a-'],
    ['a..b'],
    ["a'b"],
    ['a b'],
    ['a$(id)'],
    ['a`id`'],
    ['a\nb'],
    ['a/b'],
    ['../etc'],
    [''],
    ['x'.repeat(64)],
  ])('NodeName rejects %j', (value) => {
    expect(accepts('NodeName', value)).toBe(false);
  });

  test('TimeoutSeconds accepts exactly 30..600 and the step timeout covers it', () => {
    // Act
    const accepted = Array.from({ length: 2000 }, (_, i) => i).filter((i) => accepts('TimeoutSeconds', String(i)));

    // Assess
    expect(accepted[0]).toBe(30);
    expect(accepted.at(-1)).toBe(MAX_COLLECTOR_SECONDS);
    expect(accepted).toHaveLength(MAX_COLLECTOR_SECONDS - 30 + 1);
    for (const bad of ['030', '60 ', ' 60', '6e1', '60\n', '-60', '$(id)', ''])
      expect(accepts('TimeoutSeconds', bad)).toBe(false);
    expect(document.mainSteps[0].inputs.timeoutSeconds).toBeGreaterThan(MAX_COLLECTOR_SECONDS);
    expect(accepts('TimeoutSeconds', document.parameters.TimeoutSeconds.default ?? '')).toBe(true);
  });

  test('IncludeAgentLog accepts only true and false', () => {
    // Assess
    expect(['true', 'false'].map((v) => accepts('IncludeAgentLog', v))).toEqual([true, true]);
    for (const bad of ['True', 'yes', '1', 'true\n', "true'", '']) expect(accepts('IncludeAgentLog', bad)).toBe(false);
    expect(document.parameters.IncludeAgentLog.allowedValues).toEqual(['true', 'false']);
  });

  test('no parameter accepts a value with a quote, $, backtick, whitespace or another shell metacharacter', () => {
    // Assess
    fc.assert(
      fc.property(
        fc.constantFrom(...PARAMETER_NAMES),
        fc.string({ maxLength: 20 }),
        fc.constantFrom(...DANGEROUS),
        fc.string({ maxLength: 20 }),
        (name, before, dangerous, after) => !accepts(name, `${before}${dangerous}${after}`),
      ),
      { numRuns: 2000 },
    );
  });

  test('every default satisfies its own pattern and NodeName has no default', () => {
    // Assess
    expect(document.parameters.NodeName.default).toBeUndefined();
    for (const name of ['UploadUrl', 'TimeoutSeconds', 'IncludeAgentLog'] as const) {
      expect([name, accepts(name, document.parameters[name].default ?? '')]).toEqual([name, true]);
    }
  });
});
