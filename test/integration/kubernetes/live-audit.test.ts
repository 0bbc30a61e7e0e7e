import { join } from 'node:path';
import { openLiveCluster } from '#adapters/kubernetes/live-cluster';
import { READ_RESOURCES } from '#adapters/kubernetes/resources';
import { audit, cli, controlPlane, exampleInApiOrder, findingDiff, removeTempDirs, tempDir } from './support/audit-run';
import { applyRbac, installStandInCrds } from './support/fixtures';
import { KubeClient, type KubeObject } from './support/kube-admin';
import { forCreate, loadExample } from './support/load-example';
import { clusterPerSuite, REPO_ROOT } from './support/test-cluster';

jest.setTimeout(120_000);

afterAll(removeTempDirs);

const SEED = join(REPO_ROOT, 'examples/seed-cluster');
const DRIFT = join(REPO_ROOT, 'examples/drift-cluster');

describe('live audit of examples/seed-cluster through the CLI', () => {
  const suiteCluster = clusterPerSuite();
  let auditor: string;
  let admin: KubeClient;

  beforeAll(async () => {
    admin = await KubeClient.fromKubeconfig(suiteCluster().adminKubeconfig);
    auditor = suiteCluster().auditorKubeconfig;
    await applyRbac(admin);
  });

  it('reports the AWS kinds whose CRDs are not installed as unavailable, not as a crash', async () => {
    // Only the PolicyEndpoint CRD exists at this point (test-cluster.sh installs it without the controller).
    const live = await openLiveCluster({ kubeconfigPath: auditor });
    const inventory = await live.source.readInventory();
    const expected = READ_RESOURCES.flatMap((resource) =>
      resource.mode === 'list' && resource.crd !== undefined && resource.kind !== 'PolicyEndpoint'
        ? [
            {
              kind: resource.kind,
              reason: `the CustomResourceDefinition ${resource.crd} is not installed (HTTP 404 for GET ${resource.path})`,
              cause: 'not-installed',
            },
          ]
        : [],
    );
    expect(expected.map((entry) => entry.kind)).toEqual([
      'ClusterNetworkPolicy',
      'ClusterPolicyEndpoint',
      'ApplicationNetworkPolicy',
    ]);
    expect(inventory.unavailableKinds).toEqual(expected);
    expect(
      inventory.inputFindings.filter((finding) => finding.checkId === 'INPUT-KIND-UNAVAILABLE').map((f) => f.severity),
    ).toEqual(['info', 'info', 'info']);
  });

  it('finds no control-plane drift, and the same control-plane findings as the offline audit of the example', async () => {
    // Prepare
    await installStandInCrds(admin);
    await loadExample(admin, SEED);
    // Act
    const live = await audit(['--kubeconfig', auditor, '--page-size', '2']);
    const offline = await audit(['--snapshot', await exampleInApiOrder(SEED)]);
    // Assess
    expect(live.report.cluster).toMatchObject({ source: 'live', name: 'netpol-audit-test' });
    expect(live.report.findings.filter((finding) => finding.layer === 'input')).toEqual([]);
    expect(controlPlane(live.report)).toEqual([]);
    expect(controlPlane(live.report)).toEqual(controlPlane(offline.report));
    expect(live.report.inputs).toMatchObject({
      networkPolicies: 1,
      policyEndpoints: 1,
      pods: 7,
      nodes: 1,
      services: 3,
    });
    expect(live.report.policies).toEqual(offline.report.policies);
    expect(live.report.configuration).toMatchObject({
      networkPolicyEnabled: true,
      cniVersion: '1.19.6',
      agentVersion: '1.2.2',
    });
  });

  it("snapshot round trip: the offline audit of a live snapshot gives the live audit's findings", async () => {
    const snapshot = join(await tempDir('snapshot'), 'seed-live');
    const taken = await cli(['snapshot', '--kubeconfig', auditor, '--out', snapshot, '--page-size', '3']);
    expect(taken).toMatchObject({ code: 0, stderr: '' });
    const live = await audit(['--kubeconfig', auditor]);
    const offline = await audit(['--snapshot', snapshot]);
    expect(offline.report.findings).toEqual(live.report.findings);
    expect(offline.report.inputs).toEqual({ ...live.report.inputs });
    expect(offline.report.policies).toEqual(live.report.policies);
    expect(offline.run.code).toBe(live.run.code);
  });

  it('exits 2 naming the kubeconfig when the context does not exist, and refuses a non-empty snapshot directory', async () => {
    const missing = await cli(['audit', '--kubeconfig', auditor, '--context', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${auditor}: context 'nope' not found`);
    const both = await cli(['audit', '--kubeconfig', auditor, '--snapshot', SEED]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('exactly one of --snapshot <dir>, --kubeconfig <file> or --cluster <name>');
    const taken = await cli(['snapshot', '--kubeconfig', auditor, '--out', SEED]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('already holds a snapshot');
  });

  it('exits 2 naming the permission for an identity without any RBAC (audit and snapshot), not 1 with findings', async () => {
    const outsider = suiteCluster().outsiderKubeconfig;
    const audited = await cli(['audit', '--kubeconfig', outsider, '--out', await tempDir('outsider-audit')]);
    const snapshotted = await cli(['snapshot', '--kubeconfig', outsider, '--out', await tempDir('outsider-snapshot')]);
    for (const run of [audited, snapshotted]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('the identity may read none of the 11 kinds the audit needs');
      expect(run.stderr).toContain('User "outsider" cannot list resource "pods"');
    }
  });
});

describe('live audit of examples/drift-cluster and PolicyEndpoints tampered through the API', () => {
  const suiteCluster = clusterPerSuite({ serviceCidr: '172.20.0.0/16' });
  let auditor: string;
  let admin: KubeClient;
  let baseline: Awaited<ReturnType<typeof audit>>;

  const pePath = (name: string): string => `/apis/networking.k8s.aws/v1alpha1/namespaces/shop/policyendpoints/${name}`;

  async function getPe(name: string): Promise<KubeObject> {
    return (await admin.expect('GET', pePath(name))).body as KubeObject;
  }

  async function liveAudit(): Promise<Awaited<ReturnType<typeof audit>>> {
    return audit(['--kubeconfig', auditor, '--page-size', '2']);
  }

  /** Applies `tamper`, audits, restores the PolicyEndpoint exactly, and returns the change against the baseline. */
  async function withTampered(
    name: string,
    tamper: (pe: KubeObject) => Promise<void>,
  ): Promise<ReturnType<typeof findingDiff>> {
    const original = await getPe(name);
    await tamper(original);
    const tampered = await liveAudit();
    const current = await admin.send('GET', pePath(name));
    if (current.status === 200) {
      const latest = current.body as KubeObject;
      await admin.expect('PUT', pePath(name), {
        ...original,
        metadata: { ...original.metadata, resourceVersion: latest.metadata.resourceVersion },
      });
    } else {
      await admin.expect(
        'POST',
        '/apis/networking.k8s.aws/v1alpha1/namespaces/shop/policyendpoints',
        forCreate(original),
      );
    }
    return findingDiff(controlPlane(baseline.report), controlPlane(tampered.report));
  }

  beforeAll(async () => {
    admin = await KubeClient.fromKubeconfig(suiteCluster().adminKubeconfig);
    auditor = suiteCluster().auditorKubeconfig;
    await applyRbac(admin);
    await installStandInCrds(admin);
    await loadExample(admin, DRIFT);
    baseline = await liveAudit();
  });

  it('reports the planted control-plane drift exactly as the offline audit of the example does', async () => {
    const offline = await audit(['--snapshot', await exampleInApiOrder(DRIFT)]);
    expect(baseline.run.code).toBe(1);
    expect(controlPlane(baseline.report)).toEqual(controlPlane(offline.report));
    const found = new Set(
      controlPlane(baseline.report).map((finding) => `${finding.checkId} ${finding.resource.name}`),
    );
    for (const planted of [
      'CP-PE-MISSING ledger-ingress',
      'CP-PE-ORPHAN legacy-allow-all',
      'CP-PE-STALE-SELECTOR api-allow-web',
      'CP-PE-EGRESS-MISSING web-egress',
    ]) {
      expect(found).toContain(planted);
    }
    expect(controlPlane(baseline.report).filter((finding) => finding.resource.name === 'web-ingress')).toEqual([]);
  });

  it('names an ingress entry removed from a PolicyEndpoint', async () => {
    const change = await withTampered('web-ingress-h4k9s', async (pe) => {
      const spec = pe.spec as { ingress: { cidr: string }[] };
      await admin.expect(
        'PATCH',
        pePath('web-ingress-h4k9s'),
        { spec: { ingress: spec.ingress.filter((entry) => entry.cidr !== '::/0') } },
        { contentType: 'application/merge-patch+json' },
      );
    });
    expect(change.removed).toEqual([]);
    expect(
      change.added.map(
        (finding) =>
          `${finding.checkId} ${finding.resource.kind} ${finding.resource.namespace}/${finding.resource.name}`,
      ),
    ).toEqual(['CP-PE-INGRESS-MISSING NetworkPolicy shop/web-ingress']);
    expect(change.added[0]?.message).toContain('::/0');
  });

  it('names a stale podSelector left on a PolicyEndpoint', async () => {
    const change = await withTampered('web-ingress-h4k9s', async () => {
      await admin.expect(
        'PATCH',
        pePath('web-ingress-h4k9s'),
        { spec: { podSelector: { matchLabels: { app: 'web', version: 'v1' } } } },
        { contentType: 'application/merge-patch+json' },
      );
    });
    expect(change.removed).toEqual([]);
    expect(
      change.added.map((finding) => `${finding.checkId} ${finding.resource.namespace}/${finding.resource.name}`),
    ).toEqual(['CP-PE-STALE-SELECTOR shop/web-ingress']);
  });

  it('names what went missing when one chunk of the two-chunk shop/web-egress is deleted', async () => {
    const change = await withTampered('web-egress-w5t3q', async () => {
      await admin.expect('DELETE', pePath('web-egress-w5t3q'));
    });
    expect(change.removed).toEqual([]);
    const expectedOf = (finding: { expected?: unknown }): string => {
      const expected = finding.expected as { cidr?: string; name?: string } | undefined;
      return expected?.cidr ?? expected?.name ?? '?';
    };
    expect(
      change.added
        .map(
          (finding) =>
            `${finding.checkId} ${finding.resource.namespace}/${finding.resource.name} ${expectedOf(finding)}`,
        )
        .sort(),
    ).toEqual([
      'CP-PE-EGRESS-MISSING shop/web-egress 10.0.1.140',
      'CP-PE-EGRESS-MISSING shop/web-egress 10.0.2.151',
      'CP-PE-EGRESS-MISSING shop/web-egress 172.20.30.9',
      'CP-PE-POD-MISSING shop/web-egress web-6c9f8d7b5-q7w4n',
    ]);
  });

  it('is back to the baseline once the PolicyEndpoints are restored', async () => {
    const again = await liveAudit();
    expect(controlPlane(again.report)).toEqual(controlPlane(baseline.report));
  });

  it('reads the same cluster back from a snapshot directory', async () => {
    const snapshot = join(await tempDir('snapshot'), 'drift-live');
    expect((await cli(['snapshot', '--kubeconfig', auditor, '--out', snapshot])).code).toBe(0);
    const offline = await audit(['--snapshot', snapshot]);
    expect(offline.report.findings).toEqual(baseline.report.findings);
  });
});
