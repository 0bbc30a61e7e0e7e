import { InvalidArgumentError, Option } from 'commander';
import { openLiveCluster, type LiveCluster } from '#adapters/kubernetes/live-cluster';
import { READ_RESOURCES } from '#adapters/kubernetes/resources';
import { InputError, type ClusterInventory } from '#engine';

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

type UnavailableKinds = ClusterInventory['unavailableKinds'];

/**
 * An identity that may read none of the kinds is a set-up error (exit 2, the permission named), not a cluster with
 * findings: the audit would have nothing to say about the cluster.
 */
export function requireSomeReadAccess(unavailable: UnavailableKinds): void {
  const forbidden = unavailable.filter((entry) => entry.cause === 'forbidden');
  if (forbidden.length < READ_RESOURCES.length) return;
  const first = forbidden.find((entry) => entry.kind === 'Pod') ?? forbidden[0];
  throw new InputError(
    `the identity may read none of the ${READ_RESOURCES.length} kinds the audit needs (${first?.reason ?? 'HTTP 403'}); bind it to the group of k8s/rbac.yaml`,
  );
}
