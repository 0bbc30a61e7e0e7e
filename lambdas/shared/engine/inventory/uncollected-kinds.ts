import type { UnavailableKind } from '../model/cluster';
import type { ResourceRef } from '../model/finding';

/**
 * Kinds the engine reads one object of, whose absence is itself a finding (no aws-node DaemonSet: "the CNI is not
 * running"; no amazon-vpc-cni ConfigMap: "the controller is disabled"). In an input that does not say which kinds
 * were read (a hand-made snapshot without snapshot.json), no object and no typed list of the kind means the kind was
 * not collected, not that the object is absent.
 */
const SINGLE_OBJECT_KINDS: readonly { readonly kind: string; readonly object: string }[] = [
  { kind: 'DaemonSet', object: 'kube-system/aws-node' },
  { kind: 'ConfigMap', object: 'kube-system/amazon-vpc-cni' },
];

/**
 * The single object a malformed object was (an aws-node DaemonSet the schema refuses): it was not read, so the
 * checks that need it are not run, rather than reporting it absent. `undefined` for any other object.
 */
export function unreadableSingleObject(resource: ResourceRef): UnavailableKind | undefined {
  const object = `${resource.namespace ?? ''}/${resource.name}`;
  const single = SINGLE_OBJECT_KINDS.find((entry) => entry.kind === resource.kind && entry.object === object);
  if (single === undefined) return undefined;
  return {
    kind: single.kind,
    reason: `${single.kind} ${object} could not be read (INPUT-MALFORMED-OBJECT)`,
    cause: 'failed',
  };
}

function listed(unavailable: readonly UnavailableKind[], kind: string): boolean {
  return unavailable.some((entry) => entry.kind === kind);
}

/** The single-object kinds the input holds nothing of (no object of the kind, no typed list such as `DaemonSetList`). */
export function uncollectedKinds(
  kindsSeen: ReadonlySet<string>,
  unavailable: readonly UnavailableKind[],
): UnavailableKind[] {
  return SINGLE_OBJECT_KINDS.filter(({ kind }) => !kindsSeen.has(kind) && !listed(unavailable, kind)).map(
    ({ kind, object }) => ({
      kind,
      reason: `${kind} ${object} not in the input (no ${kind} object and no ${kind}List in k8s/, and no snapshot.json says the kind was read)`,
      cause: 'not-collected',
    }),
  );
}
