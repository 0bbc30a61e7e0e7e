import fc from 'fast-check';
import { CONFIG_CHECKS } from '#engine/config/checks';
import { Finding } from '#engine/model/finding';
import {
  assess,
  awsNodeDaemonSet,
  clusterNetworkPolicy,
  eksCluster,
  healthyInventory,
  vpcCniAddon,
  vpcCniConfigMap,
} from './fixtures';

describe('config check catalog', () => {
  it('keeps its stable ids', () => {
    expect(CONFIG_CHECKS.map((c) => c.id)).toEqual([
      'CFG-AUTO-MODE',
      'CFG-CNI-MISSING',
      'CFG-CNI-SELF-MANAGED',
      'CFG-CNI-DAEMONSET-MISSING',
      'CFG-CNI-VERSION',
      'CFG-CNI-VERSION-STRICT',
      'CFG-CNI-VERSION-CNP',
      'CFG-VERSION-UNKNOWN',
      'CFG-ADDON-STATUS',
      'CFG-ADDON-HEALTH',
      'CFG-ADDON-VALUES-MALFORMED',
      'CFG-ADDON-KEY-CASE',
      'CFG-ADDON-KEY-UNKNOWN',
      'CFG-ADDON-NP-DISABLED',
      'CFG-ADDON-DRIFT',
      'CFG-AGENT-MISSING',
      'CFG-AGENT-NP-DISABLED',
      'CFG-MODE-WITHOUT-AGENT',
      'CFG-CONFIGMAP-CONTROLLER-DISABLED',
      'CFG-MODE',
      'CFG-MODE-MISMATCH',
      'CFG-MODE-INVALID',
      'CFG-AGENT-VERSION-SKEW',
      'CFG-IPV6-MISMATCH',
      'CFG-BANDWIDTH-PLUGIN',
      'CFG-CLOUDWATCH-WITHOUT-EVENT-LOGS',
      'CFG-AGENT-BUG-ATTACH-KEY',
      'CFG-AGENT-BUG-DOTTED-POD-NAME',
      'CFG-AGENT-BUG-EXCEPT',
    ]);
  });

  it('has unique ids, layer config and a one-sentence compares', () => {
    expect(new Set(CONFIG_CHECKS.map((c) => c.id)).size).toBe(CONFIG_CHECKS.length);
    for (const check of CONFIG_CHECKS) {
      expect(check.layer).toBe('config');
      expect(check.compares).toMatch(/^[A-Z].*\.$/);
      expect(check.title.length).toBeGreaterThan(0);
    }
  });
});

const catalogIds = new Set(CONFIG_CHECKS.map((c) => c.id));
const scopes = new Set([...catalogIds]);

describe('assessConfiguration robustness (property)', () => {
  it('never throws and only emits valid catalog findings for arbitrary configuration strings and versions', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string(), { nil: undefined }),
        fc.string(),
        fc.string(),
        fc.string(),
        fc.constantFrom('standard', 'strict', '', 'Strict'),
        fc.option(fc.constantFrom('standard' as const, 'strict' as const), { nil: undefined }),
        fc.array(fc.string(), { maxLength: 4 }),
        fc.boolean(),
        (configurationValues, addonVersion, cniTag, agentTag, mode, desiredMode, agentArgs, withCnp) => {
          // Prepare
          const inventory = healthyInventory({
            eksCluster: eksCluster({ ipFamily: 'ipv6' }),
            vpcCniAddon: vpcCniAddon({ version: addonVersion, configurationValues: configurationValues ?? null }),
            awsNodeDaemonSet: awsNodeDaemonSet({
              cniTag: cniTag.replace(/[/@:]/g, ''),
              cniEnv: { NETWORK_POLICY_ENFORCING_MODE: mode },
              agent: { tag: agentTag.replace(/[/@:]/g, ''), args: agentArgs },
            }),
            vpcCniConfigMap: vpcCniConfigMap({ 'enable-network-policy-controller': mode }),
            clusterNetworkPolicies: withCnp ? [clusterNetworkPolicy()] : [],
          });

          // Act
          const result = assess(inventory, desiredMode === undefined ? {} : { desiredMode });

          // Assess
          for (const finding of result.findings) {
            expect(Finding.safeParse(finding).success).toBe(true);
            expect(catalogIds.has(finding.checkId)).toBe(true);
          }
          for (const skipped of result.notChecked) expect(scopes.has(skipped.scope)).toBe(true);
          const { cniVersion, agentVersion } = result.effective;
          for (const version of [cniVersion, agentVersion]) {
            expect(version === undefined || /^\d+\.\d+\.\d+$/.test(version)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
