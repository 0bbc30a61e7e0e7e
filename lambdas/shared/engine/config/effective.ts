import type { CniManagement, EffectiveConfiguration } from '../model/assessment';
import { boolFlag } from './aws-node';
import type { ConfigContext } from './context';
import { FLAG, liveModeOf } from './live-settings';
import { MIN_CNI_NETWORK_POLICY } from '../facts/minimum-versions';
import { cniPresent } from './rule';
import { versionAtLeast } from '../facts/version';

/** `true`/`false`/`undefined` (unknown) from the amazon-vpc-cni ConfigMap: missing ConfigMap or key = disabled. */
function controllerEnabled(ctx: ConfigContext): boolean | undefined {
  switch (ctx.configMap.state) {
    case 'unavailable':
      return undefined;
    case 'missing':
      return false;
    case 'present':
      return ctx.configMap.value === 'true';
  }
}

/** Agent enforcement from the live DaemonSet; `undefined` when the DaemonSet is not in the inventory. */
function agentEnabled(ctx: ConfigContext): boolean | undefined {
  if (ctx.live === undefined) return undefined;
  const agent = ctx.live.agentContainer;
  return agent !== undefined && boolFlag(agent, FLAG.networkPolicy) === true;
}

/**
 * Network policy is enforced only when the controller publishes PolicyEndpoints (ConfigMap) and, outside
 * Auto Mode, the agent enforces them (live DaemonSet). Either side known to be off gives `false`; the
 * add-on is intent only and never decides. `undefined` without a VPC CNI (another CNI may enforce).
 */
function networkPolicyEnabled(ctx: ConfigContext): boolean | undefined {
  const controller = controllerEnabled(ctx);
  if (ctx.autoMode) return controller;
  if (!cniPresent(ctx)) return undefined;
  const cni = ctx.cniVersion.version;
  if (cni !== undefined && !versionAtLeast(cni, MIN_CNI_NETWORK_POLICY)) return false;
  const agent = agentEnabled(ctx);
  if (controller === false || agent === false) return false;
  if (controller === undefined || agent === undefined) return undefined;
  return true;
}

/** The add-on when it was read; self-managed only when DescribeAddon found none; no CNI only outside Auto Mode. */
export function cniManagement(ctx: ConfigContext): CniManagement {
  if (ctx.autoMode) return 'auto-mode';
  if (ctx.addon !== undefined) return 'eks-add-on';
  if (ctx.addonUnknown) return 'unknown';
  if (ctx.live !== undefined) return 'self-managed';
  return ctx.autoModeKnown && !ctx.daemonSetUnavailable ? 'none' : 'unknown';
}

/**
 * Precedence (live objects are the source of truth, the add-on is intent):
 * - networkPolicyEnabled: ConfigMap key AND live agent flag (see {@link networkPolicyEnabled});
 * - enforcementMode: live aws-node env (unset/empty = standard), `undefined` when invalid, in Auto Mode
 *   (NodeClass decides), without the aws-node container, or on a CNI older than 1.14.0;
 * - cniVersion: add-on addonVersion, then aws-node image tag, then VPC_CNI_VERSION (first that parses);
 * - agentVersion: aws-eks-nodeagent image tag;
 * - autoMode: DescribeCluster computeConfig.enabled, `undefined` without it; ipFamily: kubernetesNetworkConfig.ipFamily.
 * Auto Mode has no CNI or agent versions to read.
 */
export function effectiveConfiguration(ctx: ConfigContext): EffectiveConfiguration {
  const mode = ctx.autoMode ? undefined : liveModeOf(ctx);
  const cni = ctx.autoMode ? undefined : ctx.cniVersion.version;
  const npCapable = cni === undefined || versionAtLeast(cni, MIN_CNI_NETWORK_POLICY);
  return {
    networkPolicyEnabled: networkPolicyEnabled(ctx),
    enforcementMode: mode?.valid === true && npCapable ? mode.mode : undefined,
    cniVersion: cni,
    agentVersion: ctx.autoMode ? undefined : ctx.agentVersion.version,
    autoMode: ctx.autoModeKnown ? ctx.autoMode : undefined,
    ipFamily: ctx.inventory.eksCluster?.kubernetesNetworkConfig?.ipFamily,
  };
}
