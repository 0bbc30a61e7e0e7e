import { stopSharedCluster } from './support/test-cluster';

export default async function globalTeardown(): Promise<void> {
  await stopSharedCluster('kubernetes');
}
