import fc from 'fast-check';
import { parseConfigurationValues } from '#engine/config/addon-values';

function intentOf(raw: string | null | undefined) {
  const result = parseConfigurationValues(raw);
  if (!result.ok) throw new Error(`unexpected error: ${result.error}`);
  return result.value;
}

describe('parseConfigurationValues', () => {
  it('reads the JSON form', () => {
    // Prepare
    const raw = JSON.stringify({
      enableNetworkPolicy: 'true',
      env: { NETWORK_POLICY_ENFORCING_MODE: 'strict', ENABLE_BANDWIDTH_PLUGIN: 'false' },
      nodeAgent: { enableIpv6: 'false', enablePolicyEventLogs: 'true', enableCloudWatchLogs: 'true', enabled: 'true' },
    });

    // Act
    const intent = intentOf(raw);

    // Assess
    expect(intent).toEqual({
      format: 'json',
      enableNetworkPolicy: 'true',
      enforcingMode: 'strict',
      bandwidthPlugin: 'false',
      nodeAgentEnabled: 'true',
      enableIpv6: 'false',
      enablePolicyEventLogs: 'true',
      enableCloudWatchLogs: 'true',
      misCasedKeys: [],
      unknownKeys: [],
    });
  });

  it('reads the YAML form, including bare booleans', () => {
    // Prepare
    const raw = [
      'enableNetworkPolicy: true',
      'env:',
      '  NETWORK_POLICY_ENFORCING_MODE: strict',
      'nodeAgent:',
      '  enableIpv6: "true"',
    ].join('\n');

    // Act
    const intent = intentOf(raw);

    // Assess
    expect(intent.format).toBe('yaml');
    expect(intent.enableNetworkPolicy).toBe('true');
    expect(intent.enforcingMode).toBe('strict');
    expect(intent.enableIpv6).toBe('true');
  });

  it.each([undefined, null, '', '   ', 'null'])('treats %p as no user values', (raw) => {
    const intent = intentOf(raw);
    expect(intent.enableNetworkPolicy).toBeUndefined();
    expect(intent.misCasedKeys).toEqual([]);
  });

  it.each([
    ['broken YAML', 'enableNetworkPolicy: [true'],
    ['a scalar', '"true"'],
    ['an array', '["enableNetworkPolicy"]'],
    ['a wrongly typed env', '{"env": "NETWORK_POLICY_ENFORCING_MODE=strict"}'],
    ['duplicate YAML keys', 'enableNetworkPolicy: "true"\nenableNetworkPolicy: "false"'],
  ])('reports %s as an error, not a throw', (_label, raw) => {
    // Act
    const result = parseConfigurationValues(raw);

    // Assess
    expect(result.ok).toBe(false);
  });

  it('names the path of a wrongly typed value', () => {
    const result = parseConfigurationValues('{"nodeAgent": {"enableIpv6": {"x": 1}}}');
    expect(result).toEqual({ ok: false, error: expect.stringContaining('nodeAgent.enableIpv6') as unknown });
  });

  it('finds keys that differ only in case, top-level and nested', () => {
    // Prepare
    const raw = JSON.stringify({
      enableNetworkpolicy: 'true',
      nodeAgent: { enableIPv6: 'true' },
      env: { network_policy_enforcing_mode: 'strict' },
      unrelatedKey: 'x',
    });

    // Act
    const intent = intentOf(raw);

    // Assess
    expect(intent.misCasedKeys).toEqual([
      { path: 'enableNetworkpolicy', expected: 'enableNetworkPolicy' },
      { path: 'nodeAgent.enableIPv6', expected: 'nodeAgent.enableIpv6' },
      { path: 'env.network_policy_enforcing_mode', expected: 'env.NETWORK_POLICY_ENFORCING_MODE' },
    ]);
    expect(intent.enableNetworkPolicy).toBeUndefined();
  });

  it('reports keys nested under a mis-cased parent against the canonical path', () => {
    const intent = intentOf('nodeagent:\n  enableipv6: "true"\n');
    expect(intent.misCasedKeys).toEqual([
      { path: 'nodeagent', expected: 'nodeAgent' },
      { path: 'nodeagent.enableipv6', expected: 'nodeAgent.enableIpv6' },
    ]);
  });

  it('never throws on arbitrary strings (property)', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const result = parseConfigurationValues(raw);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});
