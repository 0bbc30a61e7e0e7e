import { assess, findingsOf, healthyInventory, onlyFinding, skippedScopes, vpcCniConfigMap, without } from './fixtures';

describe('CFG-CONFIGMAP-CONTROLLER-DISABLED', () => {
  it('reports a missing ConfigMap: the controller publishes no PolicyEndpoints', () => {
    // Act
    const result = assess(without(healthyInventory(), 'vpcCniConfigMap'));

    // Assess
    const finding = onlyFinding(result, 'CFG-CONFIGMAP-CONTROLLER-DISABLED');
    expect(finding).toMatchObject({
      severity: 'critical',
      actual: '(ConfigMap missing)',
      resource: { kind: 'ConfigMap', name: 'amazon-vpc-cni' },
    });
    expect(finding.message).toContain('publishes no PolicyEndpoints');
    expect(result.effective.networkPolicyEnabled).toBe(false);
  });

  it.each([
    [{ 'enable-network-policy-controller': 'false' }, 'false'],
    [{ 'enable-network-policy-controller': 'True' }, 'True'],
    [{ 'enable-windows-ipam': 'false' }, '(key not set)'],
    [null, '(key not set)'],
    [
      { 'Enable-Network-Policy-Controller': 'true' },
      '(key not set; found mis-cased "Enable-Network-Policy-Controller")',
    ],
  ])('reports data %j', (data, actual) => {
    const result = assess(healthyInventory({ vpcCniConfigMap: vpcCniConfigMap(data) }));
    expect(onlyFinding(result, 'CFG-CONFIGMAP-CONTROLLER-DISABLED').actual).toBe(actual);
  });

  it('is medium when the cluster has no policy objects', () => {
    const inventory = { ...without(healthyInventory(), 'vpcCniConfigMap'), networkPolicies: [] };
    expect(onlyFinding(assess(inventory), 'CFG-CONFIGMAP-CONTROLLER-DISABLED').severity).toBe('medium');
  });

  it('is silent for "true"', () => {
    expect(findingsOf(assess(healthyInventory()), 'CFG-CONFIGMAP-CONTROLLER-DISABLED')).toEqual([]);
  });

  it('skips when ConfigMaps could not be read, leaving networkPolicyEnabled unknown', () => {
    // Prepare
    const inventory = {
      ...without(healthyInventory(), 'vpcCniConfigMap'),
      unavailableKinds: [{ kind: 'ConfigMap', reason: 'forbidden' }],
    };

    // Act
    const result = assess(inventory);

    // Assess
    expect(findingsOf(result, 'CFG-CONFIGMAP-CONTROLLER-DISABLED')).toEqual([]);
    expect(skippedScopes(result)).toContain('CFG-CONFIGMAP-CONTROLLER-DISABLED');
    expect(result.effective.networkPolicyEnabled).toBeUndefined();
  });
});
