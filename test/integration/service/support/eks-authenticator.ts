import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { z } from 'zod';

/** An IAM principal the stand-in STS knows: its keys and the ARN GetCallerIdentity would return. */
export interface KnownPrincipal {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** The principal an EKS access entry names (the role, for an assumed-role session). */
  readonly principalArn: string;
}

/** An EKS access entry of the cluster: the principal and the Kubernetes user and groups it maps to. */
export interface AccessEntry {
  readonly principalArn: string;
  readonly username: string;
  readonly groups: readonly string[];
}

export interface EksAuthenticatorOptions {
  /** The cluster id the authenticator expects in the signed `x-k8s-aws-id` header. */
  readonly clusterName: string;
  readonly region: string;
  readonly principals: readonly KnownPrincipal[];
  readonly accessEntries: readonly AccessEntry[];
}

export interface TokenReviewLog {
  readonly authenticated: boolean;
  readonly reason: string;
}

export interface EksAuthenticator {
  /** Write the kube-apiserver's `--authentication-token-webhook-config-file` (a kubeconfig naming this server). */
  writeWebhookConfig(file: string): void;
  readonly reviews: TokenReviewLog[];
  close(): Promise<void>;
}

/** The kube-apiserver flags (NETPOL_AUDIT_APISERVER_ARGS) that send unknown bearer tokens to the webhook, uncached. */
export function webhookApiserverArgs(configFile: string): string {
  return `--authentication-token-webhook-config-file=${configFile} --authentication-token-webhook-cache-ttl=0s`;
}

const TOKEN_PREFIX = 'k8s-aws-v1.';
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;
const TokenReview = z.object({
  apiVersion: z.string(),
  kind: z.literal('TokenReview'),
  spec: z.object({ token: z.string() }),
});

class Unauthenticated extends Error {}

function required(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === '') throw new Unauthenticated(`the presigned URL has no ${name}`);
  return value;
}

/** `20261204T213000Z` -> Date. */
function amzDate(text: string): Date {
  const match = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(text);
  if (match === null) throw new Unauthenticated(`X-Amz-Date ${text} is malformed`);
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s));
}

/**
 * A stand-in for the EKS side of a bearer token: what aws-iam-authenticator checks of the token (the `k8s-aws-v1.`
 * prefix, a GET of `https://sts.<region>.amazonaws.com/?Action=GetCallerIdentity`, `x-k8s-aws-id` among the signed
 * headers, not expired) and what STS checks when the authenticator sends the URL with the header naming its cluster
 * (the SigV4 signature, recomputed with the principal's secret), then the access entry's user and groups, as a
 * TokenReview webhook for the test kube-apiserver.
 */
export class EksAuthenticatorStandIn {
  readonly reviews: TokenReviewLog[] = [];

  constructor(private readonly options: EksAuthenticatorOptions) {}

  async review(token: string, now: Date): Promise<{ username: string; groups: string[] }> {
    if (!token.startsWith(TOKEN_PREFIX)) throw new Unauthenticated('not an EKS token (no k8s-aws-v1. prefix)');
    const url = new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
    const host = `sts.${this.options.region}.amazonaws.com`;
    if (url.protocol !== 'https:' || url.host !== host || url.pathname !== '/')
      throw new Unauthenticated(`unexpected STS URL ${url.origin}${url.pathname}`);
    const query = url.searchParams;
    if (query.get('Action') !== 'GetCallerIdentity') throw new Unauthenticated('the URL is not GetCallerIdentity');
    const signedHeaders = required(query, 'X-Amz-SignedHeaders').split(';');
    if (!signedHeaders.includes('x-k8s-aws-id')) throw new Unauthenticated('x-k8s-aws-id is not a signed header');
    const signedAt = amzDate(required(query, 'X-Amz-Date'));
    if (now.getTime() > signedAt.getTime() + TOKEN_LIFETIME_MS) throw new Unauthenticated('the token expired');
    const accessKeyId = required(query, 'X-Amz-Credential').split('/')[0] ?? '';
    const principal = this.options.principals.find((candidate) => candidate.accessKeyId === accessKeyId);
    if (principal === undefined) throw new Unauthenticated(`STS: unknown access key ${accessKeyId}`);
    const expected = await this.signature(principal, query, signedAt);
    if (expected !== required(query, 'X-Amz-Signature'))
      throw new Unauthenticated(`STS: SignatureDoesNotMatch for cluster ${this.options.clusterName}`);
    const entry = this.options.accessEntries.find((candidate) => candidate.principalArn === principal.principalArn);
    if (entry === undefined) throw new Unauthenticated(`no access entry for ${principal.principalArn}`);
    return { username: entry.username, groups: [...entry.groups] };
  }

  /** The signature STS computes for the URL sent with `x-k8s-aws-id: <this cluster>`. */
  private async signature(principal: KnownPrincipal, query: URLSearchParams, signedAt: Date): Promise<string> {
    const host = `sts.${this.options.region}.amazonaws.com`;
    const signer = new SignatureV4({
      credentials: {
        accessKeyId: principal.accessKeyId,
        secretAccessKey: principal.secretAccessKey,
        ...(principal.sessionToken === undefined ? {} : { sessionToken: principal.sessionToken }),
      },
      region: this.options.region,
      service: 'sts',
      sha256: Sha256,
    });
    const presigned = await signer.presign(
      new HttpRequest({
        method: 'GET',
        protocol: 'https:',
        hostname: host,
        path: '/',
        query: { Action: required(query, 'Action'), Version: required(query, 'Version') },
        headers: { host, 'x-k8s-aws-id': this.options.clusterName },
      }),
      { expiresIn: Number(required(query, 'X-Amz-Expires')), signingDate: signedAt },
    );
    const signature = presigned.query?.['X-Amz-Signature'];
    return typeof signature === 'string' ? signature : '';
  }
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The stand-in as a TokenReview webhook on 127.0.0.1 (plain HTTP: the kube-apiserver is its only client). */
export async function startEksAuthenticator(options: EksAuthenticatorOptions): Promise<EksAuthenticator> {
  const standIn = new EksAuthenticatorStandIn(options);
  const server: Server = createServer((request, response) => {
    void (async () => {
      const review = TokenReview.parse(JSON.parse(await body(request)));
      let status: Record<string, unknown>;
      try {
        const user = await standIn.review(review.spec.token, new Date());
        status = { authenticated: true, user: { username: user.username, groups: user.groups } };
        standIn.reviews.push({ authenticated: true, reason: user.username });
      } catch (error) {
        if (!(error instanceof Unauthenticated)) throw error;
        status = { authenticated: false, error: error.message };
        standIn.reviews.push({ authenticated: false, reason: error.message });
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ apiVersion: review.apiVersion, kind: 'TokenReview', status }));
    })().catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    reviews: standIn.reviews,
    writeWebhookConfig(file: string): void {
      const kubeconfig = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'eks-authenticator', cluster: { server: `http://127.0.0.1:${String(port)}/authenticate` } }],
        users: [{ name: 'kube-apiserver', user: {} }],
        contexts: [{ name: 'webhook', context: { cluster: 'eks-authenticator', user: 'kube-apiserver' } }],
        'current-context': 'webhook',
      };
      writeFileSync(file, JSON.stringify(kubeconfig));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
