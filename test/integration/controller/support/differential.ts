import { stringify } from 'yaml';
import { resolve as resolveExpected, type ClusterInventory, type Finding } from '#engine';
import { diffPolicyEndpoints } from '#engine/control-plane/diff/diff-policy-endpoints';
import { openLiveCluster } from '#adapters/kubernetes/live-cluster';
import { pathOf, type KubeClient, type KubeObject } from '../../kubernetes/support/kube-admin';
import { expectedDifferences } from './deliberate-differences';
import {
  logicalNamespace,
  namespaceObjects,
  podObjects,
  policyKey,
  policyObject,
  serviceObject,
  type Placement,
  type Scenario,
} from './scenario';

/** One difference, as the test compares it: check, policy (logical namespace), direction. */
export type Signature = string;

export interface ScenarioOutcome {
  readonly scenario: Scenario;
  readonly placement: Placement;
  readonly expected: readonly Signature[];
  readonly actual: readonly Signature[];
  readonly findings: readonly Finding[];
}

export function signatureOf(difference: { checkId: string; policy: string; direction?: string }): Signature {
  return [difference.checkId, difference.policy, difference.direction ?? ''].join(' ');
}

export function agrees(outcome: ScenarioOutcome): boolean {
  return JSON.stringify(outcome.expected) === JSON.stringify(outcome.actual);
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function create(admin: KubeClient, object: KubeObject): Promise<void> {
  await admin.expect('POST', pathOf(object), object);
}

/** Namespaces first, then pods with their status, Services, and policies last (what others refer to first). */
export async function materialise(admin: KubeClient, placed: readonly [Scenario, Placement][]): Promise<void> {
  const limit = 12;
  await inParallel(
    placed.flatMap(([scenario, placement]) => namespaceObjects(scenario, placement)),
    limit,
    (object) => create(admin, object),
  );
  const pods = placed.flatMap(([scenario, placement]) => scenario.pods.map((pod, i) => podObjects(pod, i, placement)));
  await inParallel(pods, limit, async ({ pod, status }) => {
    await create(admin, pod);
    await admin.expect(
      'PATCH',
      `${pathOf(pod, true)}/status`,
      { status },
      { contentType: 'application/merge-patch+json' },
    );
  });
  const services = placed.flatMap(([scenario, placement]) => scenario.services.map((s) => serviceObject(s, placement)));
  await inParallel(services, limit, (object) => create(admin, object));
  const policies = placed.flatMap(([scenario, placement]) => scenario.policies.map((p) => policyObject(p, placement)));
  await inParallel(policies, limit, (object) => create(admin, object));
}

interface Listed {
  readonly items: readonly { metadata: { name: string; namespace: string; resourceVersion: string } }[];
}

/** Name and resourceVersion of every PolicyEndpoint: changes while the controller still writes. */
async function policyEndpointVersions(admin: KubeClient): Promise<string> {
  const reply = await admin.expect('GET', '/apis/networking.k8s.aws/v1alpha1/policyendpoints');
  const items = (reply.body as Listed).items;
  return items
    .map((item) => `${item.metadata.namespace}/${item.metadata.name}@${item.metadata.resourceVersion}`)
    .sort()
    .join(',');
}

function outcomesOf(inventory: ClusterInventory, placed: readonly [Scenario, Placement][]): ScenarioOutcome[] {
  const findings = diffPolicyEndpoints(inventory, resolveExpected({ inventory }));
  const byPrefix = new Map<string, Finding[]>();
  for (const finding of findings) {
    const prefix = (finding.resource.namespace ?? '').split('-')[0] ?? '';
    const list = byPrefix.get(prefix) ?? [];
    list.push(finding);
    byPrefix.set(prefix, list);
  }
  return placed.map(([scenario, placement]) => {
    const own = byPrefix.get(placement.id) ?? [];
    const actual = own.map((finding) =>
      signatureOf({
        checkId: finding.checkId,
        policy: policyKey(logicalNamespace(placement, finding.resource.namespace ?? '') ?? '?', finding.resource.name),
        direction: directionOf(finding),
      }),
    );
    return {
      scenario,
      placement,
      expected: expectedDifferences(scenario).map(signatureOf).sort(),
      actual: actual.sort(),
      findings: own,
    };
  });
}

function directionOf(finding: Finding): string {
  const expected = finding.expected as { direction?: unknown } | undefined;
  if (typeof expected?.direction === 'string') return expected.direction;
  if (finding.checkId.includes('INGRESS')) return 'ingress';
  if (finding.checkId.includes('EGRESS')) return 'egress';
  return '';
}

export interface SettleOptions {
  readonly adminKubeconfig: string;
  /** The PolicyEndpoints must not change for this long before a disagreement is final. */
  readonly quietMs?: number;
  readonly timeoutMs?: number;
}

/**
 * Waits until every scenario agrees, or until the controller has stopped writing PolicyEndpoints for `quietMs`
 * (then the remaining disagreements are final), and returns each scenario's outcome.
 */
export async function settle(
  admin: KubeClient,
  placed: readonly [Scenario, Placement][],
  options: SettleOptions,
): Promise<ScenarioOutcome[]> {
  const quietMs = options.quietMs ?? 6_000;
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  const live = await openLiveCluster({ kubeconfigPath: options.adminKubeconfig });
  let versions = await policyEndpointVersions(admin);
  let quietSince = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const now = await policyEndpointVersions(admin);
    if (now !== versions) {
      versions = now;
      quietSince = Date.now();
      continue;
    }
    const outcomes = outcomesOf(await live.source.readInventory(), placed);
    if (outcomes.every(agrees) || Date.now() - quietSince >= quietMs || Date.now() > deadline) return outcomes;
  }
}

/** Creates the scenarios side by side, each in its own namespaces, and settles them together. */
export async function runSideBySide(
  admin: KubeClient,
  placed: readonly [Scenario, Placement][],
  options: SettleOptions,
): Promise<ScenarioOutcome[]> {
  await materialise(admin, placed);
  return settle(admin, placed, options);
}

/** A scenario as YAML (logical namespaces), with what was expected and what the audit found. */
export function reproduction(outcome: ScenarioOutcome): string {
  return stringify({
    scenario: outcome.scenario,
    expectedDifferences: outcome.expected,
    actualDifferences: outcome.actual,
    findings: outcome.findings.map((finding) => ({
      checkId: finding.checkId,
      message: finding.message,
      expected: finding.expected,
      actual: finding.actual,
    })),
  });
}
