import type { IpFamily } from '../facts/cidr';
import type { NotCheckedKind } from '../not-checked-catalog';
import type { Finding } from './finding';
import type { PassedCheck } from './outcome';

export type EnforcementMode = 'standard' | 'strict';

/** A check or object that the audit could not evaluate, and why. Listed in the report; built by `notCheckedOf`. */
export interface NotChecked {
  readonly scope: string;
  readonly reason: string;
  /** The catalogue entry (docs/limits.md): when it happens, why, and what gets it checked. */
  readonly kind: NotCheckedKind;
}

/** What one rule or compare step found, and what it could not evaluate. */
export interface RuleOutcome {
  readonly findings: readonly Finding[];
  readonly notChecked: readonly NotChecked[];
}

/** What one layer found, what it checked and passed (per check and resource), and what it could not evaluate. */
export interface LayerOutcome extends RuleOutcome {
  readonly passed: readonly PassedCheck[];
}

/** What the configuration layer established about the cluster, used by the later layers. */
export interface EffectiveConfiguration {
  /** `true`/`false` when it could be determined from the live objects, `undefined` when not. */
  readonly networkPolicyEnabled: boolean | undefined;
  /** Live mode from the aws-node container (`standard` when unset on a network-policy capable CNI). */
  readonly enforcementMode: EnforcementMode | undefined;
  /** `x.y.z` of the VPC CNI (add-on version or aws-node image tag). */
  readonly cniVersion: string | undefined;
  /** `x.y.z` of the network policy agent image (aws-eks-nodeagent container). */
  readonly agentVersion: string | undefined;
  /** DescribeCluster computeConfig.enabled; `undefined` when the cluster description was not read. */
  readonly autoMode: boolean | undefined;
  readonly ipFamily: IpFamily | undefined;
}

/** How the VPC CNI is installed; `unknown` when the EKS add-on or the cluster description was not read. */
export type CniManagement = 'eks-add-on' | 'self-managed' | 'auto-mode' | 'none' | 'unknown';

export interface ConfigAssessment extends LayerOutcome {
  readonly effective: EffectiveConfiguration;
  readonly cniManagement: CniManagement;
}

export interface AuditOptions {
  readonly desiredMode?: EnforcementMode;
  readonly now: Date;
  /** The network policy agent version the user states, used where neither node.json nor the aws-node image names one. */
  readonly agentVersion?: string;
}
