import {
  DEFAULT_AGENT_ARGS,
  assess,
  awsNodeDaemonSet,
  findingsOf,
  healthyInventory,
  skippedScopes,
  vpcCniAddon,
  vpcCniConfigMap,
  without,
} from './fixtures';

const values = (object: unknown) => vpcCniAddon({ configurationValues: JSON.stringify(object) });

describe('CFG-ADDON-DRIFT', () => {
  it('is silent when the add-on and the live objects agree', () => {
    expect(findingsOf(assess(healthyInventory()), 'CFG-ADDON-DRIFT')).toEqual([]);
  });

  it('reports enableNetworkPolicy true in the add-on but false on the agent (high)', () => {
    // Prepare
    const inventory = healthyInventory({
      awsNodeDaemonSet: awsNodeDaemonSet({ agent: { args: ['--enable-network-policy=false'] } }),
    });

    // Act
    const drift = findingsOf(assess(inventory), 'CFG-ADDON-DRIFT');

    // Assess
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({
      severity: 'high',
      expected: { enableNetworkPolicy: true },
      actual: { '--enable-network-policy': false },
      resource: { kind: 'DaemonSet' },
    });
  });

  it('reports a hand-enabled agent the add-on does not intend (absent key = chart default false)', () => {
    const inventory = healthyInventory({
      vpcCniAddon: values({}),
      vpcCniConfigMap: vpcCniConfigMap({ 'enable-network-policy-controller': 'false' }),
    });
    const drift = findingsOf(assess(inventory), 'CFG-ADDON-DRIFT');
    expect(drift.map((f) => f.actual)).toEqual([{ '--enable-network-policy': true }]);
  });

  it('reports enforcing-mode drift between add-on env and live env', () => {
    const inventory = healthyInventory({
      vpcCniAddon: values({ enableNetworkPolicy: 'true', env: { NETWORK_POLICY_ENFORCING_MODE: 'strict' } }),
    });
    const drift = findingsOf(assess(inventory), 'CFG-ADDON-DRIFT');
    expect(drift).toEqual([
      expect.objectContaining({
        severity: 'high',
        expected: { 'env.NETWORK_POLICY_ENFORCING_MODE': 'strict' },
        actual: { 'aws-node env NETWORK_POLICY_ENFORCING_MODE': 'standard' },
      }),
    ]);
  });

  it('reports enableIpv6, policy event logs and CloudWatch drift (medium)', () => {
    // Prepare
    const addon = values({
      enableNetworkPolicy: 'true',
      nodeAgent: { enableIpv6: 'true', enablePolicyEventLogs: 'true', enableCloudWatchLogs: 'true' },
    });

    // Act
    const drift = findingsOf(assess(healthyInventory({ vpcCniAddon: addon })), 'CFG-ADDON-DRIFT');

    // Assess
    expect(drift.map((f) => Object.keys(f.expected as object)[0])).toEqual([
      'nodeAgent.enableIpv6',
      'nodeAgent.enablePolicyEventLogs',
      'nodeAgent.enableCloudWatchLogs',
    ]);
    expect(drift.every((f) => f.severity === 'medium')).toBe(true);
  });

  it('reports nodeAgent.enabled=false while the agent container runs', () => {
    const addon = values({ enableNetworkPolicy: 'true', nodeAgent: { enabled: 'false' } });
    const drift = findingsOf(assess(healthyInventory({ vpcCniAddon: addon })), 'CFG-ADDON-DRIFT');
    expect(drift.map((f) => f.expected)).toEqual([{ 'nodeAgent.enabled': false }]);
  });

  it('reports the bandwidth plugin enabled by hand', () => {
    const daemonSet = awsNodeDaemonSet({
      cniEnv: { NETWORK_POLICY_ENFORCING_MODE: 'standard', ENABLE_BANDWIDTH_PLUGIN: 'true' },
    });
    const drift = findingsOf(assess(healthyInventory({ awsNodeDaemonSet: daemonSet })), 'CFG-ADDON-DRIFT');
    expect(drift.map((f) => f.actual)).toEqual([{ 'aws-node env ENABLE_BANDWIDTH_PLUGIN': true }]);
  });

  it('reports an aws-node image that differs from the add-on version', () => {
    const daemonSet = awsNodeDaemonSet({
      cniTag: 'v1.20.0-eksbuild.1',
      agent: { tag: 'v1.2.3', args: DEFAULT_AGENT_ARGS },
    });
    const drift = findingsOf(assess(healthyInventory({ awsNodeDaemonSet: daemonSet })), 'CFG-ADDON-DRIFT');
    expect(drift).toEqual([
      expect.objectContaining({ expected: { addonVersion: '1.19.6' }, actual: { 'aws-node image tag': '1.20.0' } }),
    ]);
  });

  it('reports a ConfigMap that does not follow enableNetworkPolicy', () => {
    const inventory = healthyInventory({
      vpcCniConfigMap: vpcCniConfigMap({ 'enable-network-policy-controller': 'false' }),
    });
    const drift = findingsOf(assess(inventory), 'CFG-ADDON-DRIFT');
    expect(drift).toEqual([
      expect.objectContaining({
        severity: 'high',
        resource: expect.objectContaining({ kind: 'ConfigMap' }) as unknown,
      }),
    ]);
  });

  it('compares only the ConfigMap when the DaemonSet is absent, and says so', () => {
    // Prepare
    const inventory = without(healthyInventory({ vpcCniConfigMap: vpcCniConfigMap({}) }), 'awsNodeDaemonSet');

    // Act
    const result = assess(inventory);

    // Assess
    expect(findingsOf(result, 'CFG-ADDON-DRIFT')).toHaveLength(1);
    expect(skippedScopes(result)).toContain('CFG-ADDON-DRIFT');
  });

  it('skips when the values are malformed or there is no add-on', () => {
    const malformed = healthyInventory({ vpcCniAddon: vpcCniAddon({ configurationValues: '{"env": [' }) });
    expect(skippedScopes(assess(malformed))).toContain('CFG-ADDON-DRIFT');
    expect(skippedScopes(assess(without(healthyInventory(), 'vpcCniAddon')))).toContain('CFG-ADDON-DRIFT');
  });
});
