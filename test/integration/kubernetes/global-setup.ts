import { join } from 'node:path';
import { applyRbac, installStandInCrds } from './support/fixtures';
import { KubeClient } from './support/kube-admin';
import { startCluster } from './support/test-cluster';

/** One shared cluster (etcd + kube-apiserver, no controller) for the reader and RBAC tests; e2e tests start their own. */
export default async function globalSetup(): Promise<void> {
  const cluster = await startCluster();
  const admin = await KubeClient.fromKubeconfig(cluster.adminKubeconfig);
  await installStandInCrds(admin);
  await applyRbac(admin);
  const envFile = join(cluster.stateDir, 'cluster.env');
  process.env.NETPOL_AUDIT_IT_CLUSTER_ENV = envFile;
  process.env.NETPOL_AUDIT_IT_CLUSTER_STATE = cluster.stateDir;
}
