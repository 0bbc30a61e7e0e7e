import { audit, editedNode, fileOf, loadExample, SEED_NODE } from './support';

const LOADED = 'loaded-ebpfdata.txt';
const COLLECTION_CHECKS = ['NODE-COLLECTION-FAILED', 'NODE-COLLECTION-INCOMPLETE'];

/** node.json as the SSM collector writes it after the given step errors (ssm-documents/collect-node-policy-state.yaml). */
function withCollectorErrors(files: Map<string, string>, errors: readonly string[], complete = true): void {
  const nodeJson = JSON.parse(fileOf(files, 'node.json')) as Record<string, unknown>;
  files.set('node.json', JSON.stringify({ ...nodeJson, errors, complete }));
}

async function seedWith(edit: (files: Map<string, string>) => void) {
  const seed = await loadExample('seed-cluster');
  return audit(seed, [editedNode(seed, SEED_NODE, edit)]);
}

function checkIds(outcome: Awaited<ReturnType<typeof seedWith>>): string[] {
  return outcome.findings.map((finding) => finding.checkId);
}

describe('node outputs that were not collected', () => {
  it('a collector time-out on loaded-ebpfdata is not collected, never NODE-PROGRAM-MISSING', async () => {
    // Act: the timed-out command left an empty file and its error in node.json
    const outcome = await seedWith((files) => {
      files.set(LOADED, '');
      withCollectorErrors(files, ['aws-eks-na-cli ebpf loaded-ebpfdata: timed out after 30s']);
    });
    // Assess
    expect(checkIds(outcome)).toEqual(['NODE-COLLECTION-FAILED']);
    expect(outcome.findings[0]?.message).toMatch(/not collected, because the collector timed out/);
    expect(outcome.notChecked).toContainEqual({
      scope: `node ${SEED_NODE} programs and maps`,
      reason: expect.stringMatching(
        /not collected, because the collector timed out \(.*timed out after 30s\)/,
      ) as unknown,
      kind: 'NC-NODE-EBPF-NOT-COLLECTED',
    });
  });

  it('a loaded-ebpfdata listing cut off by a time-out is not compared, even where it parses', async () => {
    // Prepare: only the first program block made it to the file
    const rule = '='.repeat(88);
    // Act
    const outcome = await seedWith((files) => {
      files.set(LOADED, `${fileOf(files, LOADED).split(`${rule}\n`)[0] ?? ''}${rule}\n`);
      withCollectorErrors(files, ['aws-eks-na-cli ebpf loaded-ebpfdata: timed out after 30s']);
    });
    // Assess
    expect(checkIds(outcome)).toEqual(['NODE-COLLECTION-FAILED']);
  });

  it('an empty loaded-ebpfdata.txt is not collected, never NODE-PROGRAM-MISSING', async () => {
    // Act
    const outcome = await seedWith((files) => files.set(LOADED, '\n'));
    // Assess
    expect(checkIds(outcome)).toEqual(['NODE-COLLECTION-FAILED']);
    expect(outcome.findings[0]?.message).toMatch(/loaded-ebpfdata\.txt not collected, because the file is empty/);
  });

  it('an empty loaded-ebpfdata.txt is the node state when node.json counts no pinned programs', async () => {
    // Act
    const outcome = await seedWith((files) => {
      files.set(LOADED, '');
      const nodeJson = JSON.parse(fileOf(files, 'node.json')) as Record<string, unknown>;
      files.set('node.json', JSON.stringify({ ...nodeJson, pinCounts: { programs: 0, maps: 0 } }));
    });
    // Assess
    expect(checkIds(outcome)).toContain('NODE-PROGRAM-MISSING');
    expect(checkIds(outcome)).not.toContain('NODE-COLLECTION-FAILED');
  });

  it('a collector time-out on dump-maps leaves that map not collected, never a map finding', async () => {
    // Act: the dump of ingress_map 93 stopped after its first key
    const outcome = await seedWith((files) => {
      files.set('maps/93.txt', fileOf(files, 'maps/93.txt').split('\n').slice(0, 3).join('\n'));
      withCollectorErrors(files, ['aws-eks-na-cli ebpf dump-maps 93: timed out after 30s']);
    });
    // Assess: one finding about map 93 (the node.json line is not reported a second time)
    expect(checkIds(outcome)).toEqual(['NODE-COLLECTION-INCOMPLETE']);
    expect(outcome.findings[0]?.message).toMatch(
      /maps\/93\.txt \(map 93, ingress_map\) was not collected, because the collector timed out .*; its contents are not checked/,
    );
  });

  it('an empty map dump is not collected, never NODE-OUTPUT-UNPARSEABLE', async () => {
    // Act
    const outcome = await seedWith((files) => files.set('maps/95.txt', ''));
    // Assess
    expect(checkIds(outcome)).toEqual(['NODE-COLLECTION-INCOMPLETE']);
    expect(outcome.findings[0]?.message).toMatch(
      /maps\/95\.txt \(map 95, egress_map\) was not collected, because the file is empty/,
    );
  });

  it('a collection that ran out of its time budget before loaded-ebpfdata gives only collection findings', async () => {
    // Act
    const outcome = await seedWith((files) => {
      for (const path of [...files.keys()]) if (path !== 'node.json' && !path.startsWith('tc/')) files.delete(path);
      withCollectorErrors(
        files,
        ['time budget of 900s spent: collection stopped early, the bundle is incomplete'],
        false,
      );
    });
    // Assess
    expect(checkIds(outcome).every((id) => COLLECTION_CHECKS.includes(id))).toBe(true);
    expect(checkIds(outcome)).toContain('NODE-COLLECTION-FAILED');
  });

  it('a collector time-out on a tc hook leaves that hook not collected, never NODE-FILTER-MISSING', async () => {
    // Act: tc filter show of nginx's egress hook timed out and left an empty file
    const outcome = await seedWith((files) => {
      files.set('tc/eni9c515deae49.egress.txt', '');
      withCollectorErrors(files, ['tc filter show dev eni9c515deae49 egress: timed out after 30s']);
    });
    // Assess: one finding about the file (not a second "was not collected (the other hook was)")
    expect(checkIds(outcome)).toEqual(['NODE-COLLECTION-INCOMPLETE']);
    expect(outcome.findings[0]?.message).toMatch(
      /tc\/eni9c515deae49\.egress\.txt not collected, because the collector timed out/,
    );
  });
});
