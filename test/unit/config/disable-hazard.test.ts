import {
  assess,
  awsNodeDaemonSet,
  DEFAULT_AGENT_ARGS,
  healthyInventory,
  onlyFinding,
  pod,
  policyEndpoint,
  vpcCniAddon,
  vpcCniConfigMap,
} from './fixtures';

const AGENT_OFF = DEFAULT_AGENT_ARGS.map((arg) =>
  arg === '--enable-network-policy=true' ? '--enable-network-policy=false' : arg,
);
const ENDPOINTS = [policyEndpoint({ pods: [pod({ name: 'web-7d9f-abcde' })] })];

function agentOff(tag: string, withEndpoints = true) {
  return healthyInventory({
    vpcCniAddon: vpcCniAddon({ configurationValues: '{"enableNetworkPolicy":"false"}' }),
    awsNodeDaemonSet: awsNodeDaemonSet({ agent: { tag, args: AGENT_OFF } }),
    policyEndpoints: withEndpoints ? ENDPOINTS : [],
  });
}

describe('turning network policy off while PolicyEndpoints exist', () => {
  it('names no disable-hazard issue on a missing agent container when no PolicyEndpoints exist', () => {
    const inventory = healthyInventory({ awsNodeDaemonSet: awsNodeDaemonSet({ agent: null }) });
    expect(onlyFinding(assess(inventory), 'CFG-AGENT-MISSING').upstreamIssue).toBeUndefined();
  });

  it('says the programs stay on the listed pods when the live agent is off, with the safe order and #97', () => {
    // Act
    const finding = onlyFinding(assess(agentOff('v1.2.2-eksbuild.1')), 'CFG-AGENT-NP-DISABLED');

    // Assess
    expect(finding.message).toContain('1 PolicyEndpoint still exists');
    expect(finding.message).toContain('stay on the pods they list');
    expect(finding.message).not.toContain('crash-loop');
    expect(finding.remediation).toContain('delete the NetworkPolicies (and ClusterNetworkPolicies) first');
    expect(finding.remediation).toContain('kubectl get policyendpoints -A lists none, then disable');
    expect(finding.upstreamIssue).toContain('aws/aws-network-policy-agent#97');
    expect(finding.upstreamIssue).toContain('aws/aws-network-policy-agent#135');
  });

  it('adds that agents before v1.1.5 crash-loop while PolicyEndpoints exist', () => {
    const finding = onlyFinding(assess(agentOff('v1.0.8-eksbuild.1')), 'CFG-AGENT-NP-DISABLED');
    expect(finding.message).toContain('agent 1.0.8 (before 1.1.5) crash-loops while they exist');
  });

  it('says nothing about stale programs when no PolicyEndpoints exist', () => {
    const finding = onlyFinding(assess(agentOff('v1.0.8-eksbuild.1', false)), 'CFG-AGENT-NP-DISABLED');
    expect(finding.message).not.toContain('stay on the pods');
    expect(finding.upstreamIssue).toBe('aws/aws-network-policy-agent#231');
  });

  it('says the stale programs are unknown, not absent, when PolicyEndpoints could not be listed', () => {
    // Prepare
    const inventory = {
      ...agentOff('v1.2.2', false),
      unavailableKinds: [{ kind: 'PolicyEndpoint', reason: 'forbidden', cause: 'forbidden' as const }],
    };

    // Act
    const finding = onlyFinding(assess(inventory), 'CFG-AGENT-NP-DISABLED');

    // Assess
    expect(finding.message).toContain('PolicyEndpoints could not be listed');
    expect(finding.message).not.toContain('stay on the pods');
  });

  it('warns that applying add-on values "false" disables a live agent that still enforces PolicyEndpoints', () => {
    // Prepare
    const inventory = healthyInventory({
      vpcCniAddon: vpcCniAddon({ configurationValues: '{"enableNetworkPolicy":"false"}' }),
      policyEndpoints: ENDPOINTS,
    });

    // Act
    const finding = onlyFinding(assess(inventory), 'CFG-ADDON-NP-DISABLED');

    // Assess
    expect(finding.message).toContain('the live agent still enforces them: applying these add-on values');
    expect(finding.message).toContain('Delete the NetworkPolicies first');
    expect(finding.remediation).toContain('switch it off only when no PolicyEndpoints remain');
  });

  it('says the programs stay when the agent container was removed while PolicyEndpoints exist', () => {
    const inventory = healthyInventory({
      awsNodeDaemonSet: awsNodeDaemonSet({ agent: null }),
      policyEndpoints: ENDPOINTS,
    });
    const finding = onlyFinding(assess(inventory), 'CFG-AGENT-MISSING');
    expect(finding.message).toContain('stay on the pods they list');
    expect(finding.upstreamIssue).toBe('aws/aws-network-policy-agent#97');
  });

  it('says PolicyEndpoints left behind are frozen and NetworkPolicy deletion waits on the finalizer when the controller is off', () => {
    const inventory = healthyInventory({
      vpcCniConfigMap: vpcCniConfigMap({ 'enable-network-policy-controller': 'false' }),
      policyEndpoints: ENDPOINTS,
    });
    const finding = onlyFinding(assess(inventory), 'CFG-CONFIGMAP-CONTROLLER-DISABLED');
    expect(finding.message).toContain('the agent keeps enforcing them as they are');
    expect(finding.message).toContain('networking.k8s.aws/resources finalizer');
    expect(finding.upstreamIssue).toBe('aws/aws-network-policy-agent#568');
  });
});
