import { InvalidArgumentError, Option } from 'commander';
import { openLiveCluster, type LiveCluster } from '#adapters/kubernetes/live-cluster';
import { InputError } from '#engine';

export interface LiveFlags {
  kubeconfig?: string;
  context?: string;
  clusterName?: string;
  pageSize?: number;
}

function parsePageSize(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 10_000)
    throw new InvalidArgumentError('expected an integer from 1 to 10000');
  return parsed;
}

/** The options that select a live cluster; shared by `audit` and `snapshot`. */
export function liveOptions(): Option[] {
  return [
    new Option('--kubeconfig <file>', 'read the cluster live through this kubeconfig (needs k8s/rbac.yaml)'),
    new Option('--context <name>', 'kubeconfig context (default: its current context)'),
    new Option('--cluster-name <name>', "cluster name in the report (default: the context's cluster name)"),
    new Option('--page-size <n>', 'objects per list request').default(500).argParser(parsePageSize),
  ];
}

export function requireKubeconfigFor(flags: LiveFlags): void {
  if (flags.kubeconfig === undefined && flags.context !== undefined)
    throw new InputError('--context needs --kubeconfig');
  if (flags.kubeconfig === undefined && flags.clusterName !== undefined)
    throw new InputError('--cluster-name needs --kubeconfig');
}

export function openLive(flags: LiveFlags & { kubeconfig: string }): Promise<LiveCluster> {
  return openLiveCluster({
    kubeconfigPath: flags.kubeconfig,
    ...(flags.context === undefined ? {} : { context: flags.context }),
    ...(flags.clusterName === undefined ? {} : { clusterName: flags.clusterName }),
    reader: { pageSize: flags.pageSize ?? 500 },
  });
}
