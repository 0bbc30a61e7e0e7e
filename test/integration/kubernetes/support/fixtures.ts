import { join } from 'node:path';
import { REPO_ROOT } from './test-cluster';
import { apply, readYamlObjects, waitForCrd, type KubeClient } from './kube-admin';

export const RBAC_FILE = join(REPO_ROOT, 'k8s/rbac.yaml');
/** The controller's own CRDs, read from the read-only upstream copy (as CI sees it, next to the repository). */
export const CONTROLLER_CRD_DIR = join(
  REPO_ROOT,
  '../shared/upstream/amazon-network-policy-controller-k8s-v1.1.7/config/crd/bases',
);
/** The kinds test-cluster.sh does not install when the controller is absent. */
export const STAND_IN_CRDS = [
  'clusternetworkpolicies.networking.k8s.aws',
  'clusterpolicyendpoints.networking.k8s.aws',
  'applicationnetworkpolicies.networking.k8s.aws',
];

export async function installStandInCrds(admin: KubeClient): Promise<void> {
  for (const name of STAND_IN_CRDS) {
    const plural = name.slice(0, name.indexOf('.'));
    const file = join(CONTROLLER_CRD_DIR, `networking.k8s.aws_${plural}.yaml`);
    for (const object of await readYamlObjects(file)) await apply(admin, object);
  }
  for (const name of STAND_IN_CRDS) await waitForCrd(admin, name);
}

export async function applyRbac(admin: KubeClient): Promise<void> {
  for (const object of await readYamlObjects(RBAC_FILE)) await apply(admin, object);
}
