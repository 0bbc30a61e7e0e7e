import { join } from 'node:path';
import { ClientNodePodExec, clientNodeExec } from '#adapters/kubernetes-exec/client-node-exec';
import { LOADED_EBPFDATA_COMMAND } from '#adapters/kubernetes-exec/exec-node-collector';
import { PodExecError } from '#adapters/kubernetes-exec/pod-exec';
import { loadKubeConfig } from '#adapters/kubernetes/client-node-transport';
import { applyRbac, AUDITOR_GROUP, groupsMay, PODS_EXEC_IN_KUBE_SYSTEM } from './support/fixtures';
import { apply, KubeClient, readYamlObjects } from './support/kube-admin';
import { clusterPerSuite, REPO_ROOT } from './support/test-cluster';

jest.setTimeout(120_000);

const RBAC_EXEC_FILE = join(REPO_ROOT, 'k8s/rbac-exec.yaml');
const AUDITOR = [AUDITOR_GROUP, 'system:authenticated'];

const EXEC_IN_KUBE_SYSTEM = { ...PODS_EXEC_IN_KUBE_SYSTEM, name: 'aws-node-7xk2p' };

/** The production port, as the auditor, into an aws-node pod that does not exist (the test cluster has no kubelet). */
async function execAsAuditor(kubeconfigPath: string): Promise<unknown> {
  const config = await loadKubeConfig({ kubeconfigPath });
  const exec = new ClientNodePodExec(clientNodeExec(() => Promise.resolve(config)));
  const target = { namespace: 'kube-system', pod: 'aws-node-7xk2p', container: 'aws-eks-nodeagent' };
  return exec.run(target, LOADED_EBPFDATA_COMMAND, { timeoutMs: 10_000 }).catch((error: unknown) => error);
}

async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return true;
}

// Its own cluster: the shared one must keep exec denied for rbac.test.ts.
describe('k8s/rbac-exec.yaml grants exactly pods/exec in kube-system to the auditor group (SubjectAccessReview)', () => {
  const cluster = clusterPerSuite();
  let admin: KubeClient;

  beforeAll(async () => {
    admin = await KubeClient.fromKubeconfig(cluster().adminKubeconfig);
    await applyRbac(admin);
  });

  it('without it, the production exec port is refused with HTTP 403 and names the missing permission', async () => {
    // Act
    const error = await execAsAuditor(cluster().auditorKubeconfig);
    // Assess
    expect(error).toBeInstanceOf(PodExecError);
    expect(error).toMatchObject({ failure: 'forbidden' });
    expect((error as PodExecError).message).toMatch(/HTTP 403.*pods\/exec in kube-system \(k8s\/rbac-exec\.yaml\)/);
  });

  it('is what allows the exec: denied with k8s/rbac.yaml alone, allowed once it is applied', async () => {
    // Prepare
    const before = await groupsMay(admin, AUDITOR, EXEC_IN_KUBE_SYSTEM);
    // Act
    for (const object of await readYamlObjects(RBAC_EXEC_FILE)) await apply(admin, object);
    // Assess
    expect(before).toBe(false);
    expect(await eventually(() => groupsMay(admin, AUDITOR, EXEC_IN_KUBE_SYSTEM))).toBe(true);
    expect(await groupsMay(admin, AUDITOR, { ...EXEC_IN_KUBE_SYSTEM, verb: 'get' })).toBe(true);
  });

  it.each([
    ['exec in another namespace', { ...EXEC_IN_KUBE_SYSTEM, namespace: 'default' }],
    ['exec in every namespace', { verb: 'create', group: '', resource: 'pods', subresource: 'exec' }],
    ['attach in kube-system', { ...EXEC_IN_KUBE_SYSTEM, subresource: 'attach' }],
    ['port-forward in kube-system', { ...EXEC_IN_KUBE_SYSTEM, subresource: 'portforward' }],
    ['pod logs in kube-system', { ...EXEC_IN_KUBE_SYSTEM, verb: 'get', subresource: 'log' }],
    ['creating pods in kube-system', { verb: 'create', group: '', resource: 'pods', namespace: 'kube-system' }],
    ['deleting the aws-node pod', { ...EXEC_IN_KUBE_SYSTEM, verb: 'delete', subresource: '' }],
    ['secrets in kube-system', { verb: 'get', group: '', resource: 'secrets', namespace: 'kube-system' }],
    ['anything in kube-system', { verb: '*', group: '*', resource: '*', namespace: 'kube-system' }],
  ])('still denies %s', async (_case, access) => {
    // Act
    const allowed = await groupsMay(admin, AUDITOR, access);
    // Assess
    expect(await groupsMay(admin, AUDITOR, EXEC_IN_KUBE_SYSTEM)).toBe(true);
    expect(allowed).toBe(false);
  });

  it('with it, the exec passes authorisation (the pod is missing, so it fails later, and not as forbidden)', async () => {
    // Act
    const error = await execAsAuditor(cluster().auditorKubeconfig);
    // Assess
    expect(error).toBeInstanceOf(PodExecError);
    expect(error).not.toMatchObject({ failure: 'forbidden' });
  });

  it('grants nothing to an identity outside the auditor group', async () => {
    // Act / Assess
    expect(await groupsMay(admin, ['system:authenticated'], EXEC_IN_KUBE_SYSTEM)).toBe(false);
  });
});
