import { join } from 'node:path';
import { REPO_ROOT } from './test-cluster';
import { apply, readYamlObjects, waitForCrd, type KubeClient } from './kube-admin';

export const RBAC_FILE = join(REPO_ROOT, 'k8s/rbac.yaml');
const CRD_DIR = join(REPO_ROOT, 'test/integration/infra/crds');
/** Stand-ins for the kinds test-cluster.sh does not install when the controller is absent. */
export const STAND_IN_CRDS = [
  'clusternetworkpolicies.networking.k8s.aws',
  'clusterpolicyendpoints.networking.k8s.aws',
  'applicationnetworkpolicies.networking.k8s.aws',
];

export async function installStandInCrds(admin: KubeClient): Promise<void> {
  for (const name of STAND_IN_CRDS) {
    for (const object of await readYamlObjects(join(CRD_DIR, `${name}.yaml`))) await apply(admin, object);
  }
  for (const name of STAND_IN_CRDS) await waitForCrd(admin, name);
}

export async function applyRbac(admin: KubeClient): Promise<void> {
  for (const object of await readYamlObjects(RBAC_FILE)) await apply(admin, object);
}
