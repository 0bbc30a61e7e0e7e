import type { LabelSelector, LabelSelectorRequirement } from './model/kubernetes';

export type Labels = Readonly<Record<string, string>>;

function requirementMatches(requirement: LabelSelectorRequirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, requirement.key);
  const value = labels[requirement.key];
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
      return has && value !== undefined && values.includes(value);
    case 'NotIn':
      return !has || value === undefined || !values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/**
 * Kubernetes label-selector semantics: every matchLabels pair and every expression must hold. An empty
 * selector matches everything. Callers decide what an *absent* selector means (it differs per field).
 */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value || !Object.hasOwn(labels, key)) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    if (!requirementMatches(requirement, labels)) return false;
  }
  return true;
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/**
 * The posting-list keys (`key=value`) of which a matching object must carry at least one, per required term.
 * Returns one alternative set per term; an object must hit every term. Used to pick the smallest candidate
 * list from an index instead of scanning all objects.
 */
export function indexableTerms(selector: LabelSelector): string[][] {
  const terms: string[][] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) terms.push([labelKey(key, value)]);
  for (const requirement of selector.matchExpressions ?? []) {
    if (requirement.operator === 'In')
      terms.push((requirement.values ?? []).map((value) => labelKey(requirement.key, value)));
  }
  return terms;
}

export function labelKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

/** Stable text form of a selector, for messages and map keys. */
export function selectorToString(selector: LabelSelector | null | undefined): string {
  if (selector === null || selector === undefined) return '<absent>';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    parts.push(`${key}=${value}`);
  }
  for (const requirement of selector.matchExpressions ?? []) {
    const values = [...(requirement.values ?? [])].sort().join(',');
    parts.push(`${requirement.key} ${requirement.operator}${values === '' ? '' : ` (${values})`}`);
  }
  return parts.length === 0 ? '{}' : parts.join(', ');
}
