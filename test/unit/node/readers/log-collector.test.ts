import { parseNodeBundle } from '#engine/node/bundle';
import { assessCollection } from '#engine/node/compare/collection';
import { sample } from '../parsers/support/fixtures';

const LOADED = sample('aws-eks-na-cli_ebpf_loaded-ebpfdata.v1.4.x.txt');
const LPM_DUMP = sample('aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.3.0-plus.txt');
const CP_DUMP = sample('aws-eks-na-cli_ebpf_dump-cp-maps_cp_egress_map.v1.3.0-v1.4.1.txt');
const EMPTY = 'No Entries found, Empty map\n';

/** As `get_network_policy_ebpf_info` writes them: `echo "*** … ***" >> file`, then the CLI's output appended. */
const loadedDataFile = (text: string): string => `*** EBPF loaded data ***\n${text}`;
const mapsFile = (dumps: readonly [number, string][]): string =>
  dumps.map(([id, text]) => `*** EBPF Maps Data for Map ID ${id} ***\n${text}`).join('');

function bundleOf(files: Record<string, string>) {
  return parseNodeBundle({ nodeName: 'n1', sourceDirectory: 'nodes/n1', files: new Map(Object.entries(files)) });
}

describe('the EKS log collector bundle layout', () => {
  it('is detected from its networking/ files; our loaded-ebpfdata.txt beside them keeps our layout', () => {
    // Act
    const logCollector = bundleOf({ 'networking/ebpf-data.txt': loadedDataFile(LOADED) });
    const both = bundleOf({ 'loaded-ebpfdata.txt': LOADED, 'networking/ebpf-data.txt': loadedDataFile(LOADED) });
    const ours = bundleOf({ 'loaded-ebpfdata.txt': LOADED });

    // Assess
    expect(logCollector.layout.kind).toBe('eks-log-collector');
    expect(both.layout.kind).toBe('collector');
    expect(both.ignoredFiles).toEqual(['networking/ebpf-data.txt']);
    expect(ours.layout.kind).toBe('collector');
  });

  it('skips the "*** EBPF loaded data ***" header and keeps the file\'s line numbers', () => {
    // Act
    const bundle = bundleOf({ 'networking/ebpf-data.txt': loadedDataFile(LOADED) });

    // Assess
    expect(bundle.parseErrors).toEqual([]);
    expect(bundle.loadedEbpfData?.programs.map((program) => program.line)).toEqual([2, 17, 32, 47]);
    expect(bundle.program('web@db', 'egress')?.programId).toBe(821);
  });

  it('splits the all-maps files into one dump per "Map ID N" header, named <file>#<id>', () => {
    // Act
    const bundle = bundleOf({
      'networking/ebpf-data.txt': loadedDataFile(LOADED),
      'networking/ebpf-maps-data.txt': mapsFile([
        [1631, LPM_DUMP],
        [1637, EMPTY],
      ]),
      'networking/ebpf-cp-maps-data.txt': mapsFile([[1639, CP_DUMP]]),
    });

    // Assess
    expect(bundle.parseErrors).toEqual([]);
    expect([...bundle.maps.values()].map((map) => [map.id, map.file, map.role, map.outcome.kind])).toEqual([
      [1631, 'networking/ebpf-maps-data.txt#1631', 'ingress_map', 'lpm-map'],
      [1637, 'networking/ebpf-maps-data.txt#1637', 'ingress_map', 'empty-map'],
      [1639, 'networking/ebpf-cp-maps-data.txt#1639', 'cp_egress_map', 'cp-map'],
    ]);
    expect(bundle.layout.mapDumpFile(1632, 'ingress_pod_state_map')).toBeNull();
    expect(bundle.layout.notCollected.map((gap) => gap.scope)).toEqual(['pod-state maps']);
  });

  it('counts the lines of a dump from the line after its header, as in maps/<id>.txt', () => {
    // Act
    const split = bundleOf({
      'networking/ebpf-maps-data.txt': mapsFile([
        [7, EMPTY],
        [1631, LPM_DUMP],
      ]),
    });
    const ours = bundleOf({ 'maps/1631.txt': LPM_DUMP });

    // Assess
    expect(split.mapDump(1631)?.outcome).toEqual(ours.mapDump(1631)?.outcome);
  });

  it('reports output before the first header and a map dumped twice as parse errors at their lines', () => {
    // Act
    const bundle = bundleOf({
      'networking/ebpf-maps-data.txt': `\nstray line\n${mapsFile([
        [7, EMPTY],
        [7, EMPTY],
      ])}`,
    });

    // Assess
    expect(bundle.parseErrors.map((error) => [error.file, error.line, error.reason])).toEqual([
      ['networking/ebpf-maps-data.txt', 2, 'output before the first "*** EBPF Maps Data for Map ID <id> ***" header'],
      ['networking/ebpf-maps-data.txt', 5, 'map 7 is dumped twice (first at line 3)'],
    ]);
    expect([...bundle.maps.keys()]).toEqual([7]);
  });

  it('says the CLI was not run when a log collector bundle has no ebpf files at all', () => {
    // Act
    const bundle = bundleOf({ 'networking/iproute.txt': 'default via 10.0.0.1 dev eth0\n' });
    const verdict = assessCollection(bundle);

    // Assess
    expect(bundle.layout.kind).toBe('eks-log-collector');
    expect(bundle.collectionErrors.map((error) => [error.source, error.category])).toEqual([
      ['networking/ebpf-data.txt', 'cli-missing'],
    ]);
    expect(bundle.collectionErrors[0]?.message).toMatch(
      /^the EKS log collector wrote no networking\/ebpf-\*\.txt: .*\/opt\/cni\/bin\/aws-eks-na-cli/,
    );
    expect(verdict.failed).toBe(true);
    expect(verdict.findings.map((finding) => finding.checkId)).toEqual(['NODE-COLLECTION-FAILED']);
  });

  it('names networking/ebpf-data.txt when only the map files were kept', () => {
    // Act
    const bundle = bundleOf({ 'networking/ebpf-maps-data.txt': mapsFile([[7, EMPTY]]) });

    // Assess
    expect(bundle.collectionErrors).toEqual([
      { source: 'networking/ebpf-data.txt', category: 'file-missing', message: 'networking/ebpf-data.txt is missing' },
    ]);
  });

  it("reports a prefixed ingress_map, which the log collector's grep skips, as a missing section", () => {
    // Prepare: a pod name with "." gives map names like app-5f@ns_ingress_map (agent.md §1.3.3)
    const loaded = LOADED.replace(
      'Map Name:  ingress_map\nMap ID:  1631',
      'Map Name:  app-5f@ns_ingress_map\nMap ID:  1631',
    );
    const bundle = bundleOf({
      'networking/ebpf-data.txt': loadedDataFile(loaded),
      'networking/ebpf-maps-data.txt': mapsFile([[1637, EMPTY]]),
      'networking/ebpf-cp-maps-data.txt': mapsFile([
        [1630, CP_DUMP],
        [1633, CP_DUMP],
        [1636, CP_DUMP],
        [1639, CP_DUMP],
      ]),
    });
    // Act
    const messages = assessCollection(bundle).findings.map((finding) => finding.message);
    // Assess
    expect(loaded).not.toBe(LOADED);
    expect(messages).toContainEqual(
      expect.stringMatching(/^nodes\/n1\/networking\/ebpf-maps-data\.txt#1631 is missing: ingress_map \(map 1631\)/),
    );
    expect(messages.some((message) => message.includes('pod_state_map'))).toBe(false);
  });
});
