import { parseNodeBundle } from '#engine/node/bundle';
import { annotatedBlocks, sample } from './parsers/support/fixtures';

const TC_INGRESS = annotatedBlocks(sample('tc_filter_show_dev_VETH_ingress.txt'))[0]?.output ?? '';

const CLI_ERROR = 'Failed to execute the cmd -  unsupported map type: 27 (expected LPM_TRIE, LRU_HASH, or HASH)\n';

function bundleOf(files: Record<string, string>) {
  return parseNodeBundle({ nodeName: 'n1', sourceDirectory: 'nodes/n1', files: new Map(Object.entries(files)) });
}

function categories(files: Record<string, string>): string[] {
  return bundleOf(files).collectionErrors.map((error) => error.category);
}

describe('parseNodeBundle: one reader per file kind', () => {
  it('reports a missing loaded-ebpfdata unless the collector explains it', () => {
    // Act
    const bare = categories({});
    const explained = categories({ 'node.json': JSON.stringify({ errors: ['aws-eks-na-cli not found on PATH'] }) });

    // Assess
    expect(bare).toEqual(['file-missing']);
    expect(explained).toEqual(['cli-missing']);
  });

  it('marks an incomplete bundle, unless the collector already said it timed out', () => {
    // Act
    const incomplete = categories({ 'node.json': JSON.stringify({ complete: false }) });
    const timedOut = categories({
      'node.json': JSON.stringify({ complete: false, errors: ['collection time budget exceeded'] }),
    });

    // Assess
    expect(incomplete).toEqual(['incomplete', 'file-missing']);
    expect(timedOut).toEqual(['timeout', 'file-missing']);
  });

  it('points a node.json that is not JSON at its line, and one of the wrong shape at the field', () => {
    // Act
    const broken = bundleOf({ 'node.json': '{\n  "kernel": "6.1",\n}' });
    const misshapen = bundleOf({ 'node.json': JSON.stringify({ veths: 'eni1' }) });

    // Assess
    expect(broken.nodeInfo).toBeNull();
    expect(broken.parseErrors[0]).toMatchObject({ file: 'node.json', line: 3, reason: 'not valid JSON' });
    expect(misshapen.parseErrors[0]?.reason).toMatch(/^unexpected shape at veths: /);
  });

  it('records a CLI error printed by several map dumps once, naming the last map', () => {
    // Act
    const bundle = bundleOf({ 'maps/5.txt': CLI_ERROR, 'maps/6.txt': CLI_ERROR });

    // Assess
    expect([...bundle.maps.keys()]).toEqual([5, 6]);
    expect(bundle.collectionErrors.filter((error) => error.category === 'cli-error')).toEqual([
      expect.objectContaining({ source: 'maps/6.txt', mapId: 6 }),
    ]);
  });

  it('reads pins, agent log lines and tc files, and lists the files it does not know, sorted', () => {
    // Act
    const bundle = bundleOf({
      'pins.txt': '/sys/fs/bpf/globals/aws/programs:\nweb@db_handle_ingress\n\n',
      'agent-log-errors.txt': 'first\n\n  second\n',
      'tc\\eni6770c9ae45a.ingress.txt': TC_INGRESS,
      'zz.txt': '',
      './aa.log': '',
    });

    // Assess
    expect(bundle.pins).toEqual(['web@db_handle_ingress']);
    expect(bundle.agentLogErrorLines).toEqual(['first', '  second']);
    expect(bundle.tcFilters('eni6770c9ae45a', 'ingress')?.file).toBe('tc/eni6770c9ae45a.ingress.txt');
    expect(bundle.vethKnown('eni6770c9ae45a')).toBe(true);
    expect(bundle.vethListAvailable).toBe(true);
    expect(bundle.ignoredFiles).toEqual(['aa.log', 'zz.txt']);
  });
});
