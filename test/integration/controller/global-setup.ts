import { shareCluster, startCluster } from '../kubernetes/support/test-cluster';

/**
 * One cluster for the tier: etcd + kube-apiserver + the real network policy controller v1.1.7 (built from
 * ../shared/upstream by scripts/build-test-components.sh np-controller). Chunks of 3 entries, so that chunking and
 * the per-chunk combine step are exercised. Fails loudly when a binary is missing.
 */
export default async function globalSetup(): Promise<void> {
  const cluster = await startCluster({ controller: 'required', controllerArgs: '--endpoint-chunk-size=3' });
  shareCluster('controller', cluster);
}
