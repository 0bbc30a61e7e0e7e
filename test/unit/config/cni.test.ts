import {
  assess,
  awsNodeDaemonSet,
  checkIds,
  clusterNetworkPolicy,
  eksCluster,
  findingsOf,
  healthyInventory,
  onlyFinding,
  skippedScopes,
  vpcCniAddon,
  without,
} from './fixtures';

describe('CFG-CNI-MISSING', () => {
  it('reports a cluster with neither add-on nor aws-node DaemonSet', () => {
    // Prepare
    const inventory = without(healthyInventory(), 'vpcCniAddon', 'awsNodeDaemonSet');

    // Act
    const result = assess(inventory);

    // Assess
    const finding = onlyFinding(result, 'CFG-CNI-MISSING');
    expect(finding.severity).toBe('high');
    expect(finding.message).toContain('Another CNI');
    expect(checkIds(result)).toEqual(['CFG-CNI-MISSING']);
    expect(skippedScopes(result)).toEqual(expect.arrayContaining(['CFG-CONFIGMAP-CONTROLLER-DISABLED', 'CFG-MODE']));
    expect(result.effective.networkPolicyEnabled).toBeUndefined();
  });

  it('is silent when only the add-on exists', () => {
    const result = assess(without(healthyInventory(), 'awsNodeDaemonSet'));
    expect(findingsOf(result, 'CFG-CNI-MISSING')).toEqual([]);
  });

  it('is silent when only the DaemonSet exists', () => {
    const result = assess(without(healthyInventory(), 'vpcCniAddon'));
    expect(findingsOf(result, 'CFG-CNI-MISSING')).toEqual([]);
  });

  it('does not claim a missing CNI when DaemonSets could not be listed', () => {
    // Prepare
    const inventory = {
      ...without(healthyInventory(), 'vpcCniAddon', 'awsNodeDaemonSet'),
      unavailableKinds: [{ kind: 'DaemonSet', reason: 'forbidden' }],
    };

    // Act
    const result = assess(inventory);

    // Assess
    expect(findingsOf(result, 'CFG-CNI-MISSING')).toEqual([]);
    expect(skippedScopes(result)).toContain('CFG-CNI-MISSING');
  });
});

describe('CFG-CNI-SELF-MANAGED (no add-on)', () => {
  it('judges a self-managed install from the DaemonSet and ConfigMap', () => {
    // Prepare
    const inventory = without(healthyInventory(), 'vpcCniAddon');

    // Act
    const result = assess(inventory);

    // Assess
    expect(checkIds(result).sort()).toEqual(['CFG-CNI-SELF-MANAGED', 'CFG-MODE']);
    expect(onlyFinding(result, 'CFG-CNI-SELF-MANAGED').severity).toBe('info');
    expect(skippedScopes(result)).toEqual(expect.arrayContaining(['CFG-ADDON-STATUS', 'CFG-ADDON-DRIFT']));
    expect(result.effective).toEqual({
      networkPolicyEnabled: true,
      enforcementMode: 'standard',
      cniVersion: '1.19.6',
      agentVersion: '1.2.2',
      autoMode: false,
      ipFamily: 'ipv4',
    });
  });

  it('reports self-managed clusters with the agent disabled', () => {
    // Prepare
    const inventory = without(
      healthyInventory({ awsNodeDaemonSet: awsNodeDaemonSet({ agent: { args: ['--enable-network-policy=false'] } }) }),
      'vpcCniAddon',
    );

    // Act
    const result = assess(inventory);

    // Assess
    expect(checkIds(result)).toContain('CFG-AGENT-NP-DISABLED');
    expect(result.effective.networkPolicyEnabled).toBe(false);
  });

  it('is not reported for a managed add-on', () => {
    expect(findingsOf(assess(healthyInventory()), 'CFG-CNI-SELF-MANAGED')).toEqual([]);
  });
});

describe('CFG-CNI-DAEMONSET-MISSING', () => {
  it('reports an add-on whose aws-node DaemonSet is absent', () => {
    const result = assess(without(healthyInventory(), 'awsNodeDaemonSet'));
    expect(onlyFinding(result, 'CFG-CNI-DAEMONSET-MISSING').severity).toBe('high');
  });

  it('skips instead when DaemonSets could not be read', () => {
    // Prepare
    const inventory = {
      ...without(healthyInventory(), 'awsNodeDaemonSet'),
      unavailableKinds: [{ kind: 'daemonsets', reason: 'forbidden' }],
    };

    // Act
    const result = assess(inventory);

    // Assess
    expect(findingsOf(result, 'CFG-CNI-DAEMONSET-MISSING')).toEqual([]);
    expect(skippedScopes(result)).toContain('CFG-CNI-DAEMONSET-MISSING');
  });
});

describe('CFG-CNI-VERSION', () => {
  it('reports a CNI older than 1.14.0 as critical', () => {
    // Prepare
    const inventory = healthyInventory({ vpcCniAddon: vpcCniAddon({ version: 'v1.13.4-eksbuild.1' }) });

    // Act
    const result = assess(inventory);

    // Assess
    const finding = onlyFinding(result, 'CFG-CNI-VERSION');
    expect(finding).toMatchObject({
      severity: 'critical',
      expected: '>= 1.14.0',
      actual: '1.13.4',
      resource: { kind: 'EksAddon' },
    });
    expect(result.effective.networkPolicyEnabled).toBe(false);
    expect(result.effective.enforcementMode).toBeUndefined();
  });

  it('accepts 1.14.0 exactly', () => {
    const inventory = healthyInventory({ vpcCniAddon: vpcCniAddon({ version: 'v1.14.0-eksbuild.3' }) });
    expect(findingsOf(assess(inventory), 'CFG-CNI-VERSION')).toEqual([]);
  });

  it('reads the version from the aws-node image tag when there is no add-on', () => {
    // Prepare
    const inventory = without(
      healthyInventory({ awsNodeDaemonSet: awsNodeDaemonSet({ cniTag: 'v1.12.6' }) }),
      'vpcCniAddon',
    );

    // Act
    const result = assess(inventory);

    // Assess
    expect(onlyFinding(result, 'CFG-CNI-VERSION')).toMatchObject({ actual: '1.12.6', resource: { kind: 'DaemonSet' } });
    expect(result.effective.cniVersion).toBe('1.12.6');
  });

  it('falls back to VPC_CNI_VERSION when the image has no usable tag', () => {
    // Prepare
    const daemonSet = awsNodeDaemonSet({ cniTag: 'latest', cniEnv: { VPC_CNI_VERSION: 'v1.18.3' } });

    // Act
    const result = assess(without(healthyInventory({ awsNodeDaemonSet: daemonSet }), 'vpcCniAddon'));

    // Assess
    expect(result.effective.cniVersion).toBe('1.18.3');
    expect(findingsOf(result, 'CFG-VERSION-UNKNOWN')).toEqual([]);
  });
});

describe('CFG-CNI-VERSION-STRICT', () => {
  const old = () =>
    healthyInventory({
      vpcCniAddon: vpcCniAddon({ version: 'v1.16.4-eksbuild.2' }),
      awsNodeDaemonSet: awsNodeDaemonSet({ agent: { tag: 'v1.0.8' } }),
    });

  it('reports a desired strict mode on a CNI older than 1.17.1', () => {
    const finding = onlyFinding(assess(old(), { desiredMode: 'strict' }), 'CFG-CNI-VERSION-STRICT');
    expect(finding).toMatchObject({ severity: 'high', expected: '>= 1.17.1', actual: '1.16.4' });
    expect(finding.message).toContain('desired mode');
  });

  it('reports a live strict mode on a CNI older than 1.17.1', () => {
    // Prepare
    const inventory = {
      ...old(),
      awsNodeDaemonSet: awsNodeDaemonSet({
        cniEnv: { NETWORK_POLICY_ENFORCING_MODE: 'strict' },
        agent: { tag: 'v1.0.8' },
      }),
    };

    // Act
    const finding = onlyFinding(assess(inventory), 'CFG-CNI-VERSION-STRICT');

    // Assess
    expect(finding.message).toContain('live aws-node env');
  });

  it('reports strict intended by the add-on', () => {
    const inventory = {
      ...old(),
      vpcCniAddon: vpcCniAddon({
        version: 'v1.16.4-eksbuild.2',
        configurationValues: '{"enableNetworkPolicy":"true","env":{"NETWORK_POLICY_ENFORCING_MODE":"strict"}}',
      }),
    };
    expect(onlyFinding(assess(inventory), 'CFG-CNI-VERSION-STRICT').message).toContain('add-on configurationValues');
  });

  it('is silent in standard mode on an old CNI, and in strict mode on 1.17.1', () => {
    expect(findingsOf(assess(old()), 'CFG-CNI-VERSION-STRICT')).toEqual([]);
    const recent = healthyInventory({ vpcCniAddon: vpcCniAddon({ version: 'v1.17.1-eksbuild.1' }) });
    expect(findingsOf(assess(recent, { desiredMode: 'strict' }), 'CFG-CNI-VERSION-STRICT')).toEqual([]);
  });
});

describe('CFG-CNI-VERSION-CNP', () => {
  it('reports ClusterNetworkPolicies on a CNI older than 1.21', () => {
    const result = assess(healthyInventory({ clusterNetworkPolicies: [clusterNetworkPolicy()] }));
    expect(onlyFinding(result, 'CFG-CNI-VERSION-CNP')).toMatchObject({
      severity: 'high',
      expected: '>= 1.21.0',
      actual: '1.19.6',
    });
  });

  it('is silent without ClusterNetworkPolicies, or on 1.21.0', () => {
    expect(findingsOf(assess(healthyInventory()), 'CFG-CNI-VERSION-CNP')).toEqual([]);
    const inventory = healthyInventory({
      clusterNetworkPolicies: [clusterNetworkPolicy()],
      vpcCniAddon: vpcCniAddon({ version: 'v1.21.0-eksbuild.1' }),
      awsNodeDaemonSet: awsNodeDaemonSet({ cniTag: 'v1.21.0-eksbuild.1', agent: { tag: 'v1.3.0-eksbuild.1' } }),
    });
    expect(findingsOf(assess(inventory), 'CFG-CNI-VERSION-CNP')).toEqual([]);
  });
});

describe('CFG-VERSION-UNKNOWN (CNI)', () => {
  it('reports an unparseable add-on version and image tag without crashing', () => {
    // Prepare
    const inventory = healthyInventory({
      vpcCniAddon: vpcCniAddon({ version: 'custom-build' }),
      awsNodeDaemonSet: awsNodeDaemonSet({ cniTag: 'latest', cniEnv: {} }),
    });

    // Act
    const result = assess(inventory, { desiredMode: 'strict' });

    // Assess
    const finding = onlyFinding(result, 'CFG-VERSION-UNKNOWN');
    expect(finding.actual).toEqual(['custom-build', 'latest']);
    expect(finding.message).toContain('could not be judged');
    expect(skippedScopes(result)).toEqual(
      expect.arrayContaining(['CFG-CNI-VERSION', 'CFG-CNI-VERSION-STRICT', 'CFG-AGENT-VERSION-SKEW']),
    );
    expect(result.effective.cniVersion).toBeUndefined();
  });

  it('falls back to the image tag when only the add-on version is unparseable', () => {
    const result = assess(healthyInventory({ vpcCniAddon: vpcCniAddon({ version: 'custom-build' }) }));
    expect(findingsOf(result, 'CFG-VERSION-UNKNOWN')).toEqual([]);
    expect(result.effective.cniVersion).toBe('1.19.6');
  });

  it('reports a self-managed image without any tag', () => {
    const result = assess(
      without(healthyInventory({ awsNodeDaemonSet: awsNodeDaemonSet({ cniTag: null, cniEnv: {} }) }), 'vpcCniAddon'),
    );
    expect(onlyFinding(result, 'CFG-VERSION-UNKNOWN').message).toContain('no version found');
  });
});

describe('CFG-AUTO-MODE', () => {
  const autoMode = () =>
    without(
      healthyInventory({ eksCluster: eksCluster({ autoMode: true, ipFamily: 'ipv4' }) }),
      'vpcCniAddon',
      'awsNodeDaemonSet',
    );

  it('recognises Auto Mode, skips add-on/DaemonSet checks and still judges the ConfigMap', () => {
    // Prepare
    const inventory = { ...autoMode(), vpcCniConfigMap: undefined };

    // Act
    const result = assess(inventory, { desiredMode: 'strict' });

    // Assess
    expect(checkIds(result).sort()).toEqual(['CFG-AUTO-MODE', 'CFG-CONFIGMAP-CONTROLLER-DISABLED']);
    expect(onlyFinding(result, 'CFG-AUTO-MODE').severity).toBe('info');
    expect(skippedScopes(result)).toEqual(
      expect.arrayContaining([
        'CFG-CNI-VERSION',
        'CFG-ADDON-STATUS',
        'CFG-AGENT-MISSING',
        'CFG-MODE-MISMATCH',
        'CFG-ADDON-DRIFT',
      ]),
    );
    expect(skippedScopes(result)).not.toContain('CFG-CONFIGMAP-CONTROLLER-DISABLED');
    expect(result.effective).toEqual({
      networkPolicyEnabled: false,
      enforcementMode: undefined,
      cniVersion: undefined,
      agentVersion: undefined,
      autoMode: true,
      ipFamily: 'ipv4',
    });
  });

  it('derives networkPolicyEnabled from the ConfigMap in Auto Mode', () => {
    const result = assess(autoMode());
    expect(checkIds(result)).toEqual(['CFG-AUTO-MODE']);
    expect(result.effective.networkPolicyEnabled).toBe(true);
  });

  it('is not reported when computeConfig is disabled or absent', () => {
    expect(findingsOf(assess(healthyInventory()), 'CFG-AUTO-MODE')).toEqual([]);
    expect(
      findingsOf(assess(healthyInventory({ eksCluster: eksCluster({ ipFamily: 'ipv4' }) })), 'CFG-AUTO-MODE'),
    ).toEqual([]);
  });

  it('records that Auto Mode could not be determined without a cluster description', () => {
    const result = assess(without(healthyInventory(), 'eksCluster'));
    expect(result.notChecked).toEqual(expect.arrayContaining([expect.objectContaining({ scope: 'CFG-AUTO-MODE' })]));
    expect(result.effective.ipFamily).toBeUndefined();
  });
});
