import {
  assess,
  awsNodeDaemonSet,
  findingsOf,
  healthyInventory,
  onlyFinding,
  skippedScopes,
  vpcCniAddon,
  without,
} from './fixtures';

const liveMode = (env: Record<string, string>) =>
  healthyInventory({ awsNodeDaemonSet: awsNodeDaemonSet({ cniEnv: env }) });
const strictValues = '{"enableNetworkPolicy":"true","env":{"NETWORK_POLICY_ENFORCING_MODE":"strict"}}';

describe('CFG-MODE (info, no desired mode)', () => {
  it.each([
    [{ NETWORK_POLICY_ENFORCING_MODE: 'strict' }, 'strict'],
    [{ NETWORK_POLICY_ENFORCING_MODE: 'standard' }, 'standard'],
    [{}, 'standard'],
    [{ NETWORK_POLICY_ENFORCING_MODE: '' }, 'standard'],
  ])('reports env %j as %s', (env, mode) => {
    // Act
    const result = assess(liveMode(env));

    // Assess
    expect(onlyFinding(result, 'CFG-MODE')).toMatchObject({ severity: 'info', actual: mode });
    expect(result.effective.enforcementMode).toBe(mode);
  });

  it('says when the mode is the default', () => {
    expect(onlyFinding(assess(liveMode({})), 'CFG-MODE').message).toContain('not set: default standard');
  });

  it('is not emitted when a desired mode is given', () => {
    expect(findingsOf(assess(healthyInventory(), { desiredMode: 'standard' }), 'CFG-MODE')).toEqual([]);
  });
});

describe('CFG-MODE-MISMATCH', () => {
  it('reports a live standard mode when strict is desired', () => {
    const finding = onlyFinding(assess(healthyInventory(), { desiredMode: 'strict' }), 'CFG-MODE-MISMATCH');
    expect(finding).toMatchObject({
      severity: 'high',
      expected: 'strict',
      actual: 'standard',
      resource: { kind: 'DaemonSet' },
    });
  });

  it('judges the live DaemonSet, not the add-on intent', () => {
    // Prepare: the add-on intends strict, the live env still says standard
    const inventory = healthyInventory({ vpcCniAddon: vpcCniAddon({ configurationValues: strictValues }) });

    // Act
    const result = assess(inventory, { desiredMode: 'strict' });

    // Assess
    expect(onlyFinding(result, 'CFG-MODE-MISMATCH').actual).toBe('standard');
    expect(result.effective.enforcementMode).toBe('standard');
  });

  it('falls back to the add-on intent when the DaemonSet is unknown, and says so', () => {
    // Prepare
    const inventory = without(
      healthyInventory({ vpcCniAddon: vpcCniAddon({ configurationValues: strictValues }) }),
      'awsNodeDaemonSet',
    );

    // Act
    const result = assess(inventory, { desiredMode: 'standard' });

    // Assess
    const finding = onlyFinding(result, 'CFG-MODE-MISMATCH');
    expect(finding).toMatchObject({ actual: 'strict', resource: { kind: 'EksAddon' } });
    expect(finding.message).toContain('add-on intent');
    expect(result.effective.enforcementMode).toBeUndefined();
  });

  it('is silent when live and desired agree', () => {
    const result = assess(liveMode({ NETWORK_POLICY_ENFORCING_MODE: 'strict' }), { desiredMode: 'strict' });
    expect(findingsOf(result, 'CFG-MODE-MISMATCH')).toEqual([]);
  });

  it('is skipped when neither the DaemonSet nor the add-on is known', () => {
    const inventory = {
      ...without(healthyInventory(), 'vpcCniAddon', 'awsNodeDaemonSet'),
      unavailableKinds: [{ kind: 'DaemonSet', reason: 'forbidden' }],
    };
    expect(skippedScopes(assess(inventory, { desiredMode: 'strict' }))).toContain('CFG-MODE-MISMATCH');
  });
});

describe('CFG-MODE-INVALID', () => {
  it('reports an invalid live value and leaves the mode unknown', () => {
    // Act
    const result = assess(liveMode({ NETWORK_POLICY_ENFORCING_MODE: 'Strict' }), { desiredMode: 'strict' });

    // Assess
    expect(onlyFinding(result, 'CFG-MODE-INVALID')).toMatchObject({ severity: 'high', actual: 'Strict' });
    expect(findingsOf(result, 'CFG-MODE-MISMATCH')).toEqual([]);
    expect(result.effective.enforcementMode).toBeUndefined();
  });

  it('reports an invalid add-on value', () => {
    const values = '{"enableNetworkPolicy":"true","env":{"NETWORK_POLICY_ENFORCING_MODE":"enforcing"}}';
    const finding = onlyFinding(
      assess(healthyInventory({ vpcCniAddon: vpcCniAddon({ configurationValues: values }) })),
      'CFG-MODE-INVALID',
    );
    expect(finding).toMatchObject({ actual: 'enforcing', resource: { kind: 'EksAddon' } });
  });

  it('is silent for valid values', () => {
    expect(
      findingsOf(
        assess(healthyInventory({ vpcCniAddon: vpcCniAddon({ configurationValues: strictValues }) })),
        'CFG-MODE-INVALID',
      ),
    ).toEqual([]);
  });
});
