import {
  DEFAULT_AGENT_ARGS,
  assess,
  awsNodeDaemonSet,
  eksCluster,
  findingsOf,
  healthyInventory,
  onlyFinding,
  skippedScopes,
  vpcCniAddon,
  without,
} from './fixtures';

const withArgs = (args: readonly string[]) =>
  healthyInventory({ awsNodeDaemonSet: awsNodeDaemonSet({ agent: { args } }) });
const replaceArg = (flag: string, value: string) =>
  DEFAULT_AGENT_ARGS.map((a) => (a.startsWith(`--${flag}=`) ? `--${flag}=${value}` : a));

describe('CFG-IPV6-MISMATCH', () => {
  it('reports an IPv6 cluster whose agent runs without --enable-ipv6', () => {
    // Act
    const result = assess(healthyInventory({ eksCluster: eksCluster({ ipFamily: 'ipv6' }) }));

    // Assess
    expect(onlyFinding(result, 'CFG-IPV6-MISMATCH')).toMatchObject({
      severity: 'high',
      expected: 'true',
      actual: 'false',
      resource: { kind: 'DaemonSet' },
    });
  });

  it('reports an IPv4 cluster whose agent runs with --enable-ipv6=true', () => {
    const result = assess(withArgs(replaceArg('enable-ipv6', 'true')));
    expect(onlyFinding(result, 'CFG-IPV6-MISMATCH')).toMatchObject({ expected: 'false', actual: 'true' });
  });

  it('uses add-on nodeAgent.enableIpv6 when the DaemonSet is unknown', () => {
    // Prepare
    const addon = vpcCniAddon({
      configurationValues: 'enableNetworkPolicy: "true"\nnodeAgent:\n  enableIpv6: "true"\n',
    });
    const inventory = without(
      healthyInventory({ vpcCniAddon: addon, eksCluster: eksCluster({ ipFamily: 'ipv6' }) }),
      'awsNodeDaemonSet',
    );

    // Act
    const result = assess(inventory);

    // Assess
    expect(findingsOf(result, 'CFG-IPV6-MISMATCH')).toEqual([]);
    const mismatch = assess({ ...inventory, eksCluster: eksCluster({ ipFamily: 'ipv4' }) });
    expect(onlyFinding(mismatch, 'CFG-IPV6-MISMATCH').resource.kind).toBe('EksAddon');
  });

  it('is silent when the agent matches the cluster', () => {
    expect(findingsOf(assess(healthyInventory()), 'CFG-IPV6-MISMATCH')).toEqual([]);
    const v6 = healthyInventory({
      eksCluster: eksCluster({ ipFamily: 'ipv6' }),
      awsNodeDaemonSet: awsNodeDaemonSet({ agent: { args: replaceArg('enable-ipv6', 'true') } }),
    });
    expect(findingsOf(assess(v6), 'CFG-IPV6-MISMATCH')).toEqual([]);
  });

  it('is skipped when the cluster ipFamily is unknown', () => {
    const result = assess(healthyInventory({ eksCluster: eksCluster({}) }));
    expect(skippedScopes(result)).toContain('CFG-IPV6-MISMATCH');
  });
});

describe('CFG-BANDWIDTH-PLUGIN', () => {
  it('reports ENABLE_BANDWIDTH_PLUGIN=true on aws-node', () => {
    const result = assess(
      healthyInventory({ awsNodeDaemonSet: awsNodeDaemonSet({ cniEnv: { ENABLE_BANDWIDTH_PLUGIN: 'true' } }) }),
    );
    expect(onlyFinding(result, 'CFG-BANDWIDTH-PLUGIN')).toMatchObject({ severity: 'high', actual: 'true' });
  });

  it('is low while network policy is off on the agent', () => {
    const daemonSet = awsNodeDaemonSet({
      cniEnv: { ENABLE_BANDWIDTH_PLUGIN: 'true' },
      agent: { args: ['--enable-network-policy=false'] },
    });
    expect(
      onlyFinding(assess(healthyInventory({ awsNodeDaemonSet: daemonSet })), 'CFG-BANDWIDTH-PLUGIN').severity,
    ).toBe('low');
  });

  it('is silent when unset or false', () => {
    expect(findingsOf(assess(healthyInventory()), 'CFG-BANDWIDTH-PLUGIN')).toEqual([]);
    const off = healthyInventory({
      awsNodeDaemonSet: awsNodeDaemonSet({ cniEnv: { ENABLE_BANDWIDTH_PLUGIN: 'false' } }),
    });
    expect(findingsOf(assess(off), 'CFG-BANDWIDTH-PLUGIN')).toEqual([]);
  });
});

describe('CFG-CLOUDWATCH-WITHOUT-EVENT-LOGS', () => {
  it('reports --enable-cloudwatch-logs without --enable-policy-event-logs and cites #141', () => {
    // Act
    const result = assess(withArgs(replaceArg('enable-cloudwatch-logs', 'true')));

    // Assess
    const finding = onlyFinding(result, 'CFG-CLOUDWATCH-WITHOUT-EVENT-LOGS');
    expect(finding).toMatchObject({ severity: 'medium', upstreamIssue: 'aws/aws-network-policy-agent#141' });
  });

  it('is silent when policy event logs are enabled too', () => {
    const args = replaceArg('enable-cloudwatch-logs', 'true').map((a) =>
      a === '--enable-policy-event-logs=false' ? '--enable-policy-event-logs=true' : a,
    );
    expect(findingsOf(assess(withArgs(args)), 'CFG-CLOUDWATCH-WITHOUT-EVENT-LOGS')).toEqual([]);
  });

  it('is silent when CloudWatch logs are off', () => {
    expect(findingsOf(assess(healthyInventory()), 'CFG-CLOUDWATCH-WITHOUT-EVENT-LOGS')).toEqual([]);
  });
});
