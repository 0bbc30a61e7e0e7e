import { STACK_OUTPUTS } from '../../lib/audit-stack';
import { RUN_STACK_OUTPUTS } from '../../lambdas/shared/service/stack-outputs';
import { synthStack } from './support/synth';

const { template } = synthStack({ clusters: { names: ['prod-a'] } });

function logicalIdOf(type: string): string {
  const ids = Object.keys(template.findResources(type));
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return ids[0] ?? '';
}

describe('the stack outputs netpol-audit run reads', () => {
  it('declares the state machine ARN and the reports bucket under the names the CLI looks up', () => {
    const outputs = template.findOutputs('*');

    expect(outputs[RUN_STACK_OUTPUTS.stateMachineArn]).toEqual({
      Value: { Ref: logicalIdOf('AWS::StepFunctions::StateMachine') },
    });
    const reportsBucket = Object.entries(template.findResources('AWS::S3::Bucket')).find(
      ([id]) => id.startsWith('Reports') && !id.includes('AccessLog'),
    );
    expect(outputs[RUN_STACK_OUTPUTS.reportsBucketName]).toEqual({ Value: { Ref: reportsBucket?.[0] } });
  });

  it('keeps the CLI names and the stack names the same', () => {
    expect(RUN_STACK_OUTPUTS).toEqual({
      stateMachineArn: STACK_OUTPUTS.stateMachineArn,
      reportsBucketName: STACK_OUTPUTS.reportsBucketName,
    });
  });
});
