import { createHash, createHmac } from 'node:crypto';
import { createEksToken, eksClusterTokens, EksTokenProvider } from '#adapters/eks-token/eks-token';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const NOW = new Date('2026-01-02T03:04:05Z');

function decode(token: string): URL {
  expect(token.startsWith('k8s-aws-v1.')).toBe(true);
  const encoded = token.slice('k8s-aws-v1.'.length);
  expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
  return new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
}

/** SigV4 recomputed independently of the signer (AWS docs, "Create a signed AWS API request"). */
function expectedSignature(url: URL, clusterName: string): string {
  const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
  const hmac = (key: Buffer | string, text: string): Buffer => createHmac('sha256', key).update(text).digest();
  const query = [...url.searchParams.entries()]
    .filter(([key]) => key !== 'X-Amz-Signature')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .sort()
    .join('&');
  const canonical = [
    'GET',
    '/',
    query,
    `host:${url.host}`,
    `x-k8s-aws-id:${clusterName}`,
    '',
    'host;x-k8s-aws-id',
    sha256(''),
  ].join('\n');
  const scope = '20260102/eu-west-1/sts/aws4_request';
  const stringToSign = ['AWS4-HMAC-SHA256', '20260102T030405Z', scope, sha256(canonical)].join('\n');
  let key = hmac(`AWS4${CREDENTIALS.secretAccessKey}`, '20260102');
  for (const part of ['eu-west-1', 'sts', 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

describe('EKS bearer token', () => {
  it('is a presigned regional STS GetCallerIdentity URL with x-k8s-aws-id signed and X-Amz-Expires=60', async () => {
    // Act
    const { token, expiresAt } = await createEksToken({
      clusterName: 'prod-1',
      region: 'eu-west-1',
      credentials: CREDENTIALS,
      now: () => NOW,
    });
    // Assess
    const url = decode(token);
    expect(url.origin).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20260102/eu-west-1/sts/aws4_request',
      'X-Amz-Date': '20260102T030405Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Signature': expectedSignature(url, 'prod-1'),
    });
    expect(url.searchParams.has('x-k8s-aws-id')).toBe(false); // a signed header, not hoisted into the query
    expect(expiresAt).toEqual(new Date('2026-01-02T03:18:05Z'));
  });

  it('signs the cluster name: another cluster gives another signature', async () => {
    const a = decode(
      (await createEksToken({ clusterName: 'prod-1', region: 'eu-west-1', credentials: CREDENTIALS, now: () => NOW }))
        .token,
    );
    const b = decode(
      (await createEksToken({ clusterName: 'prod-2', region: 'eu-west-1', credentials: CREDENTIALS, now: () => NOW }))
        .token,
    );
    expect(b.searchParams.get('X-Amz-Signature')).toBe(expectedSignature(b, 'prod-2'));
    expect(a.searchParams.get('X-Amz-Signature')).not.toBe(b.searchParams.get('X-Amz-Signature'));
  });

  it('carries the session token of temporary credentials in the query', async () => {
    const { token } = await createEksToken({
      clusterName: 'prod-1',
      region: 'us-east-1',
      credentials: { ...CREDENTIALS, sessionToken: 'FwoGZXIvYXdzEXAMPLE' },
      now: () => NOW,
    });
    const url = decode(token);
    expect(url.host).toBe('sts.us-east-1.amazonaws.com');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('FwoGZXIvYXdzEXAMPLE');
  });

  it('is reused until a minute before it expires, then presigned again', async () => {
    let now = NOW;
    const provider = new EksTokenProvider({
      clusterName: 'prod-1',
      region: 'eu-west-1',
      credentials: CREDENTIALS,
      now: () => now,
    });
    const first = await provider.token();
    now = new Date(NOW.getTime() + 12 * 60_000);
    expect(await provider.token()).toBe(first);
    now = new Date(NOW.getTime() + 13 * 60_000);
    const second = await provider.token();
    expect(second).not.toBe(first);
    expect(decode(second).searchParams.get('X-Amz-Date')).toBe('20260102T031705Z');
  });
});

describe("the service runtime's cluster tokens (eksClusterTokens)", () => {
  it('are EKS bearer tokens presigned in the region with the default credential chain', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    });
    delete process.env.AWS_SESSION_TOKEN;
    try {
      const url = decode(await eksClusterTokens('ap-northeast-1')('prod-1').token());
      expect(url.origin).toBe('https://sts.ap-northeast-1.amazonaws.com');
      expect(url.searchParams.get('X-Amz-Credential')).toMatch(
        /^AKIDEXAMPLE\/\d{8}\/ap-northeast-1\/sts\/aws4_request$/,
      );
      expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    } finally {
      process.env = saved;
    }
  });
});
