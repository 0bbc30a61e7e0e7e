/**
 * `netpol-audit snapshot` against the real kube-apiserver keeps no secrets: a pod with an env value, a command
 * argument and an annotation that are secrets, and a ConfigMap key that is one, are planted in the cluster; the
 * written snapshot is grepped for them, its files must be 0600 in 0700 directories, and the offline audit of it
 * must still equal the live audit.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { audit, cli, removeTempDirs, tempDir } from './support/audit-run';
import { applyRbac, installStandInCrds } from './support/fixtures';
import { apply, KubeClient, type KubeObject } from './support/kube-admin';
import { loadExample } from './support/load-example';
import { clusterPerSuite, REPO_ROOT } from './support/test-cluster';

jest.setTimeout(120_000);

afterAll(removeTempDirs);

const SEED = join(REPO_ROOT, 'examples/seed-cluster');
const CONFIGMAP_PATH = '/api/v1/namespaces/kube-system/configmaps/amazon-vpc-cni';
const SECRETS = {
  env: 'env-secret-value-4d7e1a',
  command: 'command-secret-value-8b2c9f',
  annotation: 'annotation-secret-value-3e6f0d',
  configMapValue: 'configmap-secret-value-5a9b2e',
};

const secretPod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'holds-secrets',
    namespace: 'default',
    labels: { app: 'holds-secrets' },
    annotations: { 'example.com/api-token': SECRETS.annotation },
  },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'registry.example/app:1',
        command: ['/app', `--password=${SECRETS.command}`],
        env: [{ name: 'DB_PASSWORD', value: SECRETS.env }],
        envFrom: [{ secretRef: { name: 'db-credentials' } }],
        ports: [{ name: 'http', containerPort: 8080 }],
      },
    ],
  },
};

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('netpol-audit snapshot of a real kube-apiserver keeps no secrets', () => {
  const suiteCluster = clusterPerSuite();
  let auditor: string;

  beforeAll(async () => {
    const admin = await KubeClient.fromKubeconfig(suiteCluster().adminKubeconfig);
    auditor = suiteCluster().auditorKubeconfig;
    await applyRbac(admin);
    await installStandInCrds(admin);
    await loadExample(admin, SEED);
    await apply(admin, secretPod);
    const configMap = (await admin.expect('GET', CONFIGMAP_PATH)).body as KubeObject & { data?: object };
    await admin.expect('PUT', CONFIGMAP_PATH, {
      ...configMap,
      data: { ...configMap.data, 'api-key': SECRETS.configMapValue },
    });
  });

  it('writes no planted secret, only 0600 files in 0700 directories, and audits offline as live', async () => {
    // Prepare
    // Named after the cluster: an offline audit takes the cluster name (part of each fingerprint) from the directory.
    const snapshot = join(await tempDir('secrets'), 'netpol-audit-test');

    // Act
    const taken = await cli(['snapshot', '--kubeconfig', auditor, '--out', snapshot, '--page-size', '4']);
    const files = await filesUnder(snapshot);
    const text = (await Promise.all(files.map((file) => readFile(file, 'utf8')))).join('\n');
    const live = await audit(['--kubeconfig', auditor]);
    const offline = await audit(['--snapshot', snapshot]);

    // Assess
    expect(taken).toMatchObject({ code: 0, stderr: '' });
    expect(text).toContain('holds-secrets');
    expect(text).toContain('enable-network-policy-controller');
    expect(Object.values(SECRETS).filter((secret) => text.includes(secret))).toEqual([]);
    expect(text).not.toContain('DB_PASSWORD');
    expect(text).not.toContain('db-credentials');
    expect(text).not.toContain('api-key');
    const fileModes = await Promise.all(files.map(async (file) => (await stat(file)).mode & 0o777));
    expect(new Set(fileModes)).toEqual(new Set([0o600]));
    const directoryModes = await Promise.all(
      [snapshot, join(snapshot, 'k8s')].map(async (directory) => (await stat(directory)).mode & 0o777),
    );
    expect(directoryModes).toEqual([0o700, 0o700]);
    expect(live.report.inputs.pods).toBeGreaterThan(0);
    expect(offline.report.findings).toEqual(live.report.findings);
    expect(offline.report.inputs).toEqual({ ...live.report.inputs });
    expect(offline.report.policies).toEqual(live.report.policies);
  });
});
