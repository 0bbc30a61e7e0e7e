import type { KubeConfig } from '@kubernetes/client-node';
import { ClientNodePodExec, clientNodeExec } from '#adapters/kubernetes-exec/client-node-exec';
import { collectNodesByExec } from '#adapters/kubernetes-exec/exec-node-collector';
import type { PodExec } from '#adapters/kubernetes-exec/pod-exec';
import type { ClusterInventory, NotCollectedNode, RawNodeOutput } from '#engine';
import { focusOf, nodesToCollect, type NodeNarrowing } from './node-targets';
import type { ProgressReporter } from './progress';

export interface ExecNodeCollection {
  readonly outputs: RawNodeOutput[];
  readonly notCollected: NotCollectedNode[];
  readonly skipped: NotCollectedNode[];
}

/** The production port: client-node's Exec over the kubeconfig the audit reads the cluster with. */
export function podExecOf(kubeConfig: () => Promise<KubeConfig>): PodExec {
  return new ClientNodePodExec(clientNodeExec(kubeConfig));
}

/**
 * `--collect-nodes exec`: the nodes `--nodes/--pods/--namespaces` leave, each collected through `pods/exec` into its
 * aws-node pod (k8s/rbac-exec.yaml); a step line per node, with `--verbose` what became of each.
 */
export async function collectNodesByExecFromCli(
  exec: PodExec,
  inventory: ClusterInventory,
  flags: NodeNarrowing,
  progress: ProgressReporter,
): Promise<ExecNodeCollection> {
  const pick = nodesToCollect(inventory, focusOf(flags), flags.nodes, progress);
  const names = pick.instances.map((instance) => instance.nodeName);
  progress.note(`collecting ${String(names.length)} node(s) by exec into their aws-node pods (aws-eks-nodeagent)`);
  let done = 0;
  const { outputs, notCollected } = await collectNodesByExec(exec, inventory, names, {
    onNode: (nodeName, outcome) => {
      done += 1;
      progress.step(`collecting nodes by exec: ${String(done)}/${String(names.length)} finished`);
      progress.detail(`node ${nodeName}: ${'files' in outcome ? 'collected' : outcome.reason}`);
    },
  });
  for (const node of pick.skipped) progress.detail(`node ${node.nodeName}: skipped: ${node.reason}`);
  return { outputs, notCollected, skipped: [...pick.skipped] };
}
