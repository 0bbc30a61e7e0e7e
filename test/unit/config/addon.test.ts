import { assess, checkIds, findingsOf, healthyInventory, onlyFinding, skippedScopes, vpcCniAddon } from './fixtures';

const withValues = (configurationValues: string | null) =>
  healthyInventory({ vpcCniAddon: vpcCniAddon({ configurationValues }) });

describe('CFG-ADDON-STATUS', () => {
  it.each([
    ['DEGRADED', 'high'],
    ['UPDATE_FAILED', 'high'],
    ['UPDATING', 'medium'],
  ])('reports status %s as %s', (status, severity) => {
    const finding = onlyFinding(assess(healthyInventory({ vpcCniAddon: vpcCniAddon({ status }) })), 'CFG-ADDON-STATUS');
    expect(finding).toMatchObject({
      severity,
      expected: 'ACTIVE',
      actual: status,
      resource: { kind: 'EksAddon', name: 'vpc-cni' },
    });
  });

  it('is silent for ACTIVE', () => {
    expect(findingsOf(assess(healthyInventory()), 'CFG-ADDON-STATUS')).toEqual([]);
  });
});

describe('CFG-ADDON-HEALTH', () => {
  it('reports one finding per health issue, with its code', () => {
    // Prepare
    const addon = vpcCniAddon({
      status: 'DEGRADED',
      issues: [
        { code: 'ConfigurationConflict', message: 'Conflicts found when trying to apply', resourceIds: ['aws-node'] },
        { code: 'InsufficientNumberOfReplicas', message: 'not enough replicas' },
      ],
    });

    // Act
    const findings = findingsOf(assess(healthyInventory({ vpcCniAddon: addon })), 'CFG-ADDON-HEALTH');

    // Assess
    expect(findings.map((f) => (f.actual as { code: string }).code)).toEqual([
      'ConfigurationConflict',
      'InsufficientNumberOfReplicas',
    ]);
    expect(findings[0]?.message).toContain('ConfigurationConflict');
    expect(findings[0]?.message).toContain('aws-node');
    expect(findings.every((f) => f.severity === 'high')).toBe(true);
  });

  it('is silent without issues', () => {
    expect(findingsOf(assess(healthyInventory()), 'CFG-ADDON-HEALTH')).toEqual([]);
  });
});

describe('CFG-ADDON-VALUES-MALFORMED', () => {
  it('reports malformed configurationValues as a finding and keeps judging the live objects', () => {
    // Act
    const result = assess(withValues('enableNetworkPolicy: [true'));

    // Assess
    expect(onlyFinding(result, 'CFG-ADDON-VALUES-MALFORMED').severity).toBe('medium');
    expect(checkIds(result).sort()).toEqual(['CFG-ADDON-VALUES-MALFORMED', 'CFG-MODE']);
    expect(skippedScopes(result)).toEqual(expect.arrayContaining(['CFG-ADDON-NP-DISABLED', 'CFG-ADDON-DRIFT']));
    expect(result.effective.networkPolicyEnabled).toBe(true);
  });

  it('reports a non-object document', () => {
    expect(onlyFinding(assess(withValues('- a\n- b\n')), 'CFG-ADDON-VALUES-MALFORMED').actual).toContain('array');
  });

  it('accepts JSON and YAML alike', () => {
    expect(checkIds(assess(withValues('{"enableNetworkPolicy": "true"}')))).toEqual(['CFG-MODE']);
    expect(checkIds(assess(withValues('enableNetworkPolicy: "true"\n')))).toEqual(['CFG-MODE']);
  });
});

describe('CFG-ADDON-KEY-CASE', () => {
  it('reports enableNetworkpolicy and explains why network policy stays disabled', () => {
    // Act
    const result = assess(withValues('{"enableNetworkpolicy": "true"}'));

    // Assess
    expect(onlyFinding(result, 'CFG-ADDON-KEY-CASE')).toMatchObject({
      expected: 'enableNetworkPolicy',
      actual: 'enableNetworkpolicy',
    });
    expect(onlyFinding(result, 'CFG-ADDON-NP-DISABLED').message).toContain('mis-cased');
  });

  it('reports mis-cased nested YAML keys', () => {
    const result = assess(withValues('enableNetworkPolicy: "true"\nnodeAgent:\n  enableIPv6: "false"\n'));
    expect(onlyFinding(result, 'CFG-ADDON-KEY-CASE').expected).toBe('nodeAgent.enableIpv6');
  });

  it('reports a mis-cased chart key outside network policy (Tolerations) against the shared key list', () => {
    const result = assess(withValues('{"enableNetworkPolicy": "true", "Tolerations": []}'));
    expect(onlyFinding(result, 'CFG-ADDON-KEY-CASE')).toMatchObject({ expected: 'tolerations', actual: 'Tolerations' });
    expect(findingsOf(result, 'CFG-ADDON-KEY-UNKNOWN')).toEqual([]);
  });

  it('is silent for correctly cased keys', () => {
    expect(findingsOf(assess(healthyInventory()), 'CFG-ADDON-KEY-CASE')).toEqual([]);
  });
});

describe('CFG-ADDON-KEY-UNKNOWN', () => {
  it('reports a misspelt nodeAgent key, names the key it was meant to be and says the setting is dropped', () => {
    // Act
    const result = assess(withValues('{"enableNetworkPolicy": "true", "nodeAgent": {"enablePolicyEventLog": "true"}}'));

    // Assess
    const finding = onlyFinding(result, 'CFG-ADDON-KEY-UNKNOWN');
    expect(finding).toMatchObject({
      severity: 'medium',
      expected: 'nodeAgent.enablePolicyEventLogs',
      actual: 'nodeAgent.enablePolicyEventLog',
    });
    expect(finding.message).toContain('misspelling of "nodeAgent.enablePolicyEventLogs"');
    expect(finding.message).toContain('not applied');
    expect(finding.remediation).toContain('Rename the key to nodeAgent.enablePolicyEventLogs');
  });

  it('reports a transposed top-level nodeAgent key (nodeAgnet) as a likely misspelling', () => {
    const result = assess(withValues('enableNetworkPolicy: "true"\nnodeAgnet:\n  enablePolicyEventLogs: "true"\n'));
    expect(onlyFinding(result, 'CFG-ADDON-KEY-UNKNOWN')).toMatchObject({
      severity: 'medium',
      expected: 'nodeAgent',
      actual: 'nodeAgnet',
    });
  });

  it('reports a key far from every known key as low, still naming the closest one', () => {
    const finding = onlyFinding(
      assess(withValues('{"enableNetworkPolicy": "true", "policyMode": "strict"}')),
      'CFG-ADDON-KEY-UNKNOWN',
    );
    expect(finding.severity).toBe('low');
    expect(finding.message).toContain('the closest known key is');
  });

  it('leaves keys that differ only in case to CFG-ADDON-KEY-CASE', () => {
    const result = assess(withValues('{"enableNetworkPolicy": "true", "nodeAgent": {"enableIPv6": "false"}}'));
    expect(findingsOf(result, 'CFG-ADDON-KEY-UNKNOWN')).toEqual([]);
    expect(findingsOf(result, 'CFG-ADDON-KEY-CASE')).toHaveLength(1);
  });

  it('is silent for chart keys outside network policy and for any env variable', () => {
    // Prepare
    const values = {
      enableNetworkPolicy: 'true',
      enableWindowsIpam: 'false',
      init: { env: { DISABLE_TCP_EARLY_DEMUX: 'true' } },
      tolerations: [{ operator: 'Exists' }],
      env: { WARM_PREFIX_TARGET: '1', AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' },
      nodeAgent: { logLevel: 'info', conntrackCacheTableSize: '524288' },
    };

    // Act
    const result = assess(withValues(JSON.stringify(values)));

    // Assess
    expect(findingsOf(result, 'CFG-ADDON-KEY-UNKNOWN')).toEqual([]);
  });

  it('is not checked when the values cannot be read', () => {
    expect(skippedScopes(assess(withValues('enableNetworkPolicy: [true')))).toContain('CFG-ADDON-KEY-UNKNOWN');
  });
});

describe('CFG-ADDON-NP-DISABLED', () => {
  it.each([
    ['an absent key (JSON)', '{}', '(not set: chart default "false")'],
    ['empty configurationValues', null, '(not set: chart default "false")'],
    ['"false" (YAML)', 'enableNetworkPolicy: "false"', 'false'],
    ['"True" (not exactly "true")', '{"enableNetworkPolicy": "True"}', 'True'],
  ])('reports %s', (_label, values, actual) => {
    // Act
    const finding = onlyFinding(assess(withValues(values)), 'CFG-ADDON-NP-DISABLED');

    // Assess
    expect(finding).toMatchObject({ severity: 'high', expected: '"true"', actual });
  });

  it('is medium when the cluster has no policy objects', () => {
    const inventory = { ...withValues('{}'), networkPolicies: [] };
    expect(onlyFinding(assess(inventory), 'CFG-ADDON-NP-DISABLED').severity).toBe('medium');
  });

  it('is silent for "true", including a bare YAML boolean', () => {
    expect(findingsOf(assess(withValues('enableNetworkPolicy: true')), 'CFG-ADDON-NP-DISABLED')).toEqual([]);
  });
});
