import type { ConfigAssessment, EnforcementMode, NotChecked } from '../model/assessment';
import { notCheckedOf } from '../not-checked-catalog';
import type { ClusterInventory } from '../model/cluster';
import type { Finding } from '../model/finding';
import { clusterResource, passedOf, type Evaluation } from '../model/outcome';
import { addonRule } from './check-addon';
import { agentRule } from './check-agent';
import { agentVersionRule } from './check-agent-version';
import { cniPresenceRule, cniVersionRule } from './check-cni';
import { configMapRule } from './check-configmap';
import { driftRule } from './check-drift';
import { knownBugsRule } from './check-known-bugs';
import { modeRule } from './check-mode';
import { settingsRule } from './check-settings';
import { buildContext } from './context';
import { cniManagement, effectiveConfiguration } from './effective';
import type { ConfigRule } from './rule';

export interface ConfigOptions {
  readonly desiredMode?: EnforcementMode;
}

const RULES: readonly ConfigRule[] = [
  cniPresenceRule,
  cniVersionRule,
  addonRule,
  agentRule,
  configMapRule,
  modeRule,
  settingsRule,
  driftRule,
  agentVersionRule,
  knownBugsRule,
];

/**
 * Configuration layer: judges the vpc-cni add-on (intent), the live aws-node DaemonSet and the
 * amazon-vpc-cni ConfigMap (truth), and derives the effective configuration the later layers use.
 * Pure: never throws on malformed values or unknown versions, which become findings instead.
 */
export function assessConfiguration(inventory: ClusterInventory, options: ConfigOptions = {}): ConfigAssessment {
  const ctx = buildContext(inventory, options.desiredMode);
  const findings: Finding[] = [];
  const notChecked: NotChecked[] = [];
  const evaluations: Evaluation[] = [];
  const cluster = clusterResource(inventory.clusterName);
  for (const rule of RULES) {
    const skip = rule.skipReason(ctx);
    if (skip !== undefined) {
      notChecked.push(...rule.checks.map((check) => notCheckedOf(skip.kind, check.id, skip.reason)));
      continue;
    }
    const outcome = rule.run(ctx);
    findings.push(...outcome.findings);
    notChecked.push(...outcome.notChecked);
    const skipped = new Set(outcome.notChecked.map((entry) => entry.scope));
    evaluations.push({ checks: rule.checks.filter((check) => !skipped.has(check.id)), resource: cluster });
  }
  return {
    findings,
    passed: passedOf(evaluations, findings),
    notChecked,
    effective: effectiveConfiguration(ctx),
    cniManagement: cniManagement(ctx),
  };
}
