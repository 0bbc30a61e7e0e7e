import fc from 'fast-check';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import {
  audit,
  compareReports,
  type AuditReport,
  type ClusterInventory,
  type PolicyEndpoint,
  type RawNodeOutput,
} from '#engine';

const NOW = new Date('2026-11-26T12:00:00Z');
const DRIFT_NODE = 'ip-10-0-1-25.eu-west-1.compute.internal';

interface Example {
  readonly inventory: ClusterInventory;
  readonly nodeOutputs: readonly RawNodeOutput[];
}

let drift: Example;
beforeAll(async () => {
  const source = new SnapshotDirectory('examples/drift-cluster');
  drift = { inventory: await source.readInventory(), nodeOutputs: await source.readNodeOutputs() };
});

function auditOf(example: Example): AuditReport {
  return audit(
    { ...example, source: { kind: 'snapshot', location: 'drift-cluster' } },
    { now: NOW, engineVersion: 'test' },
  );
}

function fingerprints(report: AuditReport, layer?: string): string[] {
  const findings = report.findings.filter((finding) => layer === undefined || finding.layer === layer);
  return [...new Set(findings.map((finding) => finding.fingerprint ?? ''))].sort();
}

/** `dump-maps` output as its entry blocks (each ends with the `*****` line) and the trailer after them. */
function dumpBlocks(text: string): { blocks: string[][]; trailer: string[] } {
  const blocks: string[][] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    current.push(line);
    if (/^\*+$/.test(line)) {
      blocks.push(current);
      current = [];
    }
  }
  return { blocks, trailer: current };
}

function joinDump(blocks: readonly (readonly string[])[], trailer: readonly string[]): string {
  return [...blocks.flat(), ...trailer].join('\n');
}

function nodeFiles(example: Example): Map<string, string> {
  const raw = example.nodeOutputs.find((output) => output.nodeName === DRIFT_NODE);
  if (raw === undefined) throw new Error(`the drift example lost node ${DRIFT_NODE}`);
  return new Map(raw.files);
}

function withNodeFiles(example: Example, files: ReadonlyMap<string, string>): Example {
  return {
    ...example,
    nodeOutputs: example.nodeOutputs.map((output) => (output.nodeName === DRIFT_NODE ? { ...output, files } : output)),
  };
}

/** Same kernel state, collected again: every map dump in another entry order, the files in another order. */
function recollected(example: Example, order: (blocks: string[][]) => string[][]): Example {
  const files = [...nodeFiles(example)].map(([path, text]): [string, string] => {
    if (!path.startsWith('maps/')) return [path, text];
    const { blocks, trailer } = dumpBlocks(text);
    return [path, joinDump(order(blocks), trailer)];
  });
  return withNodeFiles(
    example,
    new Map(order(files.map((file) => [...file])).map(([path, text]) => [path ?? '', text ?? ''])),
  );
}

/** The PolicyEndpoints of one policy with their lists re-cut into `cuts.length + 1` chunks under new names. */
function rechunked(endpoints: readonly PolicyEndpoint[], cuts: readonly number[], salt: string): PolicyEndpoint[] {
  const [first] = endpoints;
  if (first === undefined) return [];
  const all = {
    podSelectorEndpoints: endpoints.flatMap((endpoint) => endpoint.spec.podSelectorEndpoints ?? []),
    ingress: endpoints.flatMap((endpoint) => endpoint.spec.ingress ?? []),
    egress: endpoints.flatMap((endpoint) => endpoint.spec.egress ?? []),
  };
  const chunks = cuts.length + 1;
  const offset = cuts.reduce((sum, cut) => sum + cut, 0);
  const part = <T>(list: readonly T[], index: number): T[] =>
    list.filter((_, position) => (position + offset) % chunks === index);
  return Array.from({ length: chunks }, (_, index) => ({
    ...first,
    metadata: { ...first.metadata, name: `${first.spec.policyRef.name}-${salt}${String(index)}` },
    spec: {
      ...first.spec,
      podSelectorEndpoints: part(all.podSelectorEndpoints, index),
      ingress: part(all.ingress, index),
      egress: part(all.egress, index),
    },
  }));
}

/** Policies whose PolicyEndpoints agree on everything but their lists: re-chunking them changes no drift. */
function uniformGroups(endpoints: readonly PolicyEndpoint[]): Map<string, PolicyEndpoint[]> {
  const groups = new Map<string, PolicyEndpoint[]>();
  for (const endpoint of endpoints) {
    const key = `${endpoint.metadata.namespace}/${endpoint.spec.policyRef.name}`;
    groups.set(key, [...(groups.get(key) ?? []), endpoint]);
  }
  const sameShape = (endpoint: PolicyEndpoint): string =>
    JSON.stringify([endpoint.spec.podSelector, endpoint.spec.podIsolation, endpoint.metadata.ownerReferences]);
  return new Map([...groups].filter(([, list]) => new Set(list.map(sameShape)).size === 1));
}

/** Fingerprints that more than one of the different drifts produced (exhaustive over every pair). */
function sharedBetweenDrifts(drifts: readonly (readonly string[])[]): string[] {
  const seen = new Map<string, number>();
  drifts.forEach((fingerprintsOfDrift, index) => {
    for (const fingerprint of fingerprintsOfDrift) seen.set(fingerprint, seen.has(fingerprint) ? -1 : index);
  });
  return [...seen].filter(([, index]) => index < 0).map(([fingerprint]) => fingerprint);
}

describe('finding fingerprints', () => {
  it('every finding of the drift example has a fingerprint, and compareReports finds nothing new in a re-run', () => {
    // Act
    const first = auditOf(drift);
    const second = auditOf(drift);
    // Assess
    expect(first.findings.every((finding) => /^[0-9a-f]{32}$/.test(finding.fingerprint ?? ''))).toBe(true);
    const comparison = compareReports(first, second);
    expect(comparison.newFindings).toEqual([]);
    expect(comparison.resolvedFindings).toEqual([]);
    expect(comparison.persistingFindings.length).toBe(fingerprints(first).length);
  });

  it('distinct drifts on one resource get distinct fingerprints (the drift example has no two alike)', () => {
    // Act
    const report = auditOf(drift);
    // Assess
    const byFingerprint = new Map<string, string[]>();
    for (const finding of report.findings) {
      const key = finding.fingerprint ?? '';
      byFingerprint.set(key, [...(byFingerprint.get(key) ?? []), finding.message]);
    }
    expect([...byFingerprint.values()].filter((messages) => messages.length > 1)).toEqual([]);
  });

  it('keeps node fingerprints when the node is collected again with dumps in another order', () => {
    // Prepare
    const baseline = auditOf(drift);
    const again = recollected(drift, (blocks) => [...blocks].reverse());
    const original = nodeFiles(drift);
    const changedDumps = [...nodeFiles(again)].filter(([path, text]) => original.get(path) !== text);
    // Act
    const reversed = auditOf(again);
    // Assess
    expect(changedDumps.length).toBeGreaterThan(5);
    expect(fingerprints(reversed, 'node')).toEqual(fingerprints(baseline, 'node'));
  });

  it('property: any re-collection order keeps every fingerprint', () => {
    const baseline = fingerprints(auditOf(drift));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const shuffle = <T>(items: readonly T[]): T[] => {
          const copy = [...items];
          let state = seed;
          for (let index = copy.length - 1; index > 0; index--) {
            state = (state * 48271) % 2147483647;
            const other = state % (index + 1);
            [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
          }
          return copy;
        };
        expect(fingerprints(auditOf(recollected(drift, shuffle)))).toEqual(baseline);
      }),
      { numRuns: 25 },
    );
  });

  it('property: re-chunked and reordered PolicyEndpoints keep every control-plane fingerprint', () => {
    const baseline = fingerprints(auditOf(drift), 'control-plane');
    const groups = uniformGroups(drift.inventory.policyEndpoints);
    const untouched = drift.inventory.policyEndpoints.filter(
      (endpoint) => !groups.has(`${endpoint.metadata.namespace}/${endpoint.spec.policyRef.name}`),
    );
    expect(groups.size).toBeGreaterThan(3);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 3 }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'x', '7'), minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (cuts, salt, reverse) => {
          const rechunkedEndpoints = [...groups.values()].flatMap((list) => rechunked(list, cuts, salt));
          const all = [...untouched, ...rechunkedEndpoints];
          const inventory = { ...drift.inventory, policyEndpoints: reverse ? all.reverse() : all };
          expect(fingerprints(auditOf({ ...drift, inventory }), 'control-plane')).toEqual(baseline);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('deleting any two different kernel map keys gives different new drift, each with its own fingerprint', () => {
    // Prepare: every (map, key) of the drift node's LPM dumps that the agent must hold
    const baseline = new Set(fingerprints(auditOf(drift)));
    const files = nodeFiles(drift);
    const keys = [...files]
      .filter(([path, text]) => path.startsWith('maps/') && text.startsWith('Key: '))
      .flatMap(([path, text]) => dumpBlocks(text).blocks.map((_, index) => ({ path, index })));
    const newDrift = (key: { path: string; index: number }): string[] => {
      const edited = new Map(files);
      const { blocks, trailer } = dumpBlocks(files.get(key.path) ?? '');
      edited.set(
        key.path,
        joinDump(
          blocks.filter((_, index) => index !== key.index),
          trailer,
        ),
      );
      return fingerprints(auditOf(withNodeFiles(drift, edited))).filter((fingerprint) => !baseline.has(fingerprint));
    };
    const found = new Map(keys.map((key) => [`${key.path}#${String(key.index)}`, newDrift(key)]));
    // Assess: a deleted expected key is new drift; two different keys never share a fingerprint
    const withNewDrift = [...found.values()].filter((list) => list.length > 0);
    expect(withNewDrift.length).toBeGreaterThan(5);
    expect(sharedBetweenDrifts(withNewDrift)).toEqual([]);
  });

  it('dropping any two different PolicyEndpoint entries gives different new drift, each with its own fingerprint', () => {
    // Prepare: every (PolicyEndpoint, direction, entry) of the drift example
    const baseline = new Set(fingerprints(auditOf(drift)));
    const endpoints = drift.inventory.policyEndpoints;
    const entries = endpoints.flatMap((endpoint, at) =>
      (['ingress', 'egress'] as const).flatMap((direction) =>
        (endpoint.spec[direction] ?? []).map((_, index) => ({ at, direction, index })),
      ),
    );
    const newDrift = (entry: { at: number; direction: 'ingress' | 'egress'; index: number }): string[] => {
      const edited = endpoints.map((endpoint, at) =>
        at !== entry.at
          ? endpoint
          : {
              ...endpoint,
              spec: {
                ...endpoint.spec,
                [entry.direction]: (endpoint.spec[entry.direction] ?? []).filter((_, index) => index !== entry.index),
              },
            },
      );
      const report = auditOf({ ...drift, inventory: { ...drift.inventory, policyEndpoints: edited } });
      return fingerprints(report).filter((fingerprint) => !baseline.has(fingerprint));
    };
    const withNewDrift = entries.map(newDrift).filter((list) => list.length > 0);
    // Assess
    expect(withNewDrift.length).toBeGreaterThan(5);
    expect(sharedBetweenDrifts(withNewDrift)).toEqual([]);
  });
});
