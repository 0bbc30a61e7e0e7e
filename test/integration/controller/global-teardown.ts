import { stopCluster } from '../kubernetes/support/test-cluster';

export default async function globalTeardown(): Promise<void> {
  const stateDir = process.env.NETPOL_AUDIT_IT_CLUSTER_STATE;
  if (stateDir !== undefined) await stopCluster(stateDir);
}
