import {
  assess,
  awsNodeDaemonSet,
  eksCluster,
  healthyInventory,
  vpcCniAddon,
  vpcCniConfigMap,
  without,
} from './fixtures';

describe('effective configuration', () => {
  it('describes a fully enabled managed cluster exactly', () => {
    expect(assess(healthyInventory({ eksCluster: eksCluster({ ipFamily: 'ipv6' }) })).effective).toEqual({
      networkPolicyEnabled: true,
      enforcementMode: 'standard',
      cniVersion: '1.19.6',
      agentVersion: '1.2.2',
      autoMode: false,
      ipFamily: 'ipv6',
    });
  });

  it('trusts the live agent over the add-on intent', () => {
    // Prepare: the add-on intends network policy, the live agent is off
    const inventory = healthyInventory({
      awsNodeDaemonSet: awsNodeDaemonSet({ agent: { args: ['--enable-network-policy=false'] } }),
    });

    // Act / Assess
    expect(assess(inventory).effective.networkPolicyEnabled).toBe(false);
  });

  it('trusts the live agent when the add-on does not intend network policy', () => {
    const inventory = healthyInventory({ vpcCniAddon: vpcCniAddon({ configurationValues: '{}' }) });
    expect(assess(inventory).effective.networkPolicyEnabled).toBe(true);
  });

  it('is false when the ConfigMap disables the controller even though the agent enforces', () => {
    const inventory = healthyInventory({
      vpcCniConfigMap: vpcCniConfigMap({ 'enable-network-policy-controller': 'false' }),
    });
    expect(assess(inventory).effective.networkPolicyEnabled).toBe(false);
  });

  it('is unknown without the live DaemonSet, whatever the add-on says', () => {
    const effective = assess(without(healthyInventory(), 'awsNodeDaemonSet')).effective;
    expect(effective.networkPolicyEnabled).toBeUndefined();
    expect(effective.enforcementMode).toBeUndefined();
    expect(effective.cniVersion).toBe('1.19.6');
    expect(effective.agentVersion).toBeUndefined();
  });

  it('prefers the add-on version over the aws-node image tag', () => {
    const inventory = healthyInventory({ awsNodeDaemonSet: awsNodeDaemonSet({ cniTag: 'v1.20.0-eksbuild.1' }) });
    expect(assess(inventory).effective.cniVersion).toBe('1.19.6');
  });

  it('reads strict mode from the live aws-node env', () => {
    const inventory = healthyInventory({
      awsNodeDaemonSet: awsNodeDaemonSet({ cniEnv: { NETWORK_POLICY_ENFORCING_MODE: 'strict' } }),
    });
    expect(assess(inventory).effective.enforcementMode).toBe('strict');
  });
});
