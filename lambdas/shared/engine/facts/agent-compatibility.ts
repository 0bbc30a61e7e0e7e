import { versionAtLeast, versionIn } from './version';

/** First VPC CNI version that must run a minimum agent version (ipamd gRPC moved to a unix socket). */
export const CNI_REQUIRING_NEW_AGENT = '1.23.0';
export const MIN_AGENT_FOR_CNI_1_23 = '1.4.1';

interface ShippedAgent {
  readonly cni: string;
  readonly agent: string;
}

/**
 * The network policy agent image each VPC CNI release ships (`config/master/aws-k8s-cni.yaml` per tag,
 * spec agent.md §0; 1.23.1 from aws.md §A1.4). EKS add-on builds may pin a different agent build.
 */
const SHIPPED_AGENTS: readonly ShippedAgent[] = [
  { cni: '1.14.0', agent: '1.0.1' },
  { cni: '>=1.14.1 <=1.15.0', agent: '1.0.2' },
  { cni: '1.15.1', agent: '1.0.4' },
  { cni: '1.15.3', agent: '1.0.5' },
  { cni: '1.15.4', agent: '1.0.6' },
  { cni: '>=1.15.5 <=1.16.2', agent: '1.0.7' },
  { cni: '>=1.16.3 <=1.16.4', agent: '1.0.8' },
  { cni: '>=1.17.1 <=1.18.0', agent: '1.1.0' },
  { cni: '1.18.1', agent: '1.1.1' },
  { cni: '>=1.18.2 <=1.18.3', agent: '1.1.2' },
  { cni: '>=1.18.4 <=1.18.5', agent: '1.1.3' },
  { cni: '1.18.6', agent: '1.1.4' },
  { cni: '1.19.0', agent: '1.1.5' },
  { cni: '1.19.2', agent: '1.1.6' },
  { cni: '1.19.3', agent: '1.2.0' },
  { cni: '>=1.19.4 <=1.19.5', agent: '1.2.1' },
  { cni: '1.19.6', agent: '1.2.2' },
  { cni: '1.20.0', agent: '1.2.3' },
  { cni: '1.20.1', agent: '1.2.4' },
  { cni: '>=1.20.2 <=1.20.3', agent: '1.2.6' },
  { cni: '>=1.20.4 <=1.20.5', agent: '1.2.7' },
  { cni: '1.21.0', agent: '1.3.0' },
  { cni: '1.21.1 || 1.22.0', agent: '1.3.1' },
  { cni: '1.21.2 || >=1.22.1 <=1.22.2', agent: '1.3.5' },
  { cni: '1.22.3', agent: '1.3.7' },
  { cni: '1.22.4', agent: '1.4.0' },
  { cni: '1.23.0', agent: '1.4.1' },
  { cni: '1.23.1', agent: '1.4.2' },
];

/** Agent `x.y.z` shipped with a CNI `x.y.z`, or `undefined` when the release is not in the table. */
export function shippedAgentFor(cniVersion: string): string | undefined {
  return SHIPPED_AGENTS.find((entry) => versionIn(cniVersion, entry.cni))?.agent;
}

/** The minimum agent a CNI version hard-requires, beyond "the one it ships". */
export function requiredAgentFor(cniVersion: string): string | undefined {
  return versionAtLeast(cniVersion, CNI_REQUIRING_NEW_AGENT) ? MIN_AGENT_FOR_CNI_1_23 : undefined;
}
