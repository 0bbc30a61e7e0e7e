import { readFileSync } from 'node:fs';
import * as eks from 'aws-cdk-lib/aws-eks';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

/** The read-only RBAC the Kubernetes reader needs; its ClusterRoleBinding names the group. */
export const RBAC_FILE = 'k8s/rbac.yaml';

const bindingSchema = z.looseObject({
  kind: z.literal('ClusterRoleBinding'),
  subjects: z.array(z.looseObject({ kind: z.string(), name: z.string() })),
});

/** The Kubernetes group that k8s/rbac.yaml binds to its read-only ClusterRole. */
export function auditorGroupFromRbac(file: string = RBAC_FILE): string {
  const bindings = parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => bindingSchema.safeParse(document.toJS()))
    .flatMap((parsed) => (parsed.success ? [parsed.data] : []));
  const groups = bindings.flatMap((binding) => binding.subjects.filter((s) => s.kind === 'Group').map((s) => s.name));
  const [group, ...others] = groups;
  if (group === undefined || others.length > 0) {
    throw new Error(`${file}: expected exactly one Group subject in its ClusterRoleBinding, found ${groups.length}`);
  }
  return group;
}

export interface ClusterAccessProps {
  readonly clusterNames: readonly string[];
  readonly readerRole: iam.IRole;
  /**
   * The role of collect-nodes-exec (`nodeCollection.collector: exec`), in the same group: k8s/rbac-exec.yaml grants
   * that group `pods/exec` in kube-system. @default none
   */
  readonly nodeExecRole?: iam.IRole | undefined;
  /** The RBAC manifest whose ClusterRoleBinding names the group. @default RBAC_FILE */
  readonly rbacFile?: string;
}

/**
 * One EKS access entry per configured cluster for the role of the Kubernetes reader (and one for the exec
 * collector's role when it is on), with the Kubernetes group of k8s/rbac.yaml and no access policy: the cluster's
 * RBAC (`kubectl apply` of k8s/rbac.yaml, and of k8s/rbac-exec.yaml for exec) decides what it may do.
 */
export class ClusterAccess extends Construct {
  readonly kubernetesGroup: string;
  readonly entries: eks.CfnAccessEntry[];

  constructor(scope: Construct, id: string, props: ClusterAccessProps) {
    super(scope, id);
    const group = auditorGroupFromRbac(props.rbacFile);
    this.kubernetesGroup = group;
    const entry = (id: string, clusterName: string, role: iam.IRole): eks.CfnAccessEntry =>
      new eks.CfnAccessEntry(this, id, {
        clusterName,
        principalArn: role.roleArn,
        type: 'STANDARD',
        kubernetesGroups: [group],
      });
    const { nodeExecRole } = props;
    this.entries = props.clusterNames.flatMap((clusterName) => [
      entry(`Entry-${clusterName}`, clusterName, props.readerRole),
      ...(nodeExecRole === undefined ? [] : [entry(`ExecEntry-${clusterName}`, clusterName, nodeExecRole)]),
    ]);
  }
}
