import type { EffectiveConfiguration } from '../../model/assessment';
import { findingOf, type Finding } from '../../model/finding';
import { CP_LIMIT_PORTS_PER_CIDR } from './checks';
import { CidrParser } from '../../facts/cidr';
import { distinctSlotsExceed, MAX_PORT_PROTOCOL, slotsPerCidr } from './port-slots';
import { policyName, podKey, type PolicySets } from './policy-sets';
import { andOthers, sample } from './sample';

/** One finding per (set of policies, direction, CIDR) whose merged slots exceed the agent's 24. */
export function checkPortsPerCidr(sets: PolicySets, effective: EffectiveConfiguration): Finding[] {
  const parser = new CidrParser();
  const findings: Finding[] = [];
  for (const group of sets.groups.values()) {
    const first = group.pods[0];
    if (first === undefined) continue;
    for (const direction of ['ingress', 'egress'] as const) {
      if (
        !distinctSlotsExceed(
          group.policies.map((policy) => policy[direction]),
          MAX_PORT_PROTOCOL,
        )
      )
        continue;
      const entries = group.policies.flatMap((policy) => policy[direction]);
      for (const { cidr, slots } of slotsPerCidr(entries, parser, effective.ipFamily)) {
        if (slots <= MAX_PORT_PROTOCOL) continue;
        const policies = group.policies.map(policyName);
        findings.push(
          findingOf(
            CP_LIMIT_PORTS_PER_CIDR,
            { kind: 'Pod', namespace: first.namespace, name: first.name },
            `Pod ${podKey(first)}${andOthers(group.pods.length)}: ${direction} ${direction === 'ingress' ? 'from' : 'to'} ${cidr} merges to ${String(slots)} port/protocol combinations across ${policies.join(', ')}; the agent silently keeps only ${String(MAX_PORT_PROTOCOL)}.`,
            {
              expected: { maxSlots: MAX_PORT_PROTOCOL },
              actual: {
                direction,
                cidr,
                slots,
                policies,
                pods: group.pods.length,
                samplePods: sample(group.pods).map(podKey),
              },
              identity: `${direction}|${cidr}|${[...policies].sort().join(',')}`,
            },
          ),
        );
      }
    }
  }
  return findings;
}
