import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '#engine/model/finding';
import { AuditReport } from '#engine/report/report';

import { runCli as cli, type CliRun } from '../../../support/run-cli';

export { cli, type CliRun };

const created: string[] = [];

export async function tempDir(prefix: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), `netpol-audit-it-${prefix}-`));
  created.push(directory);
  return directory;
}

export async function removeTempDirs(): Promise<void> {
  for (const directory of created.splice(0)) await rm(directory, { recursive: true, force: true });
}

export async function readReport(directory: string): Promise<AuditReport> {
  return AuditReport.parse(JSON.parse(await readFile(join(directory, 'report.json'), 'utf8')));
}

/** Runs `netpol-audit audit` with the given source flags and returns the exit code and the parsed report. */
export async function audit(sourceArgs: readonly string[]): Promise<{ run: CliRun; report: AuditReport }> {
  const out = await tempDir('report');
  const run = await cli(['audit', ...sourceArgs, '--out', out]);
  if (run.code !== 0 && run.code !== 1)
    throw new Error(`audit ${sourceArgs.join(' ')} exited ${run.code}: ${run.stderr}`);
  return { run, report: await readReport(out) };
}

/**
 * The control-plane findings without their fingerprints: a live cluster and an example directory carry different
 * cluster names, and the cluster name is part of every fingerprint.
 */
export function controlPlane(report: AuditReport): Omit<Finding, 'fingerprint'>[] {
  return report.findings
    .filter((finding) => finding.layer === 'control-plane')
    .map((finding) => {
      const { fingerprint, ...rest } = finding;
      return fingerprint === undefined ? finding : rest;
    });
}

export function findingKey(finding: Finding): string {
  return JSON.stringify([finding.checkId, finding.resource, finding.message, finding.expected, finding.actual]);
}

/** Findings of `after` not in `before`, and of `before` no longer in `after`. */
export function findingDiff(
  before: readonly Finding[],
  after: readonly Finding[],
): { added: Finding[]; removed: Finding[] } {
  const beforeKeys = new Set(before.map(findingKey));
  const afterKeys = new Set(after.map(findingKey));
  return {
    added: after.filter((finding) => !beforeKeys.has(findingKey(finding))),
    removed: before.filter((finding) => !afterKeys.has(findingKey(finding))),
  };
}

interface Listed {
  items?: { metadata?: { namespace?: string; name?: string } }[];
}

/**
 * A copy of an example snapshot (k8s/ and eks/, no nodes/) whose List items are in the order the API server lists
 * them (namespace, then name). The engine's messages and the choice of the reported object follow input order,
 * so only a copy in API order can be compared with a live audit finding for finding.
 */
export async function exampleInApiOrder(exampleDirectory: string): Promise<string> {
  const copy = join(await tempDir('example'), exampleDirectory.split('/').pop() ?? 'example');
  await mkdir(join(copy, 'k8s'), { recursive: true });
  await cp(join(exampleDirectory, 'eks'), join(copy, 'eks'), { recursive: true });
  for (const file of (await readdir(join(exampleDirectory, 'k8s'))).filter((name) => name.endsWith('.json'))) {
    const content = JSON.parse(await readFile(join(exampleDirectory, 'k8s', file), 'utf8')) as Listed;
    const key = (item: { metadata?: { namespace?: string; name?: string } }): string =>
      `${item.metadata?.namespace ?? ''}/${item.metadata?.name ?? ''}`;
    if (content.items !== undefined)
      content.items = [...content.items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    await writeFile(join(copy, 'k8s', file), JSON.stringify(content, null, 2));
  }
  return copy;
}
