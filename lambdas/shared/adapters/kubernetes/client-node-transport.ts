import type { KubeConfig } from '@kubernetes/client-node';
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { InputError } from '#engine';
import { KubeTransportError, type KubeResponse, type KubeTransport } from './kube-transport';

// The only module that loads @kubernetes/client-node (ESM-only, so it is imported dynamically and only when a
// live cluster is read; everything else, including the CLI's unit tests, never loads it): it turns a kubeconfig into TLS options and
// credentials (tokens, client certificates, exec plugins such as `aws eks get-token`). Requests themselves are
// plain GETs, so the engine gets the JSON exactly as the server sent it (the typed API classes would rebuild
// every object, turn timestamps into Dates and drop unknown fields of custom resources).

export interface KubeconfigSelection {
  readonly kubeconfigPath: string;
  readonly context?: string;
}

export interface TransportOptions {
  readonly timeoutMs?: number;
  /** Extra headers per request, e.g. a fresh EKS bearer token (overrides the kubeconfig's Authorization). */
  readonly headers?: () => Promise<Record<string, string>>;
}

const RETRYABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string')
    return error.code;
  return undefined;
}

/** client-node fills `headers` as an object; the type also allows a raw header list, which it never uses. */
function headerObject(headers: RequestOptions['headers']): OutgoingHttpHeaders {
  return headers === undefined || Array.isArray(headers) ? {} : (headers as OutgoingHttpHeaders);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function newKubeConfig(): Promise<KubeConfig> {
  const { KubeConfig: KubeConfigClass } = await import('@kubernetes/client-node');
  return new KubeConfigClass();
}

export async function loadKubeConfig(selection: KubeconfigSelection): Promise<KubeConfig> {
  const config = await newKubeConfig();
  try {
    config.loadFromFile(selection.kubeconfigPath);
  } catch (error) {
    throw new InputError(`cannot load kubeconfig (${messageOf(error)})`, selection.kubeconfigPath);
  }
  if (selection.context !== undefined) {
    const names = config.getContexts().map((context) => context.name);
    if (!names.includes(selection.context)) {
      throw new InputError(
        `context '${selection.context}' not found (contexts: ${names.join(', ') || 'none'})`,
        selection.kubeconfigPath,
      );
    }
    config.setCurrentContext(selection.context);
  }
  if (config.getCurrentCluster() === null) {
    throw new InputError(`no cluster for context '${config.getCurrentContext()}'`, selection.kubeconfigPath);
  }
  return config;
}

/** The cluster name of the kubeconfig's current context (the report's default cluster name). */
export function currentClusterName(config: KubeConfig): string {
  return config.getCurrentCluster()?.name ?? config.getCurrentContext();
}

function readBody(response: IncomingMessage): Promise<KubeResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('error', reject);
    response.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        // not JSON (a proxy's HTML error page, for example): keep the text for the message
      }
      const retryAfter = Number(response.headers['retry-after']);
      resolve({
        status: response.statusCode ?? 0,
        body,
        ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
      });
    });
  });
}

export function transportFromKubeConfig(config: KubeConfig, options: TransportOptions = {}): KubeTransport {
  const cluster = config.getCurrentCluster();
  if (cluster === null) throw new InputError(`no cluster for context '${config.getCurrentContext()}'`);
  const server = cluster.server.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    location: `${server} (context ${config.getCurrentContext()})`,
    async get(path: string): Promise<KubeResponse> {
      const url = new URL(`${server}${path}`);
      const requestOptions: RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
      try {
        await config.applyToHTTPSOptions(requestOptions);
        if (options.headers !== undefined)
          requestOptions.headers = { ...headerObject(requestOptions.headers), ...(await options.headers()) };
      } catch (error) {
        throw new KubeTransportError(`cannot obtain credentials from the kubeconfig (${messageOf(error)})`, false);
      }
      const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
      if (url.protocol === 'http:') delete requestOptions.agent;
      return new Promise<KubeResponse>((resolve, reject) => {
        const req = send(url, requestOptions, (response) => {
          readBody(response).then(resolve, (error: unknown) => {
            reject(new KubeTransportError(`reading the response of GET ${path} failed (${messageOf(error)})`, true));
          });
        });
        req.setTimeout(timeoutMs, () =>
          req.destroy(Object.assign(new Error(`no response within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
        );
        req.on('error', (error) => {
          const code = errorCode(error);
          reject(
            new KubeTransportError(
              `${code === undefined ? '' : `${code}: `}${messageOf(error)}`,
              code !== undefined && RETRYABLE_CODES.has(code),
            ),
          );
        });
        req.end();
      });
    },
  };
}

export async function kubeconfigTransport(
  selection: KubeconfigSelection,
  options: TransportOptions = {},
): Promise<{ transport: KubeTransport; clusterName: string; config: KubeConfig }> {
  const config = await loadKubeConfig(selection);
  return { transport: transportFromKubeConfig(config, options), clusterName: currentClusterName(config), config };
}

export interface EksEndpoint {
  /** `DescribeCluster.cluster.endpoint`. */
  readonly endpoint: string;
  /** `DescribeCluster.cluster.certificateAuthority.data` (base64 PEM). */
  readonly certificateAuthorityData: string;
  readonly clusterName: string;
  /** Returns a valid bearer token (e.g. `EksTokenProvider.token`). */
  readonly token: () => Promise<string>;
}

/** A kubeconfig of the EKS endpoint; with `token`, its user carries that bearer token (which expires in minutes). */
export async function eksKubeConfig(eks: Omit<EksEndpoint, 'token'>, token?: string): Promise<KubeConfig> {
  const config = await newKubeConfig();
  config.loadFromOptions({
    clusters: [
      { name: eks.clusterName, server: eks.endpoint, caData: eks.certificateAuthorityData, skipTLSVerify: false },
    ],
    users: [{ name: 'netpol-audit', ...(token === undefined ? {} : { token }) }],
    contexts: [{ name: eks.clusterName, cluster: eks.clusterName, user: 'netpol-audit' }],
    currentContext: eks.clusterName,
  });
  return config;
}

/** A transport for an EKS cluster authenticated with the EKS bearer token (no kubeconfig file, no kubectl). */
export async function eksTransport(
  eks: EksEndpoint,
  options: Omit<TransportOptions, 'headers'> = {},
): Promise<KubeTransport> {
  const config = await eksKubeConfig(eks);
  return transportFromKubeConfig(config, {
    ...options,
    headers: async () => ({ Authorization: `Bearer ${await eks.token()}` }),
  });
}
