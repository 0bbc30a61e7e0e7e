import type { NotChecked, RuleOutcome } from '../model/assessment';
import type { CheckDefinition, Finding, Severity } from '../model/finding';
import type { NotCheckedDefinition } from '../model/not-checked';
import {
  NC_CFG_AUTO_MODE,
  NC_CFG_AUTO_MODE_UNKNOWN,
  NC_CFG_CNI_ABSENT,
  NC_CFG_DAEMONSET_UNAVAILABLE,
  notCheckedOf,
  type NotCheckedKind,
} from '../not-checked-catalog';
import type { ConfigContext } from './context';

/** Why checks were not run: the catalogue entry and this case's words. */
export interface Skip {
  readonly kind: NotCheckedDefinition<NotCheckedKind>;
  readonly reason: string;
}

export function skipOf(kind: NotCheckedDefinition<NotCheckedKind>, reason: string): Skip {
  return { kind, reason };
}

/** A group of related checks with one applicability condition. */
export interface ConfigRule {
  /** Listed in `notChecked` when the rule does not apply. */
  readonly checks: readonly CheckDefinition[];
  /** Why the rule does not apply to this cluster, or `undefined` when it does. */
  readonly skipReason: (ctx: ConfigContext) => Skip | undefined;
  readonly run: (ctx: ConfigContext) => RuleOutcome;
}

export class OutcomeBuilder {
  readonly findings: Finding[] = [];
  readonly notChecked: NotChecked[] = [];

  add(finding: Finding): this {
    this.findings.push(finding);
    return this;
  }

  skip(check: CheckDefinition, kind: NotCheckedDefinition<NotCheckedKind>, reason: string): this {
    this.notChecked.push(notCheckedOf(kind, check.id, reason));
    return this;
  }

  build(): RuleOutcome {
    return { findings: this.findings, notChecked: this.notChecked };
  }
}

/**
 * Severity of a "network policy is not enforced" finding: the catalog severity when policies exist,
 * `medium` when the cluster has no policy objects yet (nothing is silently unenforced today).
 */
export function enforcementSeverity(ctx: ConfigContext, check: CheckDefinition): Severity {
  return ctx.hasPolicies ? check.severity : 'medium';
}

export const NO_POLICIES_NOTE = ' No policy objects exist yet, so nothing is unenforced today.';

export function policiesNote(ctx: ConfigContext): string {
  return ctx.hasPolicies ? '' : NO_POLICIES_NOTE;
}

export const AUTO_MODE_REASON =
  'EKS Auto Mode: there is no vpc-cni add-on or aws-node DaemonSet to check (Auto Mode runs its own data plane).';

/** No add-on and no aws-node DaemonSet mean "no VPC CNI" only outside Auto Mode, which needs DescribeCluster. */
export const AUTO_MODE_UNKNOWN_REASON =
  'No vpc-cni add-on and no aws-node DaemonSet, and EKS Auto Mode is unknown (no EKS cluster description in the input): an Auto Mode cluster has neither, so "the VPC CNI is not installed" cannot be told.';

export const ADDON_UNKNOWN_REASON =
  'The vpc-cni EKS add-on was not read (no eks/addon-vpc-cni.json in the snapshot, or a live audit that did not or was not allowed to call DescribeAddon): whether the CNI is the EKS add-on or self-managed is unknown.';

export function cniPresent(ctx: ConfigContext): boolean {
  return ctx.addon !== undefined || ctx.live !== undefined;
}

/** Shared applicability for the add-on/DaemonSet based checks. */
export function classicSkipReason(ctx: ConfigContext): Skip | undefined {
  if (ctx.autoMode) return skipOf(NC_CFG_AUTO_MODE, AUTO_MODE_REASON);
  if (!cniPresent(ctx)) {
    return ctx.daemonSetUnavailable
      ? skipOf(NC_CFG_DAEMONSET_UNAVAILABLE, `${ctx.unreadable.daemonSet} and there is no vpc-cni add-on.`)
      : ctx.autoModeKnown
        ? skipOf(NC_CFG_CNI_ABSENT, 'No Amazon VPC CNI in the cluster (no vpc-cni add-on, no aws-node DaemonSet).')
        : skipOf(NC_CFG_AUTO_MODE_UNKNOWN, AUTO_MODE_UNKNOWN_REASON);
  }
  return undefined;
}
