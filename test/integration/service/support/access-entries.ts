import type { Template } from 'aws-cdk-lib/assertions';
import { z } from 'zod';
import { ACCOUNT } from '../../../infra/support/synth';
import type { AccessEntry } from './eks-authenticator';

export type { AccessEntry };

const AccessEntryResource = z.object({
  Properties: z.object({
    ClusterName: z.string(),
    PrincipalArn: z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.literal('Arn')]) }),
    KubernetesGroups: z.array(z.string()),
  }),
});

/** Whose entry: the Kubernetes reader's role (`Entry-<cluster>`) or collect-nodes-exec's (`ExecEntry-<cluster>`). */
export type AccessEntryRole = 'reader' | 'exec';

/** The synthesized stack's access entry of a cluster for a role, the role named after its logical id. */
export function accessEntryOf(template: Template, clusterName: string, role: AccessEntryRole): AccessEntry {
  const isExec = (logicalId: string): boolean => logicalId.includes('ExecEntry');
  const entries = Object.entries(template.findResources('AWS::EKS::AccessEntry'))
    .filter(([logicalId]) => isExec(logicalId) === (role === 'exec'))
    .map(([, resource]) => AccessEntryResource.parse(resource));
  const entry = entries.find((candidate) => candidate.Properties.ClusterName === clusterName);
  if (entry === undefined) throw new Error(`the stack has no ${role} access entry for ${clusterName}`);
  const roleId = entry.Properties.PrincipalArn['Fn::GetAtt'][0];
  return {
    principalArn: `arn:aws:iam::${ACCOUNT}:role/${roleId}`,
    username: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleId}/{{SessionName}}`,
    groups: entry.Properties.KubernetesGroups,
  };
}
