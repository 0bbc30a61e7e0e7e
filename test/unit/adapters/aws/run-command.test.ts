import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { NodeCollectionError } from '#engine';
import { createNodeUploadPolicy, encodePostFields } from '#adapters/s3/presigned-post';
import { batchParameters, RunCommand, type BatchCommandRequest } from '#adapters/ssm/run-command';
import { accepts, YAML_TEXT, type ParameterName } from '../../ssm-documents/document';

const ssm = mockClient(SSMClient);
const DOCUMENT = { name: 'NetpolAudit-Collector', version: '3' };

function instanceIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `i-${index.toString(16).padStart(17, '0')}`);
}

function request(overrides: Partial<BatchCommandRequest> = {}): BatchCommandRequest {
  return {
    document: DOCUMENT,
    instanceIds: ['i-0123456789abcdef0', 'i-0123456789abcdef1'],
    postUrl: 'https://audit-reports.s3.eu-west-1.amazonaws.com/',
    postFields: 'YnVja2V0PWF1ZGl0LXJlcG9ydHM=',
    collectorTimeoutSeconds: 120,
    comment: 'netpol-audit run-1 prod-a batch 0',
    ...overrides,
  };
}

beforeEach(() => {
  ssm.reset();
});

describe('RunCommand.sendBatch', () => {
  it('sends one SendCommand with the pinned document version, explicit instance ids and the POST parameters', async () => {
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
    await expect(new RunCommand(new SSMClient({ region: 'eu-west-1' })).sendBatch(request())).resolves.toBe('cmd-1');
    const calls = ssm.commandCalls(SendCommandCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      DocumentName: 'NetpolAudit-Collector',
      DocumentVersion: '3',
      InstanceIds: ['i-0123456789abcdef0', 'i-0123456789abcdef1'],
      Parameters: {
        UploadUrl: ['none'],
        PostUrl: ['https://audit-reports.s3.eu-west-1.amazonaws.com/'],
        PostFields: ['YnVja2V0PWF1ZGl0LXJlcG9ydHM='],
        NodeName: ['auto'],
        TimeoutSeconds: ['120'],
        IncludeAgentLog: ['false'],
      },
      TimeoutSeconds: 600,
      MaxConcurrency: '50',
      MaxErrors: '100%',
      Comment: 'netpol-audit run-1 prod-a batch 0',
    });
  });

  it('refuses an empty batch and one over 50 instances without calling SSM', async () => {
    const runCommand = new RunCommand(new SSMClient({ region: 'eu-west-1' }));
    await expect(runCommand.sendBatch(request({ instanceIds: [] }))).rejects.toThrow(RangeError);
    await expect(runCommand.sendBatch(request({ instanceIds: instanceIds(51) }))).rejects.toThrow(RangeError);
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(0);
  });

  it('turns an SSM failure into a NodeCollectionError naming the instances', async () => {
    ssm
      .on(SendCommandCommand)
      .rejects(Object.assign(new Error('document version 3 not found'), { name: 'InvalidDocumentVersion' }));
    await expect(new RunCommand(new SSMClient({ region: 'eu-west-1' })).sendBatch(request())).rejects.toThrow(
      new NodeCollectionError(
        'i-0123456789abcdef0,i-0123456789abcdef1',
        'SendCommand failed (InvalidDocumentVersion: document version 3 not found)',
      ),
    );
  });
});

describe('a full 50-instance batch', () => {
  it('has parameters every document pattern accepts, and the document plus its parameters stay within 64 KB (aws.md A3.1)', async () => {
    const s3 = new S3Client({
      region: 'ap-southeast-5',
      credentials: {
        accessKeyId: 'ASIAEXAMPLEEXAMPLE12',
        secretAccessKey: 's'.repeat(40),
        sessionToken: 'T'.repeat(1400),
      },
    });
    const policy = await createNodeUploadPolicy(s3, {
      bucket: 'b'.repeat(63),
      keyPrefix: `runs/${'r'.repeat(80)}/${'c'.repeat(100)}/nodes/`,
      expiresSeconds: 900,
    });
    const parameters = batchParameters(
      request({ instanceIds: instanceIds(50), postUrl: policy.url, postFields: encodePostFields(policy.fields) }),
    );
    for (const [name, [value]] of Object.entries(parameters))
      expect([name, accepts(name as ParameterName, value ?? '')]).toEqual([name, true]);
    const parameterBytes = Object.entries(parameters).reduce(
      (sum, [name, values]) => sum + name.length + values.join('').length,
      0,
    );
    const total = Buffer.byteLength(YAML_TEXT) + parameterBytes;
    expect(total).toBeLessThanOrEqual(64 * 1024);
    // One policy for the batch: the parameter size does not depend on how many instances it has.
    const single = batchParameters(
      request({ instanceIds: instanceIds(1), postUrl: policy.url, postFields: encodePostFields(policy.fields) }),
    );
    expect(single).toEqual(parameters);
  });
});

describe('RunCommand.onlineInstances', () => {
  it('asks DescribeInstanceInformation for the instance ids, 50 per call, and keeps the Online ones', async () => {
    ssm.on(DescribeInstanceInformationCommand).callsFake((input: { Filters: { Values: string[] }[] }) => ({
      InstanceInformationList: (input.Filters[0]?.Values ?? []).map((id, index) => ({
        InstanceId: id,
        PingStatus: index === 0 ? 'ConnectionLost' : 'Online',
      })),
    }));
    const ids = instanceIds(60);
    const online = await new RunCommand(new SSMClient({ region: 'eu-west-1' })).onlineInstances(ids);
    const calls = ssm.commandCalls(DescribeInstanceInformationCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.Filters?.[0]?.Values?.length)).toEqual([50, 10]);
    expect(calls[0]?.Filters?.[0]?.Key).toBe('InstanceIds');
    expect(online.size).toBe(58);
    expect(online.has(ids[0] ?? '')).toBe(false);
    expect(online.has(ids[50] ?? '')).toBe(false);
  });
});

describe('RunCommand.invocation', () => {
  it('returns status and output, and a failure of the call as status Unknown with the reason', async () => {
    ssm
      .on(GetCommandInvocationCommand, { CommandId: 'cmd-1', InstanceId: 'i-1' })
      .resolves({
        Status: 'Failed',
        StatusDetails: 'Failed',
        StandardOutputContent: 'out',
        StandardErrorContent: 'err',
      })
      .on(GetCommandInvocationCommand, { CommandId: 'cmd-1', InstanceId: 'i-2' })
      .rejects(Object.assign(new Error('no invocation'), { name: 'InvocationDoesNotExist' }));
    const runCommand = new RunCommand(new SSMClient({ region: 'eu-west-1' }));
    await expect(runCommand.invocation('cmd-1', 'i-1')).resolves.toEqual({
      status: 'Failed',
      statusDetails: 'Failed',
      stdout: 'out',
      stderr: 'err',
    });
    await expect(runCommand.invocation('cmd-1', 'i-2')).resolves.toEqual({
      status: 'Unknown',
      statusDetails: 'GetCommandInvocation failed (InvocationDoesNotExist: no invocation)',
      stdout: '',
      stderr: '',
    });
  });
});
