import { agentBehaviour } from '#engine/facts/agent-behaviour';

describe('agentBehaviour', () => {
  it.each([
    ['1.0.4', { slotLimit: 8, podStateMaps: false, ruleAlgorithm: 'legacy', identifierSeparator: '-' }],
    ['1.0.5', { slotLimit: 24, podStateMaps: false, probesForEveryPod: false, vethPrefixes: ['eni'] }],
    ['1.1.6', { replacesDotsInPodName: false, podStateMaps: false, clusterPolicyMaps: false }],
    [
      '1.2.0',
      { replacesDotsInPodName: true, podStateMaps: true, probesForEveryPod: true, vethPrefixes: ['eni', 'vlan'] },
    ],
    ['1.2.3', { ruleAlgorithm: 'legacy', clusterPolicyMaps: false }],
    ['1.2.4', { ruleAlgorithm: 'fw-rule-processor', clusterPolicyMaps: false }],
    ['1.3.0', { clusterPolicyMaps: true, identifierSeparator: '-' }],
    ['1.3.7', { identifierSeparator: '-', canonicalisesCidrs: false }],
    ['1.4.0', { identifierSeparator: '@', canonicalisesCidrs: false, cpNodeIpEntry: false }],
    ['1.4.1', { canonicalisesCidrs: false, cpNodeIpEntry: false }],
    ['1.4.2', { canonicalisesCidrs: true, cpNodeIpEntry: true }],
  ] as const)('v%s', (version, expected) => {
    // Prepare
    const tag = `v${version}`;

    // Act
    const behaviour = agentBehaviour(tag);

    // Assess
    expect(behaviour).toMatchObject({ version, versionKnown: true, ...expected });
  });

  it('flags the main-after-v1.4.1 assumption for newer versions and nothing for tagged ones', () => {
    // Prepare
    const versions = ['1.4.1', '1.4.2'];

    // Act
    const [tagged, newer] = versions.map((version) => agentBehaviour(version));

    // Assess
    expect(tagged?.assumptions).toEqual([]);
    expect(newer?.assumptions).toHaveLength(1);
    expect(newer?.assumptions[0]).toMatch(/unconfirmed/);
  });

  it('assumes the newest behaviour for an unknown version and says so', () => {
    // Prepare
    const version = undefined;

    // Act
    const behaviour = agentBehaviour(version);

    // Assess
    expect(behaviour).toMatchObject({ versionKnown: false, identifierSeparator: '@', canonicalisesCidrs: true });
    expect(behaviour.assumptions[0]).toMatch(/unknown/);
  });
});
