import type { ObjectMeta, OwnerReference } from '../../model/kubernetes';

/**
 * Endpoint objects indexed once by policyRef and by controller owner UID, so attributing them to policies never
 * scans all endpoint objects per policy and never relies on the generated object name.
 */
export class EndpointIndex<T extends { readonly metadata: ObjectMeta }> {
  private readonly byRef = new Map<string, T[]>();
  private readonly byOwnerUid = new Map<string, T[]>();

  constructor(objects: Iterable<T>, refKeyOf: (object: T) => string) {
    for (const object of objects) {
      push(this.byRef, refKeyOf(object), object);
      const uid = controllerOwner(object.metadata)?.uid;
      if (uid !== undefined && uid !== '') push(this.byOwnerUid, uid, object);
    }
  }

  /** Objects whose policyRef is `refKey` or whose controller owner has `uid`, each once, in input order. */
  gather(refKey: string, uid: string | undefined, exclude: (object: T) => boolean = () => false): T[] {
    const byRef = (this.byRef.get(refKey) ?? []).filter((object) => !exclude(object));
    const byUid = uid === undefined || uid === '' ? [] : (this.byOwnerUid.get(uid) ?? []);
    if (byUid.length === 0) return byRef;
    const seen = new Set(byRef);
    return [...byRef, ...byUid.filter((object) => !seen.has(object))];
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** The ownerReference with `controller: true`, else the only ownerReference (hand-made objects omit the flag). */
export function controllerOwner(metadata: ObjectMeta): OwnerReference | undefined {
  const owners = metadata.ownerReferences ?? [];
  return owners.find((owner) => owner.controller === true) ?? (owners.length === 1 ? owners[0] : undefined);
}
