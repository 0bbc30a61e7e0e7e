import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRbac, installStandInCrds } from './fixtures';
import { KubeClient, pathOf, type KubeObject } from './kube-admin';

const SERVER_SET = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'selfLink'];
/** Creation order: what others refer to first. */
const ORDER = [
  'Namespace',
  'Node',
  'ConfigMap',
  'DaemonSet',
  'Service',
  'Pod',
  'NetworkPolicy',
  'ApplicationNetworkPolicy',
  'ClusterNetworkPolicy',
  'PolicyEndpoint',
  'ClusterPolicyEndpoint',
];
const WITH_STATUS = new Set(['Node', 'Pod', 'DaemonSet']);

interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

export async function readExampleObjects(exampleDirectory: string): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  const k8s = join(exampleDirectory, 'k8s');
  for (const file of (await readdir(k8s)).filter((name) => name.endsWith('.json')).sort()) {
    const content = JSON.parse(await readFile(join(k8s, file), 'utf8')) as { items?: KubeObject[] } & KubeObject;
    objects.push(...(content.items ?? [content]));
  }
  return objects;
}

/** The object as a client would POST it: without the fields the API server sets, and without status. */
export function forCreate(object: KubeObject): KubeObject {
  const metadata = Object.fromEntries(Object.entries(object.metadata).filter(([key]) => !SERVER_SET.includes(key)));
  const rest = Object.fromEntries(Object.entries(object).filter(([key]) => key !== 'status'));
  return { ...rest, metadata } as KubeObject;
}

/**
 * The examples keep only what the engine reads; the API server needs a few more required fields. Added only
 * where missing, with values the engine does not look at.
 */
function completeForApiServer(object: KubeObject): KubeObject {
  if (object.kind !== 'DaemonSet') return object;
  const spec = (object.spec ?? {}) as {
    selector?: unknown;
    template?: { metadata?: { labels?: Record<string, string> } };
  };
  const labels = spec.template?.metadata?.labels ?? { 'k8s-app': object.metadata.name };
  return {
    ...object,
    spec: {
      ...spec,
      selector: spec.selector ?? { matchLabels: labels },
      template: { ...spec.template, metadata: { ...spec.template?.metadata, labels } },
    },
  };
}

export interface LoadedExample {
  /** Example uid → live uid, for policies (owner references of PolicyEndpoints are rewritten through it). */
  readonly uidMap: ReadonlyMap<string, string>;
  readonly created: number;
}

/**
 * Loads an example snapshot's k8s objects into a real API server as admin: statuses through the status
 * subresource (no kubelet runs), PolicyEndpoints as the controller would have written them (owner references
 * point at the live policy's uid when the example's pointed at the example policy's uid).
 */
export async function loadExample(admin: KubeClient, exampleDirectory: string): Promise<LoadedExample> {
  const objects = await readExampleObjects(exampleDirectory);
  const rank = (kind: string): number => (ORDER.includes(kind) ? ORDER.indexOf(kind) : ORDER.length);
  objects.sort((a, b) => rank(a.kind) - rank(b.kind));
  const uidMap = new Map<string, string>();
  let created = 0;
  for (const object of objects) {
    const body = completeForApiServer(forCreate(object));
    if (object.kind === 'PolicyEndpoint' || object.kind === 'ClusterPolicyEndpoint') {
      const owners = (object.metadata.ownerReferences as OwnerReference[] | undefined) ?? [];
      body.metadata.ownerReferences = owners.map((owner) => {
        const live = uidMap.get(owner.uid);
        return live === undefined ? owner : { ...owner, uid: live };
      });
    }
    let live: KubeObject;
    const existing = await admin.send('GET', pathOf(body, true));
    if (existing.status === 200) {
      // Objects the API server creates itself (default namespaces, the `kubernetes` Service): take the example's labels.
      const patched = await admin.expect(
        'PATCH',
        pathOf(body, true),
        { metadata: { labels: body.metadata.labels ?? {} } },
        { contentType: 'application/merge-patch+json' },
      );
      live = patched.body as KubeObject;
    } else {
      const reply = await admin.send('POST', pathOf(body), body);
      if (reply.status !== 201 && reply.status !== 200) {
        throw new Error(
          `loading ${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}: HTTP ${reply.status}: ${JSON.stringify(reply.body).slice(0, 600)}`,
        );
      }
      live = reply.body as KubeObject;
      created += 1;
    }
    const exampleUid = object.metadata.uid;
    const liveUid = live.metadata.uid;
    if (typeof exampleUid === 'string' && typeof liveUid === 'string') uidMap.set(exampleUid, liveUid);
    if (WITH_STATUS.has(object.kind) && object.status !== undefined) {
      await admin.expect(
        'PATCH',
        `${pathOf(body, true)}/status`,
        { status: object.status },
        { contentType: 'application/merge-patch+json' },
      );
    }
  }
  return { uidMap, created };
}

/** The audit's RBAC, the stand-in CRDs and the example's objects, loaded into a fresh test cluster. */
export async function loadAuditableExample(adminKubeconfig: string, exampleDirectory: string): Promise<LoadedExample> {
  const admin = await KubeClient.fromKubeconfig(adminKubeconfig);
  await applyRbac(admin);
  await installStandInCrds(admin);
  return loadExample(admin, exampleDirectory);
}
