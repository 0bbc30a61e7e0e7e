/**
 * The node tier's lab cluster (node-collector/audit-cluster.ts) as the exec collector needs it: aws-node pods with
 * the DaemonSet's containers (the collector execs into `aws-eks-nodeagent` and reads the agent version from its
 * image tag) instead of the lab's one-container stand-in.
 */
import { AGENT_CONTAINER } from '#adapters/kubernetes-exec/exec-node-collector';
import { NA_CLI_PATH } from '#engine';
import { z } from 'zod';
import type { KubeObject } from '../kubernetes/support/kube-admin';
import { AGENT_VERSION, clusterDocuments } from '../node-collector/audit-cluster';
import type { AuditLab } from '../node-collector/audit-lab';
import { realNaCliPath } from '../node-collector/prerequisites';
import { startKubeletStandIn, type KubeletStandIn } from './kubelet-standin';

/** The lab node's aws-node pod of audit-cluster.ts. */
export const LAB_AWS_NODE = 'aws-node-4xk8r';

export function awsNodePod(name: string, nodeName: string, nodeIp: string): KubeObject {
  const registry = '602401143452.dkr.ecr.us-east-1.amazonaws.com';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kube-system', labels: { 'k8s-app': 'aws-node' } },
    spec: {
      nodeName,
      hostNetwork: true,
      containers: [
        { name: 'aws-node', image: `${registry}/amazon-k8s-cni:v1.23.0-eksbuild.1` },
        { name: AGENT_CONTAINER, image: `${registry}/amazon/aws-network-policy-agent:${AGENT_VERSION}-eksbuild.1` },
      ],
    },
    status: { phase: 'Running', hostIP: nodeIp, podIP: nodeIp, podIPs: [{ ip: nodeIp }] },
  };
}

const kubeList = z.looseObject({ items: z.array(z.looseObject({ metadata: z.looseObject({ name: z.string() }) })) });

/** audit-cluster.ts's documents, the lab's aws-node pod replaced by `pods`. */
export function labDocumentsWith(pods: readonly KubeObject[]): { source: string; content: unknown }[] {
  return clusterDocuments().map(({ source, content }) => {
    const list = kubeList.safeParse(content);
    if (!list.success) return { source, content };
    const items = list.data.items.filter((item) => item.metadata.name !== LAB_AWS_NODE);
    return {
      source,
      content: { ...list.data, items: items.length === list.data.items.length ? items : [...items, ...pods] },
    };
  });
}

/** The lab node's kubelet: runs the real aws-eks-na-cli in the lab's namespaces for the lab's aws-node pod. */
export function startLabKubelet(standIns: string, certDir: string, auditLab: AuditLab): Promise<KubeletStandIn> {
  return startKubeletStandIn({
    standIns,
    certDir,
    pod: { namespace: 'kube-system', name: LAB_AWS_NODE },
    container: AGENT_CONTAINER,
    paths: { [NA_CLI_PATH]: realNaCliPath(AGENT_VERSION) },
    namespacesOf: auditLab.lab.holderPid,
  });
}
