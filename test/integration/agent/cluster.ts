/**
 * The control plane of the agent tier: the real kube-apiserver + etcd of scripts/test-cluster.sh and the real AWS
 * network policy controller v1.1.7 (scripts/build-test-components.sh np-controller), which writes the PolicyEndpoints
 * the agent enforces.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { runCli } from '../../support/run-cli';
import { apply, KubeClient, pathOf } from '../kubernetes/support/kube-admin';
import { loadExample } from '../kubernetes/support/load-example';
import { startCluster, stopCluster, type ClusterEnv } from '../kubernetes/support/test-cluster';
import type { EnforcingMode } from './agent-node';
import { awsNode, clusterObjects, networkPolicy, type Scenario, type ScenarioPolicy } from './scenarios';

const objectList = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string(), namespace: z.string(), uid: z.string(), resourceVersion: z.string() }),
      spec: z.looseObject({ policyRef: z.object({ name: z.string() }) }),
    }),
  ),
});

export class AgentCluster {
  private snapshots = 0;

  private constructor(
    readonly env: ClusterEnv,
    readonly admin: KubeClient,
    private readonly workDir: string,
  ) {}

  static async start(workDir: string): Promise<AgentCluster> {
    const env = await startCluster({ controller: 'required' });
    try {
      if (env.vars.NETPOL_AUDIT_CONTROLLER !== 'running') {
        throw new Error(
          `the network policy controller is not running (cluster.env: ${String(env.vars.NETPOL_AUDIT_CONTROLLER)})`,
        );
      }
      return new AgentCluster(env, await KubeClient.fromKubeconfig(env.adminKubeconfig), workDir);
    } catch (error) {
      await stopCluster(env.stateDir);
      throw error;
    }
  }

  get apiserverUrl(): string {
    const url = this.env.vars.NETPOL_AUDIT_APISERVER_URL;
    if (url === undefined) throw new Error('cluster.env has no NETPOL_AUDIT_APISERVER_URL');
    return url;
  }

  stop(): Promise<void> {
    return stopCluster(this.env.stateDir);
  }

  /** Creates the scenarios' objects (statuses through the status subresource) and their PolicyEndpoints. */
  async load(scenarios: readonly Scenario[], mode: EnforcingMode): Promise<void> {
    const directory = join(this.workDir, 'load');
    mkdirSync(join(directory, 'k8s'), { recursive: true });
    writeFileSync(
      join(directory, 'k8s', 'objects.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: clusterObjects(scenarios, mode) }),
    );
    await loadExample(this.admin, directory);
    await this.settlePolicyEndpoints();
  }

  async setMode(mode: EnforcingMode): Promise<void> {
    await apply(this.admin, awsNode(mode));
  }

  /** Replaces a NetworkPolicy, as `kubectl apply` would, and waits for its PolicyEndpoints to follow. */
  async changePolicy(policy: ScenarioPolicy): Promise<void> {
    await apply(this.admin, networkPolicy(policy));
    await this.settlePolicyEndpoints();
  }

  /** Deletes a pod (as the kubelet would after CNI DEL) and waits for the PolicyEndpoints to follow. */
  async deletePod(pod: { readonly namespace: string; readonly name: string }): Promise<void> {
    const path = pathOf(
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.name, namespace: pod.namespace } },
      true,
    );
    await this.admin.expect('DELETE', `${path}?gracePeriodSeconds=0`);
    await this.settlePolicyEndpoints();
  }

  /** `netpol-audit snapshot --kubeconfig` of the cluster into a fresh directory. */
  async snapshot(): Promise<string> {
    this.snapshots += 1;
    const directory = join(this.workDir, `snapshot-${String(this.snapshots)}`);
    const result = await runCli(['snapshot', '--kubeconfig', this.env.adminKubeconfig, '--out', directory]);
    if (result.code !== 0) throw new Error(`netpol-audit snapshot exited ${String(result.code)}: ${result.stderr}`);
    return directory;
  }

  private settlePolicyEndpoints(): Promise<void> {
    return this.waitForControllerToSettle();
  }

  private async policyEndpoints(): Promise<z.infer<typeof objectList>['items']> {
    const reply = await this.admin.expect('GET', '/apis/networking.k8s.aws/v1alpha1/policyendpoints');
    return objectList.parse(reply.body).items;
  }

  /** Until every NetworkPolicy has a PolicyEndpoint and no PolicyEndpoint changed for 3 s. */
  private async waitForControllerToSettle(): Promise<void> {
    const policies = z.object({
      items: z.array(z.object({ metadata: z.object({ name: z.string(), namespace: z.string() }) })),
    });
    const deadline = Date.now() + 60_000;
    let stableSince = Date.now();
    let last = '';
    while (Date.now() < deadline) {
      const wanted = policies
        .parse((await this.admin.expect('GET', '/apis/networking.k8s.io/v1/networkpolicies')).body)
        .items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
      const endpoints = await this.policyEndpoints();
      const covered = new Set(endpoints.map((pe) => `${pe.metadata.namespace}/${pe.spec.policyRef.name}`));
      const state = JSON.stringify(endpoints.map((pe) => `${pe.metadata.name}@${pe.metadata.resourceVersion}`).sort());
      if (state !== last) {
        last = state;
        stableSince = Date.now();
      } else if (wanted.every((key) => covered.has(key)) && Date.now() - stableSince >= 3_000) {
        return;
      }
      await sleep(500);
    }
    throw new Error(`the network policy controller's PolicyEndpoints did not settle in 60 s: ${last}`);
  }
}
