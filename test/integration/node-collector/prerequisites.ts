import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { which } from './process';

export const REPO = join(__dirname, '../../..');
export const BPF_SOURCE = join(REPO, 'test/fixtures/node-collector/tc-policy.bpf.c');

const REQUIRED_TOOLS = [
  'clang',
  'bpftool',
  'tc',
  'ip',
  'unshare',
  'nsenter',
  'mount',
  'curl',
  'tar',
  'base64',
  'sha256sum',
  'timeout',
];

/** The real aws-eks-na-cli built by scripts/install-node-test-deps.sh (or NPC_REAL_NA_CLI). */
export function realNaCliPath(version: string): string {
  return (
    process.env.NPC_REAL_NA_CLI ??
    join(process.env.NETPOL_AUDIT_CACHE ?? join(homedir(), '.cache/eks-netpol-audit'), `bin/aws-eks-na-cli-${version}`)
  );
}

/** What the real-kernel tests need and this machine lacks, each with how to get it. */
export function missingPrerequisites(naCliVersion: string): string[] {
  const missing = REQUIRED_TOOLS.filter((tool) => which(tool) === undefined).map((tool) => `${tool} (not on PATH)`);
  if (process.getuid?.() !== 0) missing.push('root (the test creates network namespaces and loads BPF programs)');
  const cli = realNaCliPath(naCliVersion);
  try {
    accessSync(cli, constants.X_OK);
  } catch {
    missing.push(`aws-eks-na-cli ${naCliVersion} at ${cli} (build it: scripts/install-node-test-deps.sh)`);
  }
  return missing;
}
