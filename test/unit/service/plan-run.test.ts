import { RunInputError } from '#engine';
import type { ServiceConfig } from '../../../lambdas/shared/service/config';
import { planRun } from '../../../lambdas/shared/service/plan-run';

const NOW = new Date('2026-12-03T02:00:00Z');
const EVENT = {
  executionName: 'nightly-2026-12-03',
  executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:audit:nightly-2026-12-03',
};

function config(clusters: ServiceConfig['clusters']): ServiceConfig {
  return {
    clusters,
    desiredMode: 'standard',
    alertSeverity: 'high',
    nodeCollection: { enabled: true, nodes: 'all', collector: 'ssm' },
  };
}

const named = config({ names: ['prod-b', 'prod-a'] });
const noDiscovery = (): Promise<string[]> => Promise.reject(new Error('not expected'));

async function rejection(input: unknown, serviceConfig = named): Promise<RunInputError> {
  const error: unknown = await planRun(
    { ...EVENT, input },
    { config: serviceConfig, discoverClusters: noDiscovery, now: () => NOW },
  ).catch((caught: unknown) => caught);
  if (!(error instanceof RunInputError)) throw new Error(`expected a RunInputError, got ${String(error)}`);
  return error;
}

describe('planRun', () => {
  it('plans the nightly run ({}) over every configured cluster, the run id being the execution name', async () => {
    await expect(
      planRun({ ...EVENT, input: {} }, { config: named, discoverClusters: noDiscovery, now: () => NOW }),
    ).resolves.toEqual({
      runId: 'nightly-2026-12-03',
      startedAt: '2026-12-03T02:00:00.000Z',
      executionArn: EVENT.executionArn,
      clusters: [{ name: 'prod-a' }, { name: 'prod-b' }],
      focus: {},
    });
  });

  it('plans a focused on-demand run with explain on one named cluster', async () => {
    const explain = { from: 'default/client', to: 'default/nginx', port: 80, protocol: 'TCP' as const };
    const plan = await planRun(
      { ...EVENT, input: { clusters: ['prod-a'], pods: ['default/nginx'], explain } },
      { config: named, discoverClusters: noDiscovery, now: () => NOW },
    );
    expect(plan).toMatchObject({ clusters: [{ name: 'prod-a' }], focus: { pods: ['default/nginx'] }, explain });
  });

  it('discovers the clusters of the region by tag when configured so', async () => {
    const discovered: Record<string, string>[] = [];
    const plan = await planRun(
      { ...EVENT, input: {} },
      {
        config: config({ allInRegion: true, tags: { audit: 'yes' } }),
        discoverClusters: (tags) => {
          discovered.push({ ...tags });
          return Promise.resolve(['c1']);
        },
        now: () => NOW,
      },
    );
    expect(discovered).toEqual([{ audit: 'yes' }]);
    expect(plan.clusters).toEqual([{ name: 'c1' }]);
  });

  it.each([
    [{ pods: ['nginx'] }, 'pods.0', 'expected "<namespace>/<pod name>"'],
    [{ explain: { from: 'a/b', to: 'c/d', port: 70000 } }, 'explain.port', ''],
    [{ explain: { from: 'a/b', to: 'c/d', port: 80, protocol: 'ICMP' } }, 'explain.protocol', ''],
    [{ clusters: [] }, 'clusters', ''],
    [{ cluster: 'prod-a' }, 'input', 'cluster'],
    [{ clusters: ['prod-c'] }, 'clusters', 'not configured in this stack: prod-c'],
    [{ pods: ['default/nginx'] }, 'clusters', 'exactly one cluster'],
    ['not an object', 'input', ''],
  ])('rejects %j with a RunInputError naming %s', async (input, field, detail) => {
    const error = await rejection(input);
    expect(error.field).toBe(field);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
    expect(error.message).toContain(detail);
    expect(error.name).toBe('RunInputError');
  });
});
