import { stopSharedCluster } from '../kubernetes/support/test-cluster';

export default async function globalTeardown(): Promise<void> {
  await stopSharedCluster('controller');
}
