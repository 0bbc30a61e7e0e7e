import {
  assess,
  awsNodeDaemonSet,
  checkIds,
  findingsOf,
  healthyInventory,
  onlyFinding,
  vpcCniAddon,
  vpcCniConfigMap,
  without,
} from './fixtures';

const selfManaged = (daemonSet: ReturnType<typeof awsNodeDaemonSet>) =>
  without(healthyInventory({ awsNodeDaemonSet: daemonSet }), 'vpcCniAddon');

describe('CFG-AGENT-MISSING', () => {
  it('reports an aws-node DaemonSet without the aws-eks-nodeagent container', () => {
    // Prepare
    const inventory = selfManaged(awsNodeDaemonSet({ agent: null, cniEnv: {} }));

    // Act
    const result = assess(inventory);

    // Assess
    expect(onlyFinding(result, 'CFG-AGENT-MISSING')).toMatchObject({ severity: 'critical', actual: ['aws-node'] });
    expect(findingsOf(result, 'CFG-MODE-WITHOUT-AGENT')).toEqual([]);
    expect(result.effective.networkPolicyEnabled).toBe(false);
    expect(result.effective.agentVersion).toBeUndefined();
  });

  it('finds the agent by image when the container is renamed', () => {
    const inventory = selfManaged(
      awsNodeDaemonSet({ agent: { image: 'registry.example/amazon/aws-network-policy-agent:v1.2.2' } }),
    );
    expect(findingsOf(assess(inventory), 'CFG-AGENT-MISSING')).toEqual([]);
  });

  it('is silent when the agent container exists', () => {
    expect(findingsOf(assess(healthyInventory()), 'CFG-AGENT-MISSING')).toEqual([]);
  });
});

describe('CFG-AGENT-NP-DISABLED', () => {
  it.each([
    [['--enable-network-policy=false'], 'false'],
    [['--enable-network-policy', 'false'], 'false'],
    [['--enable-ipv6=false'], '(not set: default false)'],
    [['--enable-network-policy=yes'], 'yes'],
  ])('reports args %j', (args, actual) => {
    const result = assess(healthyInventory({ awsNodeDaemonSet: awsNodeDaemonSet({ agent: { args } }) }));
    expect(onlyFinding(result, 'CFG-AGENT-NP-DISABLED')).toMatchObject({ severity: 'critical', actual });
  });

  it('cites aws-network-policy-agent#231 when the ConfigMap enables the controller but the agent is off', () => {
    // Prepare
    const inventory = healthyInventory({
      awsNodeDaemonSet: awsNodeDaemonSet({ agent: { args: ['--enable-network-policy=false'] } }),
      vpcCniConfigMap: vpcCniConfigMap({ 'enable-network-policy-controller': 'true' }),
    });

    // Act
    const finding = onlyFinding(assess(inventory), 'CFG-AGENT-NP-DISABLED');

    // Assess
    expect(finding.upstreamIssue).toBe('aws/aws-network-policy-agent#231');
    expect(finding.message).toContain('PolicyEndpoints are published but no node enforces them');
  });

  it.each([[['--enable-network-policy=true']], [['--enable-network-policy', 'true']], [['--enable-network-policy']]])(
    'is silent for args %j',
    (args) => {
      const result = assess(healthyInventory({ awsNodeDaemonSet: awsNodeDaemonSet({ agent: { args } }) }));
      expect(findingsOf(result, 'CFG-AGENT-NP-DISABLED')).toEqual([]);
    },
  );
});

describe('CFG-MODE-WITHOUT-AGENT', () => {
  it('reports NETWORK_POLICY_ENFORCING_MODE set while the agent container is absent', () => {
    // Prepare
    const inventory = healthyInventory({
      vpcCniAddon: vpcCniAddon({
        configurationValues: '{"enableNetworkPolicy":"true","nodeAgent":{"enabled":"false"}}',
      }),
      awsNodeDaemonSet: awsNodeDaemonSet({ agent: null, cniEnv: { NETWORK_POLICY_ENFORCING_MODE: 'standard' } }),
    });

    // Act
    const result = assess(inventory);

    // Assess
    expect(onlyFinding(result, 'CFG-MODE-WITHOUT-AGENT')).toMatchObject({ severity: 'critical', actual: 'standard' });
    expect(checkIds(result)).toContain('CFG-AGENT-MISSING');
  });

  it('is silent when the mode is unset or empty', () => {
    const empty = selfManaged(awsNodeDaemonSet({ agent: null, cniEnv: { NETWORK_POLICY_ENFORCING_MODE: '' } }));
    expect(findingsOf(assess(empty), 'CFG-MODE-WITHOUT-AGENT')).toEqual([]);
  });

  it('is silent when the agent runs', () => {
    expect(findingsOf(assess(healthyInventory()), 'CFG-MODE-WITHOUT-AGENT')).toEqual([]);
  });
});
