import { parseVersion, versionAtLeast } from './version';

/** Last tagged agent release in the spec baseline; later versions are assumed to carry main's changes. */
export const LAST_TAGGED_AGENT = '1.4.1';

/** First agent release with each change to what a node holds (agent.md §0–§3). */
export const AGENT_RELEASE = {
  /** 24 slots per LPM value instead of 8 (§2.2). */
  slots24: '1.0.5',
  /** `loaded-ebpfdata` prints `Prog ID` instead of `Prog FD` (§1.3.3). */
  programIds: '1.0.7',
  /** Pod-state maps, `.` → `_` in identifiers, probes on every pod, the `vlan` veth prefix. */
  podStateMaps: '1.2.0',
  /** The `fwruleprocessor` rework of map contents; an ANY slot checks the port (§2.6, §2.8). */
  fwRuleProcessor: '1.2.4',
  /** ClusterNetworkPolicy: `cp_*` maps and pod-state key 1. */
  clusterPolicyMaps: '1.3.0',
  /** `@` between name and namespace in pod identifiers (PR #576). */
  atSeparator: '1.4.0',
} as const;

export type VethPrefix = 'eni' | 'vlan';

/** How the agent turns PolicyEndpoints into map contents (agent.md §2.8). */
export type RuleAlgorithm = 'legacy' | 'fw-rule-processor';

/** Everything about the node layer that depends on the network policy agent version (agent.md §0–§3). */
export interface AgentBehaviour {
  /** `x.y.z` the profile was derived from; `undefined` when the version is unknown. */
  readonly version: string | undefined;
  readonly versionKnown: boolean;
  /** `-` up to v1.3.x, `@` from v1.4.0 (§2.1). */
  readonly identifierSeparator: '-' | '@';
  /** `.` → `_` in the pod name before the identifier is built (v1.2.0+, §2.1). */
  readonly replacesDotsInPodName: boolean;
  /** Slots per LPM value: 8 in v1.0.1–v1.0.4, 24 from v1.0.5 (§2.2). */
  readonly slotLimit: number;
  /** `ingress_pod_state_map` / `egress_pod_state_map` exist (v1.2.0+). */
  readonly podStateMaps: boolean;
  /** Key 1 (ClusterNetworkPolicy state) exists in the pod-state maps (v1.3.0+). */
  readonly clusterPolicyMaps: boolean;
  /** Probes are attached to every pod when the CNI sets a mode (v1.2.0+, §2.7). */
  readonly probesForEveryPod: boolean;
  /** `legacy` up to v1.2.3, the `fwruleprocessor` rework from v1.2.4 (§2.8). */
  readonly ruleAlgorithm: RuleAlgorithm;
  /** An ANY-protocol slot still checks the port (v1.2.4+, §2.6); before, ANY matched any port. */
  readonly anyChecksPort: boolean;
  /** Host bits of rule CIDRs are masked before keys are compared (main after v1.4.1, §2.8 step 3b). */
  readonly canonicalisesCidrs: boolean;
  /** `nodeIP/32 → {254, priority 1}` in the cp maps (main after v1.4.1, PR #636). */
  readonly cpNodeIpEntry: boolean;
  /** Prefixes the agent tries when it looks the host veth up (§3.2). */
  readonly vethPrefixes: readonly VethPrefix[];
  /** Where the profile rests on an assumption rather than a documented release. */
  readonly assumptions: readonly string[];
}

/** Stands for an unknown version: later than every release. */
const NEWEST = '999.0.0';

/**
 * The behaviour profile of an agent version. An unknown or unparsable version gets the newest known
 * behaviour (main after v1.4.1), flagged in `assumptions`: current clusters run recent agents, and the
 * comparator can still accept the older identifier forms through `podIdentifierCandidates`.
 */
export function agentBehaviour(agentVersion: string | undefined): AgentBehaviour {
  const version = parseVersion(agentVersion);
  const effective = version ?? NEWEST;
  const atLeast = (release: string): boolean => versionAtLeast(effective, release);
  const afterLastTag = !versionAtLeast(LAST_TAGGED_AGENT, effective);
  const assumptions: string[] = [];
  if (version === undefined) {
    assumptions.push(
      `agent version ${agentVersion === undefined ? 'unknown' : `"${agentVersion}" unparsable`}: newest known behaviour (main after v${LAST_TAGGED_AGENT}) assumed`,
    );
  } else if (afterLastTag) {
    assumptions.push(
      `agent v${version} is newer than the last tag in the spec (v${LAST_TAGGED_AGENT}): main's CIDR canonicalisation and cp node-IP entry assumed (unconfirmed, agent.md §7)`,
    );
  }
  const v120 = atLeast(AGENT_RELEASE.podStateMaps);
  const fwRuleProcessor = atLeast(AGENT_RELEASE.fwRuleProcessor);
  return {
    version,
    versionKnown: version !== undefined,
    identifierSeparator: atLeast(AGENT_RELEASE.atSeparator) ? '@' : '-',
    replacesDotsInPodName: v120,
    slotLimit: atLeast(AGENT_RELEASE.slots24) ? 24 : 8,
    podStateMaps: v120,
    clusterPolicyMaps: atLeast(AGENT_RELEASE.clusterPolicyMaps),
    probesForEveryPod: v120,
    ruleAlgorithm: fwRuleProcessor ? 'fw-rule-processor' : 'legacy',
    anyChecksPort: fwRuleProcessor,
    canonicalisesCidrs: afterLastTag,
    cpNodeIpEntry: afterLastTag,
    vethPrefixes: v120 ? ['eni', 'vlan'] : ['eni'],
    assumptions,
  };
}
