import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

// EKS bearer token (aws-iam-authenticator `pkg/token/token.go`): a SigV4-presigned STS GetCallerIdentity URL
// whose signed headers include `x-k8s-aws-id: <cluster name>`. Presigning is local: no STS call is made here.

export type EksCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface EksTokenRequest {
  readonly clusterName: string;
  /** Region of the regional STS endpoint `sts.<region>.amazonaws.com` (works with STS VPC endpoints). */
  readonly region: string;
  /** Static credentials or a provider; default: the SDK's Node.js default chain. */
  readonly credentials?: EksCredentials;
  readonly now?: () => Date;
}

export interface EksToken {
  readonly token: string;
  /** STS accepts the URL for 15 minutes after X-Amz-Date; clients stop using it after 14. */
  readonly expiresAt: Date;
}

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
const PRESIGN_EXPIRES_SECONDS = 60;
const TOKEN_LIFETIME_MS = 14 * 60 * 1000;

export function stsHostname(region: string): string {
  return region.startsWith('cn-') ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
}

export async function createEksToken(request: EksTokenRequest): Promise<EksToken> {
  const signingDate = (request.now ?? (() => new Date()))();
  const hostname = stsHostname(request.region);
  const signer = new SignatureV4({
    credentials: request.credentials ?? defaultProvider(),
    region: request.region,
    service: 'sts',
    sha256: Sha256,
  });
  const presigned = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, [CLUSTER_ID_HEADER]: request.clusterName },
    }),
    { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate },
  );
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(presigned.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== null) query.append(key, item);
  }
  const url = `https://${hostname}/?${query.toString()}`;
  return {
    token: `${EKS_TOKEN_PREFIX}${Buffer.from(url, 'utf8').toString('base64url')}`,
    expiresAt: new Date(signingDate.getTime() + TOKEN_LIFETIME_MS),
  };
}

/** Keeps one token and presigns a new one a minute before it expires (long reads of big clusters outlive a token). */
export class EksTokenProvider {
  private current: EksToken | undefined;

  constructor(private readonly request: EksTokenRequest) {}

  async token(): Promise<string> {
    const now = (this.request.now ?? (() => new Date()))();
    if (this.current === undefined || now.getTime() >= this.current.expiresAt.getTime() - 60_000) {
      this.current = await createEksToken(this.request);
    }
    return this.current.token;
  }
}

/** The bearer tokens of one cluster's Kubernetes API: `token()` returns one that is still valid. */
export interface BearerTokens {
  token(): Promise<string>;
}

/** Where the service gets the bearer tokens of a cluster from. */
export type ClusterTokens = (clusterName: string) => BearerTokens;

/** The production tokens: EKS bearer tokens presigned in the region with the default credentials. */
export function eksClusterTokens(region: string): ClusterTokens {
  return (clusterName) => new EksTokenProvider({ clusterName, region });
}
