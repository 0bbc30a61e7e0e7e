/**
 * The outputs of the audit stack that `netpol-audit run --stack` reads. lib/audit-stack.ts declares them (lib/ may
 * not import runtime code); test/infra/stack-outputs.test.ts holds the two to the same names.
 */
export const RUN_STACK_OUTPUTS = {
  stateMachineArn: 'StateMachineArn',
  reportsBucketName: 'ReportsBucketName',
} as const;
