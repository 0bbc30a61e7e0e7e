import type { Layer } from './finding';

/**
 * What `defineNotChecked` takes: one kind of "not checked", the way a check is one `defineCheck`. The report's
 * `notChecked[].kind` names it; docs/limits.md lists every kind (generated from the catalogue).
 */
export interface NotCheckedSpec<K extends string = string> {
  /** Stable forever (reports and alert rules may key on it): `NC-` and the layer, e.g. `NC-NODE-…`. */
  readonly kind: K;
  readonly layer: Layer;
  /** When it happens: the input or state that leads to it. */
  readonly when: string;
  /** Why the audit cannot check it then (and does not guess). */
  readonly why: string;
  /** What the user can do to get it checked. */
  readonly remedy: string;
  /** The module(s) that produce entries of this kind, relative to the repository root. */
  readonly producedBy: string | readonly [string, ...string[]];
}

/** An entry of the not-checked catalogue. */
export interface NotCheckedDefinition<K extends string = string> extends Omit<NotCheckedSpec<K>, 'producedBy'> {
  readonly producedBy: readonly [string, ...string[]];
}

/** The one way to declare a kind of "not checked"; the kind stays a literal in its type. */
export function defineNotChecked<const K extends string>(spec: NotCheckedSpec<K>): NotCheckedDefinition<K> {
  const producedBy: readonly [string, ...string[]] =
    typeof spec.producedBy === 'string' ? [spec.producedBy] : spec.producedBy;
  return { ...spec, producedBy };
}
