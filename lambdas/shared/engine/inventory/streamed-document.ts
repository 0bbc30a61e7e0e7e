import { ListShape, located, projectObject, TypeMeta, type Projected } from './project-object';

/**
 * A JSON document read in pieces by a streaming reader (a `kubectl get -o json` List of any size, or a bare array),
 * projected item by item: only the projected objects stay in memory, never the raw items. The result is exactly what
 * `InventoryAccumulator.addDocument` gives for the whole document.
 */

/** A top-level JSON array: the reader calls `element` for each element, in order. */
export interface ArrayStream {
  element(element: unknown): void;
}

/**
 * A top-level JSON object: the reader calls `member` for each member except an `items` array, and for that array
 * `beginItems` and then `item` for each element; then `end()`.
 */
export interface ObjectStream {
  member(key: string, value: unknown): void;
  beginItems(): void;
  item(item: unknown): void;
  /**
   * Ends the document. `true`: it has been taken in. `false`: the streamed `items` did not belong to a List (no
   * `kind` ending in `List`, or duplicate keys): nothing was taken in, and the caller adds the whole document
   * (`addDocument`) instead.
   */
  end(): boolean;
}

type Pending = { readonly projected: Projected } | { readonly index: number; readonly item: unknown };

/** An item that names its own apiVersion and kind does not need the List's. */
function describesItself(item: unknown): boolean {
  const meta = TypeMeta.safeParse(item);
  return meta.success && meta.data.apiVersion !== undefined && meta.data.kind !== undefined;
}

type Commit = (projected: Projected) => void;
/** Told the `kind` of a streamed List (`List`, `PodList`, …) once the document is taken in. */
type ListSeen = (listKind: string) => void;

class ElementStream implements ArrayStream {
  private elements = 0;

  constructor(
    private readonly source: string,
    private readonly commit: Commit,
  ) {}

  element(element: unknown): void {
    this.commit(projectObject(located(`${this.source}#[${this.elements}]`, element)));
    this.elements += 1;
  }
}

class ListStream implements ObjectStream {
  private readonly members = new Map<string, unknown>();
  private readonly pending: Pending[] = [];
  private items = 0;
  private streamedItems = false;
  private duplicateKey = false;

  constructor(
    private readonly source: string,
    private readonly commit: Commit,
    private readonly listSeen?: ListSeen,
  ) {}

  member(key: string, value: unknown): void {
    this.noteKey(key);
    this.members.set(key, value);
  }

  beginItems(): void {
    this.noteKey('items');
    this.streamedItems = true;
  }

  item(item: unknown): void {
    const index = this.items;
    this.items += 1;
    if (this.duplicateKey) return;
    const settled = this.members.has('kind') && this.members.has('apiVersion');
    if (settled || describesItself(item)) this.pending.push({ projected: this.projectItem(index, item) });
    else this.pending.push({ index, item });
  }

  end(): boolean {
    if (this.duplicateKey) return false;
    if (!this.streamedItems) {
      this.commit(projectObject(located(this.source, Object.fromEntries(this.members))));
      return true;
    }
    if (!this.isList()) return false;
    const kind = this.members.get('kind');
    if (typeof kind === 'string') this.listSeen?.(kind);
    for (const entry of this.pending)
      this.commit('projected' in entry ? entry.projected : this.projectItem(entry.index, entry.item));
    return true;
  }

  private noteKey(key: string): void {
    if (this.members.has(key) || (key === 'items' && this.streamedItems)) this.duplicateKey = true;
  }

  /** The test of `objectsOf` in build-inventory.ts, on the members read so far and an `items` array. */
  private isList(): boolean {
    const shape = ListShape.safeParse({ ...Object.fromEntries(this.members), items: [] });
    return shape.success && shape.data.kind.endsWith('List');
  }

  private projectItem(index: number, item: unknown): Projected {
    const kind = this.members.get('kind');
    const apiVersion = this.members.get('apiVersion');
    const fallback = {
      ...(typeof apiVersion === 'string' ? { apiVersion } : {}),
      ...(typeof kind !== 'string' || kind === 'List' ? {} : { kind: kind.slice(0, -'List'.length) }),
    };
    return projectObject(located(`${this.source}#items[${index}]`, item, fallback));
  }
}

export function arrayStream(source: string, commit: Commit): ArrayStream {
  return new ElementStream(source, commit);
}

export function objectStream(source: string, commit: Commit, listSeen?: ListSeen): ObjectStream {
  return new ListStream(source, commit, listSeen);
}
