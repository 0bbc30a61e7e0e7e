import type { OutgoingHttpHeaders } from 'node:http';
import { request, type RequestOptions } from 'node:https';
import { parseAllDocuments } from 'yaml';
import { readFile } from 'node:fs/promises';
import { loadKubeConfig } from '#adapters/kubernetes/client-node-transport';

export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** Fixture side of the tests: any verb as the given kubeconfig's user (admin for setup, others for reviews). */
export class KubeClient {
  private constructor(
    private readonly server: string,
    private readonly options: () => Promise<RequestOptions>,
  ) {}

  static async fromKubeconfig(path: string): Promise<KubeClient> {
    const config = await loadKubeConfig({ kubeconfigPath: path });
    const server = config.getCurrentCluster()?.server ?? '';
    return new KubeClient(server, async () => {
      const options: RequestOptions = { headers: {} };
      await config.applyToHTTPSOptions(options);
      return options;
    });
  }

  async send(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
    const options = await this.options();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    options.method = method;
    const headers =
      options.headers === undefined || Array.isArray(options.headers) ? {} : (options.headers as OutgoingHttpHeaders);
    options.headers = {
      ...headers,
      Accept: 'application/json',
      ...(payload === undefined ? {} : { 'Content-Type': contentType }),
    };
    return new Promise((resolve, reject) => {
      const req = request(new URL(`${this.server}${path}`), options, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text) as unknown;
          } catch {
            // keep text
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
        response.on('error', reject);
      });
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Like `send`, but throws with the server's answer unless the status is one of `ok`. */
  async expect(
    method: string,
    path: string,
    body?: unknown,
    options: { ok?: number[]; contentType?: string } = {},
  ): Promise<Reply> {
    const reply = await this.send(method, path, body, options.contentType);
    if (!(options.ok ?? [200, 201]).includes(reply.status)) {
      throw new Error(`${method} ${path} -> HTTP ${reply.status}: ${JSON.stringify(reply.body).slice(0, 600)}`);
    }
    return reply;
  }
}

export type KubeObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown> & { name: string; namespace?: string };
};

const PLURALS: Record<string, { plural: string; namespaced: boolean }> = {
  Namespace: { plural: 'namespaces', namespaced: false },
  Node: { plural: 'nodes', namespaced: false },
  Pod: { plural: 'pods', namespaced: true },
  Service: { plural: 'services', namespaced: true },
  ConfigMap: { plural: 'configmaps', namespaced: true },
  DaemonSet: { plural: 'daemonsets', namespaced: true },
  NetworkPolicy: { plural: 'networkpolicies', namespaced: true },
  PolicyEndpoint: { plural: 'policyendpoints', namespaced: true },
  ClusterNetworkPolicy: { plural: 'clusternetworkpolicies', namespaced: false },
  ClusterPolicyEndpoint: { plural: 'clusterpolicyendpoints', namespaced: false },
  ApplicationNetworkPolicy: { plural: 'applicationnetworkpolicies', namespaced: true },
  CustomResourceDefinition: { plural: 'customresourcedefinitions', namespaced: false },
  ClusterRole: { plural: 'clusterroles', namespaced: false },
  ClusterRoleBinding: { plural: 'clusterrolebindings', namespaced: false },
  Role: { plural: 'roles', namespaced: true },
  RoleBinding: { plural: 'rolebindings', namespaced: true },
};

/** Collection path of an object's kind (`/api/v1/namespaces/x/pods`), or of a named object when `named`. */
export function pathOf(object: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>, named = false): string {
  const info = PLURALS[object.kind];
  if (info === undefined) throw new Error(`no REST path known for kind ${object.kind}`);
  const base = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  const namespace = info.namespaced ? `/namespaces/${object.metadata.namespace ?? 'default'}` : '';
  return `${base}${namespace}/${info.plural}${named ? `/${object.metadata.name}` : ''}`;
}

export async function readYamlObjects(path: string): Promise<KubeObject[]> {
  const text = await readFile(path, 'utf8');
  return parseAllDocuments(text)
    .map((document) => document.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);
}

/** Create, or replace when it exists (kubectl apply without the three-way merge). */
export async function apply(client: KubeClient, object: KubeObject): Promise<KubeObject> {
  const created = await client.send('POST', pathOf(object), object);
  if (created.status === 201 || created.status === 200) return created.body as KubeObject;
  if (created.status !== 409)
    throw new Error(`POST ${pathOf(object)} -> HTTP ${created.status}: ${JSON.stringify(created.body).slice(0, 600)}`);
  const live = (await client.expect('GET', pathOf(object, true))).body as KubeObject;
  const replaced = await client.expect('PUT', pathOf(object, true), {
    ...object,
    metadata: { ...object.metadata, resourceVersion: live.metadata.resourceVersion },
  });
  return replaced.body as KubeObject;
}

export async function waitForCrd(client: KubeClient, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const reply = await client.send('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
    const conditions =
      (reply.body as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? [];
    if (conditions.some((condition) => condition.type === 'Established' && condition.status === 'True')) {
      // discovery lags the condition a little; wait until the resource is served
      const group = name.slice(name.indexOf('.') + 1);
      const plural = name.slice(0, name.indexOf('.'));
      if ((await client.send('GET', `/apis/${group}/v1alpha1/${plural}?limit=1`)).status === 200) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`CRD ${name} not established within 30 s`);
}
