import { AGENT_RELEASE, agentBehaviour } from '../../facts/agent-behaviour';
import { podIdentifierWith } from '../../facts/pod-identifier';
import type { EffectiveConfiguration } from '../../model/assessment';
import type { ClusterInventory } from '../../model/cluster';
import { upstreamText } from '../../model/check';
import { findingOf, type Finding } from '../../model/finding';
import type { Pod } from '../../model/kubernetes';
import type { ResolvedPolicy } from '../../model/resolved-policy';
import { CP_LIMIT_SHARED_POD_IDENTIFIER } from './checks';
import { isTerminal } from './host-network';
import { policyName, podKey, type PolicySets } from './policy-sets';
import { sample } from './sample';

const CROSS_NAMESPACE_ISSUE = 'aws/aws-network-policy-agent#576';

function nodeOf(pod: Pod): string {
  return pod.spec.nodeName ?? pod.status.hostIP ?? '';
}

/**
 * Pods on one node with the same agent pod identifier share one program pair and map set, i.e. the union of
 * their rules. Reported when their policy sets differ.
 */
export function checkSharedPodIdentifier(
  inventory: ClusterInventory,
  expected: readonly ResolvedPolicy[],
  sets: PolicySets,
  effective: EffectiveConfiguration,
): Finding[] {
  const behaviour = agentBehaviour(effective.agentVersion);
  // Almost every pod is alone on its key: it is stored as is, and a list is made for the second pod only.
  const podsByKey = new Map<string, Pod | Pod[]>();
  for (const pod of inventory.pods) {
    if (pod.spec.hostNetwork === true || isTerminal(pod)) continue;
    const node = nodeOf(pod);
    if (node === '') continue;
    const key = `${node}\u0000${podIdentifierWith(pod.metadata.name, pod.metadata.namespace, behaviour)}`;
    const pods = podsByKey.get(key);
    if (pods === undefined) podsByKey.set(key, pod);
    else if (Array.isArray(pods)) pods.push(pod);
    else podsByKey.set(key, [pods, pod]);
  }

  const namesOf = (signature: string | undefined): string[] =>
    signature === undefined
      ? []
      : signature
          .split(',')
          .map((index) => expected[Number(index)])
          .filter((policy): policy is ResolvedPolicy => policy !== undefined)
          .map(policyName);
  const assumption = behaviour.versionKnown
    ? ''
    : ` Agent version unknown: assumed the v${AGENT_RELEASE.atSeparator}+ identifier form <name>@<namespace>.`;

  const findings: Finding[] = [];
  for (const pods of podsByKey.values()) {
    if (!Array.isArray(pods)) continue;
    const [first] = pods;
    if (first === undefined) continue;
    const node = nodeOf(first);
    const identifier = podIdentifierWith(first.metadata.name, first.metadata.namespace, behaviour);
    const members = pods.map((pod) => {
      const ref = { namespace: pod.metadata.namespace, name: pod.metadata.name };
      return { pod: podKey(ref), signature: sets.signatureOf(podKey(ref)) };
    });
    const signatures = new Set(members.map((member) => member.signature ?? ''));
    if (signatures.size < 2) continue;
    const crossNamespace = new Set(pods.map((pod) => pod.metadata.namespace)).size > 1;
    const upstreamIssue = crossNamespace
      ? `${upstreamText(CP_LIMIT_SHARED_POD_IDENTIFIER.upstream) ?? ''}, ${CROSS_NAMESPACE_ISSUE}`
      : undefined;
    const actualPods = sample(members).map((member) => ({ pod: member.pod, policies: namesOf(member.signature) }));
    findings.push(
      findingOf(
        CP_LIMIT_SHARED_POD_IDENTIFIER,
        { kind: 'Pod', namespace: first.metadata.namespace, name: first.metadata.name, node },
        `Pods ${members.map((member) => member.pod).join(', ')} on node ${node} share the agent pod identifier ${identifier} but are selected by different policies (${String(signatures.size)} distinct sets); they share one eBPF map set, so each gets the union of their rules.${assumption}`,
        {
          expected: { policySets: 1 },
          actual: { identifier, pods: actualPods, policySets: signatures.size },
          identity: identifier,
          ...(upstreamIssue === undefined ? {} : { upstreamIssue }),
        },
      ),
    );
  }
  return findings;
}
