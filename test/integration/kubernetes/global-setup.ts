import { applyRbac, installStandInCrds } from './support/fixtures';
import { KubeClient } from './support/kube-admin';
import { shareCluster, startCluster } from './support/test-cluster';

/** One shared cluster (etcd + kube-apiserver, no controller) for the reader and RBAC tests; e2e tests start their own. */
export default async function globalSetup(): Promise<void> {
  const cluster = await startCluster();
  const admin = await KubeClient.fromKubeconfig(cluster.adminKubeconfig);
  await installStandInCrds(admin);
  await applyRbac(admin);
  shareCluster('kubernetes', cluster);
}
