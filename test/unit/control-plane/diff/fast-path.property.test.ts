import fc from 'fast-check';
import {
  canonicalGroups,
  portKey,
  sameCanonicalContent,
  type CanonicalGroup,
  type EndpointLike,
} from '#engine/control-plane/diff/canonical';
import {
  podNameKey,
  podsByName,
  podTupleKey,
  podView,
  samePods,
  type PodEndpointLike,
} from '#engine/control-plane/diff/pod-endpoints';
import { canonicalEntries, compareEntries, entryKey } from '#engine/control-plane/resolver/index';
import { canonicalPodEndpoints, comparePodEndpoints } from '#engine/control-plane/resolver/pods';
import type { EndpointInfo, EndpointPort, PodEndpoint } from '#engine/model/kubernetes';

/** Loosely typed ports, as hand-made snapshots carry them. */
const looseEntry: fc.Arbitrary<EndpointLike> = fc.record(
  {
    cidr: fc.constantFrom('10.0.0.1', ' 10.0.0.1', '10.0.0.2', '10.0.0.0/16', '', null),
    domainName: fc.constantFrom('a.example.com', '', undefined),
    except: fc.constantFrom(null, [], ['10.0.1.0/24'], ['10.0.2.0/24', ' 10.0.1.0/24'], ['10.0.1.0/24', '10.0.1.0/24']),
    ports: fc.option(
      fc.array(
        fc.record(
          {
            protocol: fc.constantFrom('TCP', 'tcp', 'UDP', ' UDP', '', null, undefined),
            port: fc.constantFrom(80, 443, 'http', null, undefined),
            endPort: fc.constantFrom(81, null, undefined),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
      { nil: undefined },
    ),
    action: fc.constantFrom('Accept', 'Deny', undefined),
  },
  { requiredKeys: [] },
);

/** Entries the entry-for-entry path takes: a CIDR, no except list, a few ports. */
const plainEntry: fc.Arbitrary<EndpointLike> = fc.record({
  cidr: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3'),
  ports: fc.array(
    fc.record({
      protocol: fc.constantFrom('TCP', 'UDP'),
      port: fc.constantFrom(80, 443),
      endPort: fc.constantFrom(81, undefined),
    }),
    { maxLength: 2 },
  ),
});

const anyEntry = fc.oneof(looseEntry, plainEntry);

function shuffledChunks<T>(items: readonly T[], seed: number, chunkSize: number): T[][] {
  const copy = [...items];
  let state = seed;
  for (let index = copy.length - 1; index > 0; index--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const other = state % (index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  const chunks: T[][] = [];
  for (let start = 0; start < copy.length; start += chunkSize) chunks.push(copy.slice(start, start + chunkSize));
  return chunks;
}

function canonicalSummary(groups: ReadonlyMap<string, CanonicalGroup>): string[] {
  return [...groups.values()]
    .map((group) => `${group.key}#${String(group.allPorts)}#${[...group.ports.values()].map(portKey).sort().join(';')}`)
    .sort();
}

describe('diff fast paths decide "no difference" only when the detailed comparison finds none', () => {
  it('same canonical content implies the same canonical groups, ports and all-ports flags', () => {
    fc.assert(
      fc.property(
        fc.array(anyEntry, { minLength: 1, maxLength: 8 }),
        anyEntry,
        fc.nat(),
        fc.boolean(),
        (expected, replacement, position, withAction) => {
          // Prepare
          const actual = expected.map((candidate, index) =>
            index === position % expected.length ? replacement : candidate,
          );
          const expectedGroups = canonicalGroups(expected, withAction);

          // Act
          const same = sameCanonicalContent([expected], [actual], withAction);

          // Assess
          if (same) {
            expect(canonicalSummary(canonicalGroups(actual, withAction))).toEqual(canonicalSummary(expectedGroups));
          }
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('recognises reordered, rechunked and repeated content as the same', () => {
    fc.assert(
      fc.property(
        fc.array(looseEntry, { maxLength: 10 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        (expected, seed, chunkSize, withAction) => {
          // Prepare
          const actual = shuffledChunks([...expected, ...expected.slice(0, 2)], seed, chunkSize);

          // Act
          const same = sameCanonicalContent([expected], [null, ...actual], withAction);

          // Assess
          expect(same).toBe(true);
        },
      ),
    );
  });

  it('does not call content with a non-list chunk the same', () => {
    // Prepare
    const entries: EndpointLike[] = [{ cidr: '10.0.0.1' }];
    const chunk = { cidr: '10.0.0.9' } as unknown as EndpointLike[];

    // Act
    const same = sameCanonicalContent([entries], [entries, chunk]);

    // Assess
    expect(same).toBe(false);
  });

  const pod: fc.Arbitrary<PodEndpointLike> = fc.record(
    {
      namespace: fc.constantFrom('app', 'a/b', 'a', null),
      name: fc.constantFrom('web', 'b/web', 'db', undefined),
      podIP: fc.constantFrom('10.0.0.1', '10.0.0.2', ''),
      hostIP: fc.constantFrom('192.168.0.1', null),
    },
    { requiredKeys: [] },
  );

  it('same pods implies every listed pod is expected with its first tuple and every expected pod is listed; reordered lists are the same', () => {
    fc.assert(
      fc.property(
        fc.array(pod, { minLength: 1, maxLength: 6 }),
        pod,
        fc.nat(),
        fc.integer({ min: 0, max: 1000 }),
        (expected, replacement, position, seed) => {
          // Prepare
          const actual = expected.map((candidate, index) =>
            index === position % expected.length ? replacement : candidate,
          );
          const unique = expected.filter(
            (candidate, index) =>
              expected.findIndex(
                (other) =>
                  (other.namespace ?? '') === (candidate.namespace ?? '') &&
                  (other.name ?? '') === (candidate.name ?? ''),
              ) === index,
          );

          // Act
          const same = samePods([expected], [actual]);
          const reordered = samePods([expected], shuffledChunks(unique, seed, 2));

          // Assess
          if (same) {
            const first = new Map<string, string>();
            for (const view of expected.map(podView))
              if (!first.has(podNameKey(view))) first.set(podNameKey(view), podTupleKey(view));
            const listed = podsByName(actual);
            expect([...listed.keys()].sort()).toEqual([...first.keys()].sort());
            for (const [name, tuples] of listed) expect([...tuples.keys()]).toEqual([first.get(name)]);
          }
          if (!unique.some((candidate) => `${candidate.namespace ?? ''}${candidate.name ?? ''}`.includes('/'))) {
            expect(reordered).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('canonical resolver lists match the keyed dedup they replace', () => {
  const port: fc.Arbitrary<EndpointPort> = fc.record(
    {
      protocol: fc.constantFrom('TCP' as const, 'UDP' as const),
      port: fc.constantFrom(80, 8081),
      endPort: fc.constant(81),
    },
    { requiredKeys: ['protocol'] },
  );
  const entry: fc.Arbitrary<EndpointInfo> = fc.record(
    {
      cidr: fc.constantFrom('10.0.0.1', '10.0.0.10', '10.0.0.2'),
      domainName: fc.constantFrom('a.example.com'),
      except: fc.constantFrom(['10.0.1.0/24'], ['10.0.1.0/24', '10.0.2.0/24']),
      ports: fc.array(port, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  );

  it('canonicalEntries: first occurrence per identity, then stable order', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), (entries) => {
        // Prepare
        const unique = new Map<string, EndpointInfo>();
        for (const candidate of entries)
          if (!unique.has(entryKey(candidate))) unique.set(entryKey(candidate), candidate);
        const reference = [...unique.values()].sort(compareEntries);

        // Act
        const canonical = canonicalEntries(entries);

        // Assess
        expect(canonical).toHaveLength(reference.length);
        canonical.forEach((candidate, index) => {
          expect(candidate).toBe(reference[index]);
        });
      }),
    );
  });

  it('canonicalPodEndpoints: the last object per identity, sorted', () => {
    const endpoint: fc.Arbitrary<PodEndpoint> = fc.record({
      namespace: fc.constantFrom('a', 'b'),
      name: fc.constantFrom('web', 'db'),
      podIP: fc.constantFrom('10.0.0.1', '10.0.0.2'),
      hostIP: fc.constantFrom('192.168.0.1'),
    });
    fc.assert(
      fc.property(fc.array(endpoint, { maxLength: 10 }), (endpoints) => {
        // Prepare
        const unique = new Map<string, PodEndpoint>();
        for (const candidate of endpoints) {
          unique.set(
            JSON.stringify([candidate.namespace, candidate.name, candidate.podIP, candidate.hostIP]),
            candidate,
          );
        }
        const reference = [...unique.values()].sort(comparePodEndpoints);

        // Act
        const canonical = canonicalPodEndpoints(endpoints);

        // Assess
        expect(canonical).toHaveLength(reference.length);
        canonical.forEach((candidate, index) => {
          expect(candidate).toBe(reference[index]);
        });
      }),
    );
  });
});
