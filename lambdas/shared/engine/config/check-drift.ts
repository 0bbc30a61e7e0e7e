import {
  NC_CFG_ADDON_UNKNOWN,
  NC_CFG_ADDON_VALUES_UNREADABLE,
  NC_CFG_AUTO_MODE,
  NC_CFG_DAEMONSET_UNAVAILABLE,
  NC_CFG_SELF_MANAGED,
} from '../not-checked-catalog';
import { findingOf, type Severity } from '../model/finding';
import type { AddonIntent } from './addon-values';
import { BANDWIDTH_PLUGIN_ENV, ENFORCING_MODE_ENV } from './addon-values';
import { boolFlag, envValue, type LiveAwsNode } from './aws-node';
import { CFG_ADDON_DRIFT } from './checks';
import { CONTROLLER_KEY, type ConfigContext } from './context';
import { parseGoBool } from './go-bool';
import { FLAG, intentBool, intentOf, readMode } from './live-settings';
import { ADDON_UNKNOWN_REASON, AUTO_MODE_REASON, OutcomeBuilder, skipOf, type ConfigRule } from './rule';
import { imageTag, parseVersion } from '../facts/version';

/** One add-on setting and the live value it renders to; `undefined` on either side = not comparable. */
interface Comparison {
  readonly setting: string;
  readonly live: string;
  readonly intended: string | boolean | undefined;
  readonly actual: string | boolean | undefined;
  readonly severity: Severity;
}

function boolComparison(
  setting: string,
  live: string,
  raw: string | undefined,
  chartDefault: boolean,
  actual: boolean | undefined,
  severity: Severity,
): Comparison {
  return { setting, live, intended: intentBool(raw, chartDefault), actual, severity };
}

function agentComparisons(intent: AddonIntent, live: LiveAwsNode): Comparison[] {
  const agent = live.agentContainer;
  const comparisons: Comparison[] = [
    boolComparison(
      'nodeAgent.enabled',
      'aws-eks-nodeagent container present',
      intent.nodeAgentEnabled,
      true,
      agent !== undefined,
      'high',
    ),
  ];
  if (agent === undefined) return comparisons;
  const flag = (name: string) => boolFlag(agent, name);
  comparisons.push(
    boolComparison(
      'enableNetworkPolicy',
      `--${FLAG.networkPolicy}`,
      intent.enableNetworkPolicy,
      false,
      flag(FLAG.networkPolicy),
      'high',
    ),
    boolComparison('nodeAgent.enableIpv6', `--${FLAG.ipv6}`, intent.enableIpv6, false, flag(FLAG.ipv6), 'medium'),
    boolComparison(
      'nodeAgent.enablePolicyEventLogs',
      `--${FLAG.eventLogs}`,
      intent.enablePolicyEventLogs,
      false,
      flag(FLAG.eventLogs),
      'medium',
    ),
    boolComparison(
      'nodeAgent.enableCloudWatchLogs',
      `--${FLAG.cloudWatch}`,
      intent.enableCloudWatchLogs,
      false,
      flag(FLAG.cloudWatch),
      'medium',
    ),
  );
  return comparisons;
}

function cniComparisons(ctx: ConfigContext, intent: AddonIntent, live: LiveAwsNode): Comparison[] {
  const cni = live.cniContainer;
  if (cni === undefined) return [];
  const intendedMode = readMode(intent.enforcingMode);
  const liveMode = readMode(envValue(cni, ENFORCING_MODE_ENV));
  const bandwidth = envValue(cni, BANDWIDTH_PLUGIN_ENV);
  return [
    {
      setting: `env.${ENFORCING_MODE_ENV}`,
      live: `aws-node env ${ENFORCING_MODE_ENV}`,
      intended: intendedMode.valid ? intendedMode.mode : undefined,
      actual: liveMode.valid ? liveMode.mode : undefined,
      severity: 'high',
    },
    boolComparison(
      `env.${BANDWIDTH_PLUGIN_ENV}`,
      `aws-node env ${BANDWIDTH_PLUGIN_ENV}`,
      intent.bandwidthPlugin,
      false,
      bandwidth === undefined || bandwidth === '' ? false : parseGoBool(bandwidth),
      'medium',
    ),
    {
      setting: 'addonVersion',
      live: 'aws-node image tag',
      intended: parseVersion(ctx.addon?.addonVersion),
      actual: parseVersion(imageTag(cni.image)),
      severity: 'medium',
    },
  ];
}

function configMapComparison(ctx: ConfigContext, intent: AddonIntent): Comparison[] {
  if (ctx.configMap.state === 'unavailable') return [];
  const actual = ctx.configMap.state === 'present' ? ctx.configMap.value === 'true' : false;
  return [
    boolComparison(
      'enableNetworkPolicy',
      `ConfigMap amazon-vpc-cni ${CONTROLLER_KEY}`,
      intent.enableNetworkPolicy,
      false,
      actual,
      'high',
    ),
  ];
}

function runDrift(ctx: ConfigContext) {
  const out = new OutcomeBuilder();
  const intent = intentOf(ctx);
  if (intent === undefined)
    return out.skip(CFG_ADDON_DRIFT, NC_CFG_ADDON_VALUES_UNREADABLE, 'Add-on configurationValues unreadable.').build();
  const comparisons = [
    ...(ctx.live === undefined
      ? []
      : [...agentComparisons(intent, ctx.live), ...cniComparisons(ctx, intent, ctx.live)]),
    ...configMapComparison(ctx, intent),
  ];
  if (ctx.live === undefined)
    out.skip(
      CFG_ADDON_DRIFT,
      NC_CFG_DAEMONSET_UNAVAILABLE,
      'No live aws-node DaemonSet: only the ConfigMap was compared.',
    );
  for (const c of comparisons) {
    if (c.intended === undefined || c.actual === undefined || c.intended === c.actual) continue;
    const resource = c.live.startsWith('ConfigMap') ? ctx.refs.configMap : ctx.refs.daemonSet;
    out.add(
      findingOf(
        CFG_ADDON_DRIFT,
        resource,
        `Add-on ${c.setting} intends ${String(c.intended)} but the live ${c.live} is ${String(c.actual)}: the cluster was changed outside the add-on (or the add-on update did not apply); an add-on update with OVERWRITE would revert it.`,
        {
          expected: { [c.setting]: c.intended },
          actual: { [c.live]: c.actual },
          severity: c.severity,
          identity: `${c.setting}|${c.live}`,
        },
      ),
    );
  }
  return out.build();
}

export const driftRule: ConfigRule = {
  checks: [CFG_ADDON_DRIFT],
  skipReason: (ctx) => {
    if (ctx.autoMode) return skipOf(NC_CFG_AUTO_MODE, AUTO_MODE_REASON);
    if (ctx.addonUnknown) return skipOf(NC_CFG_ADDON_UNKNOWN, ADDON_UNKNOWN_REASON);
    if (ctx.addon === undefined)
      return skipOf(
        NC_CFG_SELF_MANAGED,
        'No vpc-cni add-on in the inventory: there is no intended configuration to compare.',
      );
    if (ctx.live === undefined && ctx.configMap.state === 'unavailable')
      return skipOf(NC_CFG_DAEMONSET_UNAVAILABLE, 'Neither the aws-node DaemonSet nor the ConfigMap could be read.');
    return undefined;
  },
  run: runDrift,
};
