import {
  assess,
  awsNodeDaemonSet,
  findingsOf,
  healthyInventory,
  onlyFinding,
  skippedScopes,
  vpcCniAddon,
} from './fixtures';

const versions = (cni: string, agent: string) =>
  healthyInventory({
    vpcCniAddon: vpcCniAddon({ version: `v${cni}-eksbuild.1` }),
    awsNodeDaemonSet: awsNodeDaemonSet({ cniTag: `v${cni}-eksbuild.1`, agent: { tag: agent } }),
  });

describe('CFG-AGENT-VERSION-SKEW', () => {
  it('reports CNI 1.23.x with an agent older than 1.4.1 as critical', () => {
    // Act
    const result = assess(versions('1.23.0', 'v1.3.7-eksbuild.1'));

    // Assess
    expect(onlyFinding(result, 'CFG-AGENT-VERSION-SKEW')).toMatchObject({
      severity: 'critical',
      expected: '>= 1.4.1',
      actual: '1.3.7',
    });
    expect(result.effective.agentVersion).toBe('1.3.7');
  });

  it('reports an agent older than the shipped one as medium', () => {
    const finding = onlyFinding(assess(versions('1.19.6', 'v1.2.0-eksbuild.1')), 'CFG-AGENT-VERSION-SKEW');
    expect(finding).toMatchObject({ severity: 'medium', expected: '1.2.2', actual: '1.2.0' });
  });

  it('reports an agent newer than the shipped one as low', () => {
    const finding = onlyFinding(assess(versions('1.19.6', 'v1.2.7')), 'CFG-AGENT-VERSION-SKEW');
    expect(finding).toMatchObject({ severity: 'low', expected: '1.2.2', actual: '1.2.7' });
  });

  it.each([
    ['1.19.6', 'v1.2.2-eksbuild.1'],
    ['1.23.0', 'v1.4.1'],
    ['1.23.1', 'v1.4.2-eksbuild.1'],
  ])('is silent for CNI %s with agent %s', (cni, agent) => {
    expect(findingsOf(assess(versions(cni, agent)), 'CFG-AGENT-VERSION-SKEW')).toEqual([]);
  });

  it('applies only the hard minimum to CNI releases outside the table', () => {
    // Act
    const result = assess(versions('1.24.0', 'v1.4.1'));

    // Assess
    expect(findingsOf(result, 'CFG-AGENT-VERSION-SKEW')).toEqual([]);
    expect(result.notChecked).toEqual(
      expect.arrayContaining([expect.objectContaining({ scope: 'CFG-AGENT-VERSION-SKEW' })]),
    );
  });

  it('reports an unparseable agent tag as a version that could not be judged', () => {
    // Act
    const result = assess(healthyInventory({ awsNodeDaemonSet: awsNodeDaemonSet({ agent: { tag: 'latest' } }) }));

    // Assess
    expect(onlyFinding(result, 'CFG-VERSION-UNKNOWN').message).toContain('agent version could not be judged');
    expect(skippedScopes(result)).toContain('CFG-AGENT-VERSION-SKEW');
    expect(result.effective.agentVersion).toBeUndefined();
  });

  it('reports a digest-only agent image as unknown', () => {
    const image = '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-network-policy-agent@sha256:0123abcd';
    const result = assess(healthyInventory({ awsNodeDaemonSet: awsNodeDaemonSet({ agent: { image } }) }));
    expect(onlyFinding(result, 'CFG-VERSION-UNKNOWN').actual).toBe(image);
  });
});
