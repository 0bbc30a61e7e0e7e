import { z } from 'zod';
import { InputError, type UnavailableKind } from '#engine';
import { KubeTransportError, type KubeResponse, type KubeTransport } from './kube-transport';
import { READ_RESOURCES, type ListedResource, type NamedResource, type ReadResource } from './resources';

export interface ReaderOptions {
  /** `limit` of each list request (the API server's chunk size). Default 500. */
  readonly pageSize?: number;
  /** Attempts per request when the server answers 429/5xx or the connection fails. Default 5. */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly sleep?: (milliseconds: number) => Promise<void>;
  /** In [0, 1); the backoff is `random() * min(maxDelay, base * 2^attempt)` ("full jitter"). */
  readonly random?: () => number;
  readonly resources?: readonly ReadResource[];
}

/** One page of a List exactly as the server sent it (`PodList`, `PolicyEndpointList`, ...). */
export interface ListPage {
  readonly source: string;
  readonly content: unknown;
  readonly itemCount: number;
}

/** Receives what the reader fetched, one page at a time; the reader keeps no reference after the call. */
export interface PageSink {
  page(resource: ListedResource, page: ListPage): void | Promise<void>;
  object(resource: NamedResource, source: string, object: unknown): void | Promise<void>;
}

export interface ReadSummary {
  readonly unavailableKinds: readonly UnavailableKind[];
  readonly requests: number;
  readonly objects: number;
}

export const DEFAULT_PAGE_SIZE = 500;

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

const Status = z.object({ message: z.string().optional(), reason: z.string().optional() }).loose();
const ListBody = z
  .object({
    items: z.array(z.unknown()).nullable(),
    metadata: z.object({ continue: z.string().optional() }).loose().optional(),
  })
  .loose();
const ExpiredStatus = z.object({ metadata: z.object({ continue: z.string().min(1) }).loose() }).loose();

function serverMessage(body: unknown): string {
  const status = Status.safeParse(body);
  if (status.success && status.data.message !== undefined) return status.data.message;
  if (typeof body === 'string' && body.trim() !== '') return body.trim().slice(0, 300);
  return 'no message';
}

type Outcome = { ok: true; response: KubeResponse } | { ok: false; reason: string };

class Unavailable extends Error {
  constructor(
    readonly reason: string,
    readonly unavailableCause: UnavailableCause = 'failed',
  ) {
    super(reason);
  }
}

type UnavailableCause = NonNullable<UnavailableKind['cause']>;

function causeOf(resource: ReadResource, status: number): UnavailableCause {
  if (status === 403) return 'forbidden';
  if (status === 404 && resource.mode === 'list' && resource.crd !== undefined) return 'not-installed';
  return 'failed';
}

/**
 * Reads what the engine needs from the Kubernetes API through a `KubeTransport`: paginated lists (limit/continue),
 * GETs by name for the two kube-system objects. A missing CRD or permission, or a server that keeps failing,
 * makes that kind unavailable (with the reason) instead of failing the read. Only an API server that cannot be
 * reached or that rejects the credentials stops the read (`InputError`).
 */
export class KubernetesReader {
  private readonly pageSize: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (milliseconds: number) => Promise<void>;
  private readonly random: () => number;
  private readonly resources: readonly ReadResource[];
  private requests = 0;

  constructor(
    private readonly transport: KubeTransport,
    options: ReaderOptions = {},
  ) {
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1)
      throw new RangeError(`page size must be a positive integer, got ${this.pageSize}`);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 8000;
    this.sleep = options.sleep ?? ((milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)));
    this.random = options.random ?? Math.random;
    this.resources = options.resources ?? READ_RESOURCES;
  }

  get location(): string {
    return this.transport.location;
  }

  async read(sink: PageSink): Promise<ReadSummary> {
    this.requests = 0;
    await this.preflight();
    const unavailableKinds: UnavailableKind[] = [];
    let objects = 0;
    for (const resource of this.resources) {
      try {
        objects +=
          resource.mode === 'list' ? await this.readList(resource, sink) : await this.readNamed(resource, sink);
      } catch (error) {
        if (!(error instanceof Unavailable)) throw error;
        unavailableKinds.push({ kind: resource.kind, reason: error.reason, cause: error.unavailableCause });
      }
    }
    return { unavailableKinds, requests: this.requests, objects };
  }

  /** `/version` first, so an unreachable server or rejected credentials give one clear error. */
  private async preflight(): Promise<void> {
    const outcome = await this.fetch('/version');
    if (!outcome.ok) throw new InputError(`cannot read the Kubernetes API: ${outcome.reason}`, this.transport.location);
    if (outcome.response.status === 401) {
      throw new InputError(
        `the Kubernetes API rejected the credentials (HTTP 401 Unauthorized: ${serverMessage(outcome.response.body)})`,
        this.transport.location,
      );
    }
  }

  private async readList(resource: ListedResource, sink: PageSink): Promise<number> {
    let continueToken: string | undefined;
    let pageNumber = 0;
    let objects = 0;
    let inconsistent = false;
    do {
      pageNumber += 1;
      const query = new URLSearchParams({ limit: String(this.pageSize) });
      if (continueToken !== undefined) query.set('continue', continueToken);
      const path = `${resource.path}?${query.toString()}`;
      const outcome = await this.fetch(path);
      const partial = objects > 0 ? ` after ${objects} objects had been read (the list is incomplete)` : '';
      if (!outcome.ok) throw new Unavailable(`${outcome.reason}${partial}`);
      const { status, body } = outcome.response;
      if (status === 410 && continueToken !== undefined && !inconsistent) {
        // The continue token expired; the Status carries a token that continues without snapshot consistency.
        const expired = ExpiredStatus.safeParse(body);
        if (expired.success) {
          inconsistent = true;
          continueToken = expired.data.metadata.continue;
          continue;
        }
      }
      if (status !== 200) {
        throw new Unavailable(
          `${this.describeFailure(resource, status, body, path)}${partial}`,
          causeOf(resource, status),
        );
      }
      const list = ListBody.safeParse(body);
      if (!list.success) throw new Unavailable(`GET ${path} did not return a List${partial}`);
      const itemCount = list.data.items?.length ?? 0;
      await sink.page(resource, { source: `GET ${resource.path} page ${pageNumber}`, content: body, itemCount });
      objects += itemCount;
      const next = list.data.metadata?.continue;
      continueToken = next === undefined || next === '' ? undefined : next;
    } while (continueToken !== undefined);
    return objects;
  }

  private async readNamed(resource: NamedResource, sink: PageSink): Promise<number> {
    const outcome = await this.fetch(resource.path);
    if (!outcome.ok) throw new Unavailable(outcome.reason);
    const { status, body } = outcome.response;
    if (status === 404) return 0;
    if (status !== 200) {
      throw new Unavailable(this.describeFailure(resource, status, body, resource.path), causeOf(resource, status));
    }
    await sink.object(resource, `GET ${resource.path}`, body);
    return 1;
  }

  private describeFailure(resource: ReadResource, status: number, body: unknown, path: string): string {
    const message = serverMessage(body);
    if (status === 403) {
      const needed =
        resource.mode === 'list'
          ? `list on ${resource.resource} (${resource.apiVersion}) at cluster scope`
          : `get on ${resource.resource} ${resource.namespace}/${resource.name}`;
      return `permission denied (HTTP 403): ${message}; the audit identity needs ${needed}, see k8s/rbac.yaml`;
    }
    if (status === 404 && resource.mode === 'list' && resource.crd !== undefined) {
      return `the CustomResourceDefinition ${resource.crd} is not installed (HTTP 404 for GET ${resource.path})`;
    }
    if (status === 401) return `the credentials were rejected (HTTP 401): ${message}`;
    return `GET ${path} failed with HTTP ${status}: ${message}`;
  }

  /** One request with bounded retries on 429/5xx and connection failures. */
  private async fetch(path: string): Promise<Outcome> {
    let last = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      let retryAfterSeconds: number | undefined;
      try {
        this.requests += 1;
        const response = await this.transport.get(path);
        if (!RETRYABLE.has(response.status)) return { ok: true, response };
        last = `HTTP ${response.status}: ${serverMessage(response.body)}`;
        retryAfterSeconds = response.retryAfterSeconds;
      } catch (error) {
        if (!(error instanceof KubeTransportError)) throw error;
        last = error.message;
        if (!error.retryable) return { ok: false, reason: `GET ${path} failed: ${last}` };
      }
      if (attempt < this.maxAttempts) await this.sleep(this.backoff(attempt, retryAfterSeconds));
    }
    return { ok: false, reason: `GET ${path} gave up after ${this.maxAttempts} attempts; last error: ${last}` };
  }

  private backoff(attempt: number, retryAfterSeconds: number | undefined): number {
    if (retryAfterSeconds !== undefined && retryAfterSeconds >= 0)
      return Math.min(this.maxDelayMs, retryAfterSeconds * 1000);
    return Math.floor(this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1)));
  }
}
