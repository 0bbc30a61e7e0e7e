import { join } from 'node:path';
import { REPO_ROOT } from './test-cluster';
import { apply, pathOf, readYamlObjects, waitForCrd, type KubeClient } from './kube-admin';

export const RBAC_FILE = join(REPO_ROOT, 'k8s/rbac.yaml');
/** The optional Role + RoleBinding of the exec collector. */
export const RBAC_EXEC_FILE = join(REPO_ROOT, 'k8s/rbac-exec.yaml');
/** The group k8s/rbac.yaml binds. */
export const AUDITOR_GROUP = 'netpol-audit:auditors';
/** The access k8s/rbac-exec.yaml grants: `pods/exec` in kube-system (where the aws-node pods run). */
export const PODS_EXEC_IN_KUBE_SYSTEM = {
  verb: 'create',
  group: '',
  resource: 'pods',
  subresource: 'exec',
  namespace: 'kube-system',
} as const;
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
  await waitForRbac(admin);
}

/** Applies k8s/rbac-exec.yaml and waits until the auditor group may exec in kube-system. */
export async function applyRbacExec(admin: KubeClient): Promise<void> {
  for (const object of await readYamlObjects(RBAC_EXEC_FILE)) await apply(admin, object);
  await waitForExecAllowed(admin, true);
}

/** Deletes the RoleBinding of k8s/rbac-exec.yaml and waits until the auditor group may no longer exec. */
export async function deleteRbacExecBinding(admin: KubeClient): Promise<void> {
  const binding = (await readYamlObjects(RBAC_EXEC_FILE)).find((object) => object.kind === 'RoleBinding');
  if (binding === undefined) throw new Error(`${RBAC_EXEC_FILE} has no RoleBinding`);
  await admin.expect('DELETE', pathOf(binding, true));
  await waitForExecAllowed(admin, false);
}

async function waitForExecAllowed(admin: KubeClient, allowed: boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await groupsMay(admin, [AUDITOR_GROUP, 'system:authenticated'], PODS_EXEC_IN_KUBE_SYSTEM)) !== allowed) {
    if (Date.now() > deadline)
      throw new Error(`the auditor group ${allowed ? 'still may not' : 'still may'} exec in kube-system after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The RBAC authorizer learns new bindings from an informer: on a busy machine it lags the write by seconds. */
async function waitForRbac(admin: KubeClient): Promise<void> {
  const probes: Record<string, string>[] = [
    { verb: 'list', group: '', resource: 'namespaces' },
    { verb: 'get', group: '', resource: 'configmaps', namespace: 'kube-system', name: 'amazon-vpc-cni' },
  ];
  const deadline = Date.now() + 60_000;
  for (const resourceAttributes of probes) {
    while (!(await auditorIsAllowed(admin, resourceAttributes))) {
      if (Date.now() > deadline)
        throw new Error(
          `k8s/rbac.yaml applied, but the auditor group still may not ${resourceAttributes.verb} ${resourceAttributes.resource} after 60 s`,
        );
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function auditorIsAllowed(admin: KubeClient, resourceAttributes: Record<string, string>): Promise<boolean> {
  return groupsMay(admin, [AUDITOR_GROUP, 'system:authenticated'], resourceAttributes);
}

/** A SubjectAccessReview of user `auditor` in `groups`: may it do `resourceAttributes`? */
export async function groupsMay(
  admin: KubeClient,
  groups: readonly string[],
  resourceAttributes: Record<string, string>,
): Promise<boolean> {
  const reply = await admin.expect('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user: 'auditor', groups, resourceAttributes },
  });
  return (reply.body as { status?: { allowed?: boolean } }).status?.allowed === true;
}
