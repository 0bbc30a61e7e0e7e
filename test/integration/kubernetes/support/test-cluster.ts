import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const REPO_ROOT = resolve(__dirname, '../../../..');
const SCRIPT = join(REPO_ROOT, 'scripts/test-cluster.sh');

export interface ClusterEnv {
  readonly stateDir: string;
  readonly vars: Readonly<Record<string, string>>;
  readonly adminKubeconfig: string;
  readonly auditorKubeconfig: string;
  readonly outsiderKubeconfig: string;
  readonly auditorGroup: string;
}

/** Fails loudly, naming the build script, when a component has not been built on this machine. */
export async function requireBinaries(components: readonly string[] = ['etcd', 'kube-apiserver']): Promise<void> {
  const { stdout } = await run(
    'bash',
    [
      '-c',
      `source scripts/lib/test-components.sh && ${components.map((name) => `component_bin ${name}`).join(' && ')}`,
    ],
    { cwd: REPO_ROOT },
  );
  const missing: string[] = [];
  for (const path of stdout.trim().split('\n')) {
    try {
      await access(path, constants.X_OK);
    } catch {
      missing.push(path);
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `Kubernetes integration tests need a real ${components.join(', ')}; missing: ${missing.join(', ')}. ` +
        `Build them once with: scripts/build-test-components.sh ${components.join(' ')}`,
    );
  }
}

export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match?.[1] !== undefined) vars[match[1]] = match[2] ?? '';
  }
  return vars;
}

function required(vars: Record<string, string>, key: string): string {
  const value = vars[key];
  if (value === undefined || value === '') throw new Error(`cluster.env has no ${key}`);
  return value;
}

export function clusterEnvOf(vars: Record<string, string>): ClusterEnv {
  return {
    stateDir: required(vars, 'NETPOL_AUDIT_STATE_DIR'),
    vars,
    adminKubeconfig: required(vars, 'NETPOL_AUDIT_ADMIN_KUBECONFIG'),
    auditorKubeconfig: required(vars, 'NETPOL_AUDIT_AUDITOR_KUBECONFIG'),
    outsiderKubeconfig: required(vars, 'NETPOL_AUDIT_OUTSIDER_KUBECONFIG'),
    auditorGroup: required(vars, 'NETPOL_AUDIT_AUDITOR_GROUP'),
  };
}

export interface ClusterOptions {
  readonly serviceCidr?: string;
  /** `off` (default): the tests write PolicyEndpoints themselves; `required`: the real controller writes them. */
  readonly controller?: 'off' | 'required';
  /** Extra controller flags (NETPOL_AUDIT_CONTROLLER_ARGS), e.g. `--endpoint-chunk-size=3`. */
  readonly controllerArgs?: string;
  /** Extra kube-apiserver flags (NETPOL_AUDIT_APISERVER_ARGS), e.g. a token webhook. */
  readonly apiserverArgs?: string;
}

/** `scripts/test-cluster.sh start`, by default without the controller. */
export async function startCluster(options: ClusterOptions = {}): Promise<ClusterEnv> {
  await requireBinaries(
    options.controller === 'required' ? ['etcd', 'kube-apiserver', 'np-controller'] : ['etcd', 'kube-apiserver'],
  );
  const stateDir = await mkdtemp(join(tmpdir(), 'netpol-audit-k8s-it-'));
  const env: NodeJS.ProcessEnv = { ...process.env, NETPOL_AUDIT_CONTROLLER: options.controller ?? 'off' };
  if (options.controllerArgs !== undefined) env.NETPOL_AUDIT_CONTROLLER_ARGS = options.controllerArgs;
  if (options.apiserverArgs !== undefined) env.NETPOL_AUDIT_APISERVER_ARGS = options.apiserverArgs;
  delete env.NETPOL_AUDIT_STATE_DIR;
  if (options.serviceCidr !== undefined) env.NETPOL_AUDIT_SERVICE_CIDR_REQUEST = options.serviceCidr;
  let stdout: string;
  try {
    ({ stdout } = await run(SCRIPT, ['start', '--state-dir', stateDir], { env, cwd: REPO_ROOT, timeout: 180_000 }));
  } catch (error) {
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : '';
    throw new Error(`scripts/test-cluster.sh start failed (state kept in ${stateDir}):\n${stderr}`, { cause: error });
  }
  const envFile = stdout.trim().split('\n').pop() ?? '';
  return clusterEnvOf(parseEnvFile(await readFile(envFile, 'utf8')));
}

export async function stopCluster(stateDir: string): Promise<void> {
  await run(SCRIPT, ['stop', '--state-dir', stateDir], { cwd: REPO_ROOT, timeout: 60_000 });
}

/** A cluster of the suite's own (started in beforeAll, stopped in afterAll); call inside `describe`. */
export function clusterPerSuite(options: ClusterOptions = {}): () => ClusterEnv {
  let cluster: ClusterEnv | undefined;
  beforeAll(async () => {
    cluster = await startCluster(options);
  }, 180_000);
  afterAll(async () => {
    if (cluster !== undefined) await stopCluster(cluster.stateDir);
  });
  return () => {
    if (cluster === undefined) throw new Error('the suite cluster did not start (see beforeAll)');
    return cluster;
  };
}

/**
 * The tiers that share one cluster per Jest project. Jest runs every project's globalSetup in the same parent
 * process, so each tier passes its cluster to its workers under its own variable.
 */
export type SharedClusterTier = 'kubernetes' | 'controller';

function envVariable(tier: SharedClusterTier, what: 'ENV' | 'STATE'): string {
  return `NETPOL_AUDIT_IT_${tier.toUpperCase()}_CLUSTER_${what}`;
}

/** For a tier's globalSetup: hands the cluster to the tier's test files (and its teardown). */
export function shareCluster(tier: SharedClusterTier, cluster: ClusterEnv): void {
  process.env[envVariable(tier, 'ENV')] = join(cluster.stateDir, 'cluster.env');
  process.env[envVariable(tier, 'STATE')] = cluster.stateDir;
}

/** For a tier's globalTeardown. */
export async function stopSharedCluster(tier: SharedClusterTier): Promise<void> {
  const stateDir = process.env[envVariable(tier, 'STATE')];
  if (stateDir !== undefined) await stopCluster(stateDir);
}

/** The cluster the tier's globalSetup started. */
export async function sharedCluster(tier: SharedClusterTier): Promise<ClusterEnv> {
  const variable = envVariable(tier, 'ENV');
  const file = process.env[variable];
  if (file === undefined) throw new Error(`${variable} is not set: run through the integration-${tier} Jest project`);
  return clusterEnvOf(parseEnvFile(await readFile(file, 'utf8')));
}
