/**
 * What could not be collected or parsed on a node. Never throws: every problem becomes a finding.
 */
import { findingOf, type Finding } from '../../model/finding';
import type { CollectionError, ParsedNodeBundle } from '../bundle';
import { dumpSubcommandOf } from '../map-dump-plan';
import { EXEC_COLLECTOR } from '../readers/node-json';
import { NODE_COLLECTION_FAILED, NODE_COLLECTION_INCOMPLETE, NODE_OUTPUT_UNPARSEABLE } from './checks';
import { nodeResource } from './context';

const FATAL_CATEGORIES: ReadonlySet<CollectionError['category']> = new Set([
  'cli-missing',
  'bpffs-not-mounted',
  'pin-directory-missing',
  'bottlerocket',
]);

export interface CollectionVerdict {
  readonly findings: Finding[];
  /** The agent's programs and maps are unknown (loaded-ebpfdata missing, failed or unparseable). */
  readonly failed: boolean;
  /** Why the programs and maps are unknown, when `failed`. */
  readonly failureReason: string;
  /** tc output can be compared. */
  readonly tcAvailable: boolean;
  /** The exec collector filled the directory: no tc output by design, whatever the directory holds. */
  readonly tcNotCollectable: boolean;
}

function isFatal(bundle: ParsedNodeBundle, error: CollectionError): boolean {
  return FATAL_CATEGORIES.has(error.category) || error.source === bundle.layout.loadedEbpfDataFile;
}

export function assessCollection(bundle: ParsedNodeBundle): CollectionVerdict {
  const node = bundle.nodeName;
  const resource = nodeResource(node);
  const where = (file: string): string => `${bundle.sourceDirectory}/${file}`;
  const findings: Finding[] = [];

  for (const error of bundle.parseErrors) {
    findings.push(
      findingOf(NODE_OUTPUT_UNPARSEABLE, resource, `${where(error.file)}:${error.line}: ${error.reason}`, {
        actual: { file: error.file, line: error.line, reason: error.reason },
        identity: `${error.file}|${error.reason}`,
        ...(error.file === bundle.layout.loadedEbpfDataFile ? { severity: 'high' as const } : {}),
      }),
    );
  }

  const fatal = bundle.collectionErrors.filter((error) => isFatal(bundle, error));
  const failed = bundle.loadedEbpfData === null;
  if (fatal.length > 0 || (failed && bundle.fileCount === 0)) {
    const reasons =
      bundle.fileCount === 0 ? ['the node directory holds no files'] : fatal.map((error) => error.message);
    findings.push(
      findingOf(
        NODE_COLLECTION_FAILED,
        resource,
        `node ${node} could not be collected: ${reasons.join('; ')}. Its programs, maps and filters are not checked`,
        {
          actual: fatal.map((error) => ({ source: error.source, category: error.category, message: error.message })),
          identity: [...new Set(fatal.map((error) => `${error.source}|${error.category}`))].sort().join(','),
        },
      ),
    );
  }
  for (const error of bundle.collectionErrors) {
    if (isFatal(bundle, error)) continue;
    const message = incompleteMessage(bundle, error, where);
    findings.push(
      findingOf(NODE_COLLECTION_INCOMPLETE, resource, message, {
        actual: { source: error.source, category: error.category, message: error.message },
        identity: `${error.source}|${error.category}`,
      }),
    );
  }

  if (!failed) findings.push(...missingDumps(bundle));
  findings.push(...readErrors(bundle));

  const tcMissing = bundle.collectionErrors.some((e) => e.category === 'tc-missing' || e.category === 'bottlerocket');
  const failureReason =
    bundle.collectionErrors.find((error) => error.source === bundle.layout.loadedEbpfDataFile)?.message ??
    'loaded-ebpfdata could not be read';
  const tcNotCollectable = bundle.nodeInfo?.collector === EXEC_COLLECTOR;
  return {
    findings,
    failed,
    failureReason,
    tcAvailable: !tcNotCollectable && !tcMissing && bundle.vethListAvailable,
    tcNotCollectable,
  };
}

const NOT_DUMPED: ReadonlySet<CollectionError['category']> = new Set(['timeout', 'empty-output']);

function incompleteMessage(bundle: ParsedNodeBundle, error: CollectionError, where: (file: string) => string): string {
  if (error.mapId === undefined) return `collector: ${error.message}`;
  const map = `${where(error.source)} (map ${error.mapId}${roleText(bundle, error.mapId)})`;
  if (NOT_DUMPED.has(error.category)) return `${map} was ${error.message}; its contents are not checked`;
  return `${map} is an error output instead of a dump: ${error.message}`;
}

function roleText(bundle: ParsedNodeBundle, id: number): string {
  const role = bundle.mapRoles.get(id);
  return role === undefined ? '' : `, ${role}`;
}

function missingDumps(bundle: ParsedNodeBundle): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<number>(
    bundle.collectionErrors.flatMap((error) => (error.mapId === undefined ? [] : [error.mapId])),
  );
  for (const program of bundle.loadedEbpfData?.programs ?? []) {
    for (const map of program.maps) {
      if (dumpSubcommandOf(map.role) === undefined || seen.has(map.id)) continue;
      seen.add(map.id);
      if (bundle.mapDump(map.id) !== undefined) continue;
      const file = bundle.layout.mapDumpFile(map.id, map.role);
      if (file === null) continue;
      if (bundle.parseErrors.some((error) => error.file === file || error.file.startsWith(`maps/${map.id}.`))) continue;
      findings.push(
        findingOf(
          NODE_COLLECTION_INCOMPLETE,
          nodeResource(bundle.nodeName),
          `${bundle.sourceDirectory}/${file} is missing: ${map.role} (map ${map.id}) of ${program.podIdentifier.raw} was not dumped, its contents are not checked`,
          { expected: file, identity: `${program.podIdentifier.raw}|${map.role}` },
        ),
      );
    }
  }
  return findings;
}

function readErrors(bundle: ParsedNodeBundle): Finding[] {
  const findings: Finding[] = [];
  for (const dump of bundle.maps.values()) {
    const outcome = dump.outcome;
    if (outcome.kind !== 'lpm-map' && outcome.kind !== 'cp-map') continue;
    for (const error of outcome.readErrors) {
      findings.push(
        findingOf(
          NODE_COLLECTION_INCOMPLETE,
          nodeResource(bundle.nodeName),
          `${bundle.sourceDirectory}/${dump.file}:${error.line}: an entry could not be read (${error.message}); the dump is partial`,
          { actual: { file: dump.file, line: error.line, message: error.message }, identity: `${dump.file}|partial` },
        ),
      );
    }
  }
  return findings;
}
