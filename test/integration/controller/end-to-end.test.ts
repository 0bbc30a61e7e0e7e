import type { Finding } from '#engine';
import { audit, cli, controlPlane, removeTempDirs, tempDir } from '../kubernetes/support/audit-run';
import { applyRbac } from '../kubernetes/support/fixtures';
import { KubeClient, type KubeObject } from '../kubernetes/support/kube-admin';
import { clusterPerSuite } from '../kubernetes/support/test-cluster';
import { agrees, runSideBySide } from './support/differential';
import { ARTICLE, RICH } from './support/audited-clusters';
import { namespaceName, type Placement, type Scenario } from './support/scenario';
import { Placements } from './support/shrink';

jest.setTimeout(300_000);

afterAll(removeTempDirs);

interface PolicyEndpointObject extends KubeObject {
  spec: {
    podSelector?: unknown;
    ingress?: { cidr: string; except?: string[]; ports?: { protocol?: string; port?: number; endPort?: number }[] }[];
    egress?: { cidr: string; ports?: { protocol?: string; port?: number; endPort?: number }[] }[];
    podSelectorEndpoints?: { name: string; podIP: string }[];
    policyRef: { name: string; namespace: string };
  };
}

const CLUSTERS = [ARTICLE, RICH];

describe('end to end, control plane: PolicyEndpoints written by the real controller v1.1.7', () => {
  const suiteCluster = clusterPerSuite({ controller: 'required', controllerArgs: '--endpoint-chunk-size=3' });
  let admin: KubeClient;
  let auditor: string;
  const placed: [Scenario, Placement][] = [];
  const placements = new Placements('e');

  const policyEndpoints = async (namespace: string, policy: string): Promise<PolicyEndpointObject[]> => {
    const reply = await admin.expect(
      'GET',
      `/apis/networking.k8s.aws/v1alpha1/namespaces/${namespace}/policyendpoints`,
    );
    return (reply.body as { items: PolicyEndpointObject[] }).items.filter((pe) => pe.spec.policyRef.name === policy);
  };
  const pePath = (pe: KubeObject): string =>
    `/apis/networking.k8s.aws/v1alpha1/namespaces/${pe.metadata.namespace ?? ''}/policyendpoints/${pe.metadata.name}`;
  const liveFindings = async (): Promise<Finding[]> =>
    controlPlane((await audit(['--kubeconfig', auditor, '--page-size', '50'])).report);
  /** The live namespace of the rich cluster's logical namespace `a`. */
  const richNamespace = (): string => {
    const entry = placed.find(([scenario]) => scenario === RICH);
    if (entry === undefined) throw new Error('the rich cluster was not placed');
    return namespaceName(entry[1], 'a');
  };

  beforeAll(async () => {
    admin = await KubeClient.fromKubeconfig(suiteCluster().adminKubeconfig);
    auditor = suiteCluster().auditorKubeconfig;
    await applyRbac(admin);
    for (const scenario of CLUSTERS) placed.push([scenario, placements.take()]);
    const outcomes = await runSideBySide(admin, placed, { adminKubeconfig: suiteCluster().adminKubeconfig });
    expect(outcomes.filter((outcome) => !agrees(outcome)).map((outcome) => outcome.scenario.name)).toEqual([]);
  });

  it('audits live (audit --kubeconfig) with zero control-plane findings', async () => {
    expect(await liveFindings()).toEqual([]);
  });

  it('audits a snapshot of the cluster with zero control-plane findings', async () => {
    // Prepare
    const snapshot = await tempDir('controller-snapshot');
    // Act
    const written = await cli(['snapshot', '--kubeconfig', auditor, '--out', snapshot]);
    const offline = await audit(['--snapshot', snapshot]);
    // Assess
    expect(written.code).toBe(0);
    expect(offline.report.inputs.policyEndpoints).toBeGreaterThan(CLUSTERS.length);
    expect(controlPlane(offline.report)).toEqual([]);
  });

  /** Applies `tamper` to the policy's PolicyEndpoints, audits live, then puts the controller's objects back. */
  async function tampered(
    namespace: string,
    policy: string,
    tamper: (endpoints: PolicyEndpointObject[]) => Promise<void>,
  ): Promise<Finding[]> {
    const originals = await policyEndpoints(namespace, policy);
    await tamper(originals);
    const findings = await liveFindings();
    for (const original of originals) {
      const live = await admin.send('GET', pePath(original));
      const body = { ...original, metadata: { name: original.metadata.name, namespace } };
      if (live.status === 404) await admin.expect('POST', pePath(original).replace(/\/[^/]+$/, ''), body);
      else {
        const current = live.body as KubeObject;
        await admin.expect('PUT', pePath(original), {
          ...original,
          metadata: { ...original.metadata, resourceVersion: current.metadata.resourceVersion },
        });
      }
    }
    expect(await liveFindings()).toEqual([]);
    return findings;
  }

  it('names a removed entry exactly', async () => {
    // Prepare
    const namespace = richNamespace();
    // Act
    const findings = await tampered(namespace, 'api-ingress', async (endpoints) => {
      const holder = endpoints.find((pe) => (pe.spec.ingress ?? []).some((entry) => entry.cidr === '172.16.0.0/12'));
      if (holder === undefined) throw new Error('the controller wrote no 172.16.0.0/12 entry');
      const ingress = (holder.spec.ingress ?? []).filter((entry) => entry.cidr !== '172.16.0.0/12');
      await admin.expect('PUT', pePath(holder), { ...holder, spec: { ...holder.spec, ingress } });
    });
    // Assess
    expect(findings.map((finding) => [finding.checkId, finding.resource.namespace, finding.resource.name])).toEqual([
      ['CP-PE-INGRESS-MISSING', namespace, 'api-ingress'],
    ]);
    expect(findings[0]?.expected).toMatchObject({ cidr: '172.16.0.0/12', except: ['172.16.5.0/24'] });
  });

  it('names a stale podSelector exactly', async () => {
    const namespace = richNamespace();
    const findings = await tampered(namespace, 'api-ingress', async (endpoints) => {
      for (const pe of endpoints) {
        await admin.expect('PUT', pePath(pe), {
          ...pe,
          spec: { ...pe.spec, podSelector: { matchLabels: { app: 'old' } } },
        });
      }
    });
    expect(findings.map((finding) => finding.checkId)).toEqual(['CP-PE-STALE-SELECTOR']);
    expect(findings[0]?.resource).toMatchObject({ namespace, name: 'api-ingress' });
  });

  it('names a changed port exactly: the port the policy allows is missing, the one it does not is extra', async () => {
    const namespace = richNamespace();
    const findings = await tampered(namespace, 'web-egress', async (endpoints) => {
      for (const pe of endpoints) {
        const egress = (pe.spec.egress ?? []).map((entry) =>
          entry.cidr === 'fd00::/48' ? { ...entry, ports: [{ protocol: 'UDP', port: 54 }] } : entry,
        );
        await admin.expect('PUT', pePath(pe), { ...pe, spec: { ...pe.spec, egress } });
      }
    });
    expect(findings.map((finding) => finding.checkId).sort()).toEqual(['CP-PE-PORTS-NARROWER', 'CP-PE-PORTS-WIDER']);
    expect(findings.every((finding) => finding.message.includes('fd00::/48'))).toBe(true);
  });

  it('names the content of a deleted chunk exactly', async () => {
    // Prepare: the policy whose entries span the most PolicyEndpoints (chunks of 3)
    const namespace = richNamespace();
    const before = await policyEndpoints(namespace, 'api-ingress');
    expect(before.length).toBeGreaterThan(1);
    const [deleted, ...kept] = before;
    if (deleted === undefined) throw new Error('no PolicyEndpoint');
    const keptCidrs = new Set(kept.flatMap((pe) => (pe.spec.ingress ?? []).map((entry) => entry.cidr)));
    const keptPods = new Set(kept.flatMap((pe) => (pe.spec.podSelectorEndpoints ?? []).map((pod) => pod.name)));
    const lostCidrs = (deleted.spec.ingress ?? []).map((entry) => entry.cidr).filter((cidr) => !keptCidrs.has(cidr));
    const lostPods = (deleted.spec.podSelectorEndpoints ?? []).map((pod) => pod.name).filter((n) => !keptPods.has(n));
    // Act
    const findings = await tampered(namespace, 'api-ingress', async () => {
      await admin.expect('DELETE', pePath(deleted));
    });
    // Assess
    const named = findings.map((finding) => {
      const expected = finding.expected as { cidr?: string; name?: string } | undefined;
      return `${finding.checkId} ${expected?.cidr ?? expected?.name ?? ''}`;
    });
    expect(named.sort()).toEqual(
      [
        ...lostCidrs.map((cidr) => `CP-PE-INGRESS-MISSING ${cidr}`),
        ...lostPods.map((pod) => `CP-PE-POD-MISSING ${pod}`),
      ].sort(),
    );
    expect(findings.length).toBeGreaterThan(0);
  });
});
