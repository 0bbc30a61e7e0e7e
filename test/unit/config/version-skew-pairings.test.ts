import fc from 'fast-check';
import { shippedAgentFor } from '#engine/facts/agent-compatibility';
import { assess, awsNodeDaemonSet, findingsOf, healthyInventory, vpcCniAddon, without } from './fixtures';

/**
 * The VPC CNI → agent pairings of agent.md §0 ("Which NPA version ships with which VPC CNI version", read from
 * config/master/aws-k8s-cni.yaml at each CNI tag) and aws.md §A1.4 (1.23.1), written out independently of
 * facts/agent-compatibility.ts: both ends of every range of releases.
 */
const SPEC_PAIRINGS: readonly (readonly [cni: string, agent: string])[] = [
  ['1.14.0', '1.0.1'],
  ['1.14.1', '1.0.2'],
  ['1.15.0', '1.0.2'],
  ['1.15.1', '1.0.4'],
  ['1.15.3', '1.0.5'],
  ['1.15.4', '1.0.6'],
  ['1.15.5', '1.0.7'],
  ['1.16.2', '1.0.7'],
  ['1.16.3', '1.0.8'],
  ['1.16.4', '1.0.8'],
  ['1.17.1', '1.1.0'],
  ['1.18.0', '1.1.0'],
  ['1.18.1', '1.1.1'],
  ['1.18.2', '1.1.2'],
  ['1.18.3', '1.1.2'],
  ['1.18.4', '1.1.3'],
  ['1.18.5', '1.1.3'],
  ['1.18.6', '1.1.4'],
  ['1.19.0', '1.1.5'],
  ['1.19.2', '1.1.6'],
  ['1.19.3', '1.2.0'],
  ['1.19.4', '1.2.1'],
  ['1.19.5', '1.2.1'],
  ['1.19.6', '1.2.2'],
  ['1.20.0', '1.2.3'],
  ['1.20.1', '1.2.4'],
  ['1.20.2', '1.2.6'],
  ['1.20.3', '1.2.6'],
  ['1.20.4', '1.2.7'],
  ['1.20.5', '1.2.7'],
  ['1.21.0', '1.3.0'],
  ['1.21.1', '1.3.1'],
  ['1.22.0', '1.3.1'],
  ['1.21.2', '1.3.5'],
  ['1.22.1', '1.3.5'],
  ['1.22.2', '1.3.5'],
  ['1.22.3', '1.3.7'],
  ['1.22.4', '1.4.0'],
  ['1.23.0', '1.4.1'],
  ['1.23.1', '1.4.2'],
];

/** A managed cluster as the add-on installs it: add-on version, aws-node and agent image tags all EKS builds. */
function addonDefaults(cni: string, agentTag: string) {
  return healthyInventory({
    vpcCniAddon: vpcCniAddon({ version: `v${cni}-eksbuild.2` }),
    awsNodeDaemonSet: awsNodeDaemonSet({ cniTag: `v${cni}-eksbuild.2`, agent: { tag: agentTag } }),
  });
}

/** A self-managed install: no add-on, versions from the image tags only. */
function manifestDefaults(cni: string, agentTag: string) {
  return without(
    healthyInventory({ awsNodeDaemonSet: awsNodeDaemonSet({ cniTag: `v${cni}`, agent: { tag: agentTag } }) }),
    'vpcCniAddon',
  );
}

function skewFindings(inventory: ReturnType<typeof healthyInventory>) {
  return findingsOf(assess(inventory), 'CFG-AGENT-VERSION-SKEW');
}

describe('CFG-AGENT-VERSION-SKEW on the default pairings', () => {
  it.each(SPEC_PAIRINGS)('the table ships agent %s with CNI %s as the spec says', (cni, agent) => {
    expect(shippedAgentFor(cni)).toBe(agent);
  });

  it.each(SPEC_PAIRINGS)('is silent for add-on CNI %s with its agent %s (EKS build tags)', (cni, agent) => {
    expect(skewFindings(addonDefaults(cni, `v${agent}-eksbuild.1`))).toEqual([]);
  });

  it.each(SPEC_PAIRINGS)('is silent for self-managed CNI %s with its agent %s (plain tags)', (cni, agent) => {
    expect(skewFindings(manifestDefaults(cni, `v${agent}`))).toEqual([]);
  });

  it('is silent for every CNI release the table covers paired with the agent it ships (property)', () => {
    const covered = fc
      .tuple(fc.integer({ min: 14, max: 24 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 9 }))
      .map(([minor, patch, build]) => ({ cni: `1.${minor}.${patch}`, build }))
      .filter(({ cni }) => shippedAgentFor(cni) !== undefined);
    fc.assert(
      fc.property(covered, ({ cni, build }) => {
        const agent = shippedAgentFor(cni) ?? '';
        expect(skewFindings(addonDefaults(cni, `v${agent}-eksbuild.${build}`))).toEqual([]);
      }),
    );
  });

  it('still reports an agent one patch behind the shipped one, so the pairings above are really judged', () => {
    const findings = skewFindings(addonDefaults('1.19.6', 'v1.2.1-eksbuild.1'));
    expect(findings).toHaveLength(1);
  });
});
