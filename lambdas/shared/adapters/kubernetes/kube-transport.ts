/** One HTTP response from the Kubernetes API, body already decoded from JSON (or the raw text when it is not JSON). */
export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
  /** Seconds from a `Retry-After` header, when the server sent one. */
  readonly retryAfterSeconds?: number;
}

/**
 * The small port between the reader and the HTTP client. It only reads: a GET of an API path with its query.
 * Implementations throw `KubeTransportError` when no HTTP response arrived at all (connection refused, TLS, DNS).
 */
export interface KubeTransport {
  get(path: string): Promise<KubeResponse>;
  /** Where requests go, for messages and the report (for example the server URL and context). */
  readonly location: string;
}

export class KubeTransportError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'KubeTransportError';
  }
}
