import { parseCliMessageOutput } from '#engine/node/parsers/cli-outcome';
import { parseLpmMapDump } from '#engine/node/parsers/lpm-map';
import { annotatedBlocks, expectOk, expectParseError, sample } from './support/fixtures';

describe('aws-eks-na-cli errors and empty maps (§1.3.8)', () => {
  const blocks = annotatedBlocks(sample('aws-eks-na-cli_errors_and_empty_maps.txt'));

  it('finds every annotated block of the sample', () => {
    expect(blocks).toHaveLength(13);
  });

  it.each([
    [0, { kind: 'empty-map', reportedAs: 'lpm-or-lru', message: 'No Entries found, Empty map' }],
    [1, { kind: 'empty-map', reportedAs: 'hash' }],
    [
      2,
      {
        kind: 'empty-map',
        reportedAs: 'ipv6-first-key-enoent',
        line: 2,
        header: { line: 1, mapName: '', mapType: 11, mapId: 2211 },
      },
    ],
    [3, { kind: 'header-only', header: { mapType: 1, mapId: 2212 } }],
    [4, { kind: 'cli-error', category: 'unsupported-map-type' }],
    [
      5,
      {
        kind: 'cli-error',
        category: 'unsupported-map-type',
        message: 'unsupported map type: 27 (expected LPM_TRIE, LRU_HASH, or HASH)',
      },
    ],
    [6, { kind: 'cli-error', category: 'map-not-found', message: 'failed to get map FD: no such file or directory' }],
    [7, { kind: 'cli-error', category: 'map-not-found', message: 'no such file or directory' }],
    [8, { kind: 'cli-error', category: 'invalid-map-id' }],
    [9, { kind: 'cli-error', category: 'permission-denied' }],
    [10, { kind: 'cli-error', category: 'bpffs-not-mounted' }],
    [11, { kind: 'cli-error', category: 'bpf-directory-walk-failed', line: 1, header: null, precedingLineCount: 0 }],
    [12, { kind: 'cli-usage-error', message: 'accepts 1 arg(s), received 0', line: 1 }],
  ])('classifies block %d', (index, expected) => {
    // Prepare
    const block = blocks[index];
    // Act
    const outcome = expectOk(parseCliMessageOutput(block?.output ?? '', `block-${index}`));
    // Assess
    expect(outcome).toMatchObject(expected);
  });

  it('gives the same outcome through a format parser', () => {
    // Act
    const outcome = expectOk(parseLpmMapDump(blocks[6]?.output ?? '', 'b'));
    // Assess
    expect(outcome).toMatchObject({ kind: 'cli-error', category: 'map-not-found' });
  });

  it('treats the stderr line of cobra as a usage error', () => {
    // Act
    const outcome = expectOk(
      parseCliMessageOutput("There was an error while executing your CLI 'accepts 1 arg(s), received 0'", 'stderr'),
    );
    // Assess
    expect(outcome).toEqual({ kind: 'cli-usage-error', line: 1, message: 'accepts 1 arg(s), received 0' });
  });

  it('keeps partial output before an error line as a count', () => {
    // Act
    const outcome = expectOk(
      parseCliMessageOutput(
        'PinPath:  /x\nFailed to execute the cmd -  failed walking the bpfdirectory unable to get FD\n',
        'p',
      ),
    );
    // Assess
    expect(outcome).toMatchObject({ kind: 'cli-error', precedingLineCount: 1, line: 2 });
  });

  it('rejects an error line followed by more output, and text that is no CLI message', () => {
    // Act
    const followed = expectParseError(parseCliMessageOutput('Failed to execute the cmd -  x\nKey: 1.2.3.4/32\n', 'f'));
    const other = expectParseError(parseCliMessageOutput('\n\nsomething else\n', 'o'));
    const badHeader = expectParseError(parseCliMessageOutput('Walking map: (type=x, id=1)\n', 'h'));
    // Assess
    expect(followed).toMatchObject({ file: 'f', line: 1 });
    expect(other).toMatchObject({ file: 'o', line: 3 });
    expect(badHeader.line).toBe(1);
  });
});
