import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { fillTemplate } from '../model/check';
import type { Finding } from '../model/finding';
import type { AuditReport } from './report';

/**
 * A finding's fingerprint: the same drift on the same resource keeps it across runs, re-chunking, reordering and
 * re-collection; counts, messages, line numbers and time never enter it. A grouped finding's is its check and cause,
 * whichever resources it is on.
 */
export function fingerprintOf(clusterName: string, finding: Finding): string {
  const { kind, namespace, name, node } = finding.resource;
  const parts =
    finding.affected === undefined
      ? [finding.checkId, clusterName, kind, namespace ?? '', name, node ?? '', finding.identity ?? '']
      : [finding.checkId, clusterName, kind, 'affected', finding.affected.cause];
  return bytesToHex(sha256(utf8ToBytes(JSON.stringify(parts)))).slice(0, 32);
}

/** `{cluster}` in the remediation and verify hints becomes the cluster's name. */
function withClusterName(clusterName: string, finding: Finding): Finding {
  const values = { cluster: clusterName };
  return {
    ...finding,
    ...(finding.remediation === undefined ? {} : { remediation: fillTemplate(finding.remediation, values) }),
    ...(finding.verify === undefined ? {} : { verify: fillTemplate(finding.verify, values) }),
  };
}

/** Binds findings to their cluster: the fingerprint, and the cluster name in the hints (which the fingerprint ignores). */
export function withFingerprints(clusterName: string, findings: readonly Finding[]): Finding[] {
  return findings.map((finding) => ({
    ...withClusterName(clusterName, finding),
    fingerprint: fingerprintOf(clusterName, finding),
  }));
}

/** New, resolved and persisting findings between two reports of one cluster, by fingerprint. */
export interface ReportComparison {
  readonly newFindings: readonly Finding[];
  readonly resolvedFindings: readonly Finding[];
  readonly persistingFindings: readonly Finding[];
}

function byFingerprint(report: AuditReport | undefined): Map<string, Finding> {
  const index = new Map<string, Finding>();
  for (const finding of report?.findings ?? []) {
    index.set(finding.fingerprint ?? fingerprintOf(report?.cluster.name ?? '', finding), finding);
  }
  return index;
}

/** Compares a report with the previous one of the same cluster; without a previous report every finding is new. */
export function compareReports(previous: AuditReport | undefined, current: AuditReport): ReportComparison {
  const before = byFingerprint(previous);
  const after = byFingerprint(current);
  const newFindings: Finding[] = [];
  const persistingFindings: Finding[] = [];
  for (const [fingerprint, finding] of after) {
    (before.has(fingerprint) ? persistingFindings : newFindings).push(finding);
  }
  const resolvedFindings = [...before].filter(([fingerprint]) => !after.has(fingerprint)).map(([, finding]) => finding);
  return { newFindings, resolvedFindings, persistingFindings };
}
