import fc from 'fast-check';
import { ClusterIndex, compareEntries, entryKey, resolveNetworkPolicies } from '#engine/control-plane/resolver/index';
import { LabelIndex } from '#engine/label-index';
import type { LabelSelector, LabelSelectorRequirement } from '#engine/model/kubernetes';
import { selectorMatches } from '#engine/selectors';
import { inventory, namespace, networkPolicy, pod } from './builders';

const keyArb = fc.constantFrom('app', 'tier', 'env', 'constructor', 'toString', 'a.b/c');
const valueArb = fc.constantFrom('', 'x', 'y', 'web');
const labelsArb = fc.dictionary(keyArb, valueArb, { maxKeys: 4 });
const requirementArb: fc.Arbitrary<LabelSelectorRequirement> = fc.record(
  {
    key: keyArb,
    operator: fc.constantFrom('In' as const, 'NotIn' as const, 'Exists' as const, 'DoesNotExist' as const),
    values: fc.array(valueArb, { maxLength: 3 }),
  },
  { requiredKeys: ['key', 'operator'] },
);
const selectorArb: fc.Arbitrary<LabelSelector> = fc.record(
  { matchLabels: labelsArb, matchExpressions: fc.array(requirementArb, { maxLength: 3 }) },
  { requiredKeys: [] },
);

/** Reference semantics written independently, over a Map so that inherited properties cannot leak in. */
function naiveMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const present = new Map(Object.entries(labels));
  const labelsHold = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => present.get(key) === value);
  const expressionsHold = (selector.matchExpressions ?? []).every((requirement) => {
    const value = present.get(requirement.key);
    const values = requirement.values ?? [];
    if (requirement.operator === 'In') return value !== undefined && values.includes(value);
    if (requirement.operator === 'NotIn') return value === undefined || !values.includes(value);
    if (requirement.operator === 'Exists') return value !== undefined;
    return value === undefined;
  });
  return labelsHold && expressionsHold;
}

interface Item {
  readonly id: number;
  readonly namespace: string;
  readonly labels: Record<string, string>;
}
const itemsArb = fc
  .array(fc.record({ namespace: fc.constantFrom('a', 'b'), labels: labelsArb }), { maxLength: 30 })
  .map((items) => items.map((item, id): Item => ({ id, ...item })));

describe('label selector properties', () => {
  it('selectorMatches agrees with a naive reference implementation', () => {
    fc.assert(
      fc.property(selectorArb, labelsArb, (selector, labels) => {
        // Act / Assess
        expect(selectorMatches(selector, labels)).toBe(naiveMatches(selector, labels));
      }),
      { numRuns: 2000 },
    );
  });

  it('LabelIndex.select equals filtering every object of the namespace with selectorMatches, in insertion order', () => {
    fc.assert(
      fc.property(
        itemsArb,
        fc.option(selectorArb, { nil: undefined }),
        fc.constantFrom('a', 'b', 'c'),
        (items, selector, ns) => {
          // Prepare
          const index = new LabelIndex(
            items,
            (item) => item.namespace,
            (item) => item.labels,
          );

          // Act
          const selected = index.select(ns, selector).map((item) => item.id);

          // Assess
          const expected = items
            .filter((item) => item.namespace === ns && (selector === undefined || naiveMatches(selector, item.labels)))
            .map((item) => item.id);
          expect(selected).toEqual(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('ClusterIndex.namespacesMatching equals filtering all namespaces', () => {
    fc.assert(
      fc.property(fc.array(labelsArb, { maxLength: 10 }), selectorArb, (namespaceLabels, selector) => {
        // Prepare
        const namespaces = namespaceLabels.map((labels, position) => namespace(`ns-${position}`, labels));
        const index = new ClusterIndex({ namespaces, pods: [], services: [] });

        // Act
        const names = index.namespacesMatching(selector);

        // Assess
        const expected = namespaces
          .filter((item) => naiveMatches(selector, item.metadata.labels ?? {}))
          .map((item) => item.metadata.name);
        expect(names).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('resolver output properties', () => {
  it('resolved entries are unique by the controller identity and sorted', () => {
    const podArb = fc.record({
      namespace: fc.constantFrom('a', 'b'),
      labels: labelsArb,
      ip: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3'),
    });
    fc.assert(
      fc.property(fc.array(podArb, { maxLength: 15 }), selectorArb, selectorArb, (pods, podSelector, peerSelector) => {
        // Prepare
        const cluster = inventory({
          namespaces: [namespace('a'), namespace('b')],
          pods: pods.map((item, position) =>
            pod(item.namespace, `p-${position}`, { ip: item.ip, labels: item.labels }),
          ),
          networkPolicies: [
            networkPolicy('a', 'np', {
              podSelector,
              ingress: [{ from: [{ podSelector: peerSelector, namespaceSelector: {} }] }],
              egress: [{ to: [{ podSelector: peerSelector }], ports: [{ port: 80 }] }],
            }),
          ],
        });

        // Act
        const [resolved] = resolveNetworkPolicies(cluster);

        // Assess
        for (const entries of [resolved?.ingress ?? [], resolved?.egress ?? []]) {
          expect(new Set(entries.map(entryKey)).size).toBe(entries.length);
          for (let position = 1; position < entries.length; position++) {
            expect(compareEntries(entries[position - 1] ?? {}, entries[position] ?? {})).toBeLessThan(0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
