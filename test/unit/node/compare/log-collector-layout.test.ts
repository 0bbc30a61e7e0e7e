import { join } from 'node:path';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import type { LayerOutcome } from '#engine/model/assessment';
import type { RawNodeOutput } from '#engine/model/node-output';
import { audit, loadExample, SEED_NODE, type Example } from './support';

/** The seed node's outputs as eks-log-collector.sh writes them (test/fixtures/log-collector-bundle/README.md). */
const FIXTURE = join(__dirname, '../../../fixtures/log-collector-bundle');
const MAPS_FILE = 'networking/ebpf-maps-data.txt';
const LOADED_DATA_FILE = 'networking/ebpf-data.txt';

async function logCollectorNode(): Promise<RawNodeOutput> {
  const [node] = await new SnapshotDirectory(FIXTURE).readNodeOutputs();
  if (node === undefined) throw new Error(`no node under ${FIXTURE}`);
  return node;
}

/** The same outputs in our layout: loaded-ebpfdata.txt and maps/<id>.txt of the maps the log collector dumps. */
function sameOutputsInOurLayout(seed: Example, logCollector: RawNodeOutput): RawNodeOutput {
  const dumped = [...(logCollector.files.get(MAPS_FILE) ?? '').matchAll(/Map ID (\d+) \*\*\*/g)].map(
    (match) => `maps/${match[1]}.txt`,
  );
  const raw = seed.nodeOutputs.find((output) => output.nodeName === SEED_NODE);
  if (raw === undefined) throw new Error(`no node ${SEED_NODE}`);
  const kept = new Set(['loaded-ebpfdata.txt', ...dumped]);
  return { ...raw, files: new Map([...raw.files].filter(([file]) => kept.has(file))) };
}

/** Findings as check id, resource and message, with each layout's file names replaced by one placeholder. */
function comparable(outcome: LayerOutcome, node: RawNodeOutput): string[][] {
  return outcome.findings.map((finding) => [
    finding.checkId,
    finding.resource.name,
    finding.message
      .replaceAll(node.sourceDirectory, '<node>')
      .replace(/networking\/ebpf-data\.txt|loaded-ebpfdata\.txt/g, '<loaded-ebpfdata>')
      .replace(/networking\/ebpf-maps-data\.txt#(\d+)|maps\/(\d+)\.txt/g, '<map $1$2>'),
  ]);
}

/** Removes the accesstrue pod's key (172.31.101.218/32, the dump's first entry) from map 93. */
function withoutAccessTrueEntry(text: string): string {
  const next = text.replace(/Key : IP\/Prefixlen - 172\.31\.101\.218\/32\n(?:(?!\*{31}).*\n)*\*{31}\n/, '');
  if (next === text) throw new Error('map 93 has no 172.31.101.218/32 entry');
  return next;
}

describe('node layer over the EKS log collector bundle', () => {
  it('reports the same node findings as the same outputs in our layout', async () => {
    // Prepare
    const seed = await loadExample('seed-cluster');
    const logCollector = await logCollectorNode();
    const ours = sameOutputsInOurLayout(seed, logCollector);

    // Act
    const fromLogCollector = audit(seed, [logCollector]);
    const fromOurs = audit(seed, [ours]);

    // Assess
    expect(logCollector.nodeName).toBe(SEED_NODE);
    const podStateNotDumped = (row: string[]): boolean =>
      !/_pod_state_map \(map \d+\) .* was not dumped/.test(row[2] ?? '');
    expect(comparable(fromLogCollector, logCollector)).toEqual(comparable(fromOurs, ours).filter(podStateNotDumped));
    expect(fromLogCollector.findings.filter((finding) => finding.checkId === 'NODE-OUTPUT-UNPARSEABLE')).toEqual([]);
  });

  it('says the pod-state maps and tc are not checked, and does not list their checks as passed', async () => {
    // Prepare
    const seed = await loadExample('seed-cluster');
    // Act
    const outcome = audit(seed, [await logCollectorNode()]);
    // Assess
    expect(outcome.notChecked.map((entry) => [entry.scope, entry.kind])).toEqual([
      [`node ${SEED_NODE} tc filters`, 'NC-NODE-TC-NOT-COLLECTED'],
      [`node ${SEED_NODE} pod-state maps`, 'NC-NODE-LOG-COLLECTOR-GAP'],
    ]);
    expect(outcome.notChecked[1]?.reason).toMatch(/^the EKS log collector \(eks-log-collector\.sh\) dumps only /);
    expect(outcome.findings.some((finding) => finding.message.includes('pod_state_map'))).toBe(false);
    const passed = outcome.passed.map((check) => check.checkId);
    expect(passed).toContain('NODE-LPM-ENTRY-MISSING');
    expect(passed).not.toContain('NODE-POD-STATE-MISMATCH');
    expect(passed).not.toContain('NODE-PROGRAM-NOT-ATTACHED');
  });

  it('reports an entry missing from the all-maps file as it does for maps/93.txt', async () => {
    // Prepare
    const seed = await loadExample('seed-cluster');
    const logCollector = await logCollectorNode();
    const ours = sameOutputsInOurLayout(seed, logCollector);
    const logCollectorFiles = new Map(logCollector.files);
    logCollectorFiles.set(MAPS_FILE, withoutAccessTrueEntry(logCollectorFiles.get(MAPS_FILE) ?? ''));
    const ourFiles = new Map(ours.files);
    ourFiles.set('maps/93.txt', withoutAccessTrueEntry(ourFiles.get('maps/93.txt') ?? ''));
    const driftedLogCollector = { ...logCollector, files: logCollectorFiles };
    const driftedOurs = { ...ours, files: ourFiles };

    // Act
    const fromLogCollector = comparable(audit(seed, [driftedLogCollector]), driftedLogCollector);
    const fromOurs = comparable(audit(seed, [driftedOurs]), driftedOurs);

    // Assess
    const missing = fromLogCollector.filter(([checkId]) => checkId === 'NODE-LPM-ENTRY-MISSING');
    expect(missing).toHaveLength(1);
    expect(missing[0]?.[2]).toMatch(/172\.31\.101\.218\/32/);
    expect(missing).toEqual(fromOurs.filter(([checkId]) => checkId === 'NODE-LPM-ENTRY-MISSING'));
  });

  /** networking/ebpf-data.txt with its last `lines` lines removed (the final separator is the last line). */
  async function withLoadedDataCut(lines: number): Promise<RawNodeOutput> {
    const node = await logCollectorNode();
    const files = new Map(node.files);
    const text = files.get(LOADED_DATA_FILE) ?? '';
    files.set(LOADED_DATA_FILE, `${text.trimEnd().split('\n').slice(0, -lines).join('\n')}\n`);
    return { ...node, files };
  }

  it('audits a loaded-ebpfdata whose complete last block lacks the final separator as the full one', async () => {
    // Prepare
    const seed = await loadExample('seed-cluster');
    const full = await logCollectorNode();
    const unterminated = await withLoadedDataCut(1);
    // Act
    const outcome = audit(seed, [unterminated]);
    // Assess
    expect(unterminated.files.get(LOADED_DATA_FILE)?.trimEnd().endsWith('=')).toBe(false);
    expect(outcome).toEqual(audit(seed, [full]));
  });

  it('does not verify the programs and maps of a loaded-ebpfdata cut inside its last block', async () => {
    // Prepare
    const seed = await loadExample('seed-cluster');
    const truncated = await withLoadedDataCut(3);
    // Act
    const outcome = audit(seed, [truncated]);
    // Assess
    expect(outcome.findings.map((finding) => [finding.checkId, finding.severity])).toEqual([
      ['NODE-OUTPUT-UNPARSEABLE', 'high'],
    ]);
    expect(outcome.findings[0]?.message).toMatch(/networking\/ebpf-data\.txt:\d+: output ends after this line/);
    expect(outcome.notChecked).toEqual([
      {
        scope: `node ${SEED_NODE}`,
        reason: 'neither loaded-ebpfdata nor tc filters could be read',
        kind: 'NC-NODE-NOTHING-READABLE',
      },
    ]);
  });
});
