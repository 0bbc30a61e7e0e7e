import { NC_CFG_IP_FAMILY_UNKNOWN, NC_CFG_SETTING_UNKNOWN } from '../not-checked-catalog';
import { findingOf } from '../model/finding';
import { boolFlag } from './aws-node';
import { CFG_BANDWIDTH_PLUGIN, CFG_CLOUDWATCH_WITHOUT_EVENT_LOGS, CFG_IPV6_MISMATCH } from './checks';
import type { ConfigContext } from './context';
import { agentFlagSetting, bandwidthSetting, FLAG, type SourcedValue } from './live-settings';
import { classicSkipReason, OutcomeBuilder, type ConfigRule } from './rule';

const UNKNOWN_SETTING = 'Neither the live aws-node DaemonSet nor readable add-on values are available.';

function sourceNote(setting: SourcedValue<unknown>): string {
  return setting.source === 'live' ? '' : ' (add-on intent; the live DaemonSet is unknown)';
}

function checkIpv6(ctx: ConfigContext, out: OutcomeBuilder): void {
  const ipFamily = ctx.inventory.eksCluster?.kubernetesNetworkConfig?.ipFamily;
  const setting = agentFlagSetting(ctx, FLAG.ipv6, (i) => i.enableIpv6, 'nodeAgent.enableIpv6');
  if (ipFamily === undefined) {
    out.skip(
      CFG_IPV6_MISMATCH,
      NC_CFG_IP_FAMILY_UNKNOWN,
      'The cluster ipFamily is unknown (no kubernetesNetworkConfig.ipFamily in the cluster description).',
    );
    return;
  }
  if (setting === undefined) {
    out.skip(CFG_IPV6_MISMATCH, NC_CFG_SETTING_UNKNOWN, UNKNOWN_SETTING);
    return;
  }
  if (setting.value === undefined) {
    out.skip(CFG_IPV6_MISMATCH, NC_CFG_SETTING_UNKNOWN, `${setting.description} is not a boolean.`);
    return;
  }
  const expected = ipFamily === 'ipv6';
  if (setting.value !== expected) {
    const effect = expected
      ? 'the agent loads the IPv4 programs, so IPv6 pod traffic is not policed'
      : 'the agent loads the IPv6 programs, so IPv4 pod traffic is not policed';
    out.add(
      findingOf(
        CFG_IPV6_MISMATCH,
        setting.resource,
        `${setting.description} is ${String(setting.value)}${sourceNote(setting)} but the cluster ipFamily is ${ipFamily}: ${effect}.`,
        { expected: String(expected), actual: String(setting.value) },
      ),
    );
  }
}

function checkBandwidth(ctx: ConfigContext, out: OutcomeBuilder): void {
  const setting = bandwidthSetting(ctx);
  if (setting === undefined) {
    out.skip(CFG_BANDWIDTH_PLUGIN, NC_CFG_SETTING_UNKNOWN, UNKNOWN_SETTING);
    return;
  }
  if (setting.value !== true) return;
  const agent = ctx.live?.agentContainer;
  const npOff = setting.source === 'live' && (agent === undefined || boolFlag(agent, FLAG.networkPolicy) !== true);
  out.add(
    findingOf(
      CFG_BANDWIDTH_PLUGIN,
      setting.resource,
      `${setting.description} is true${sourceNote(setting)}: the bandwidth plugin conflicts with the tc programs of the network policy agent and is not supported with network policy.${npOff ? ' Network policy is not enabled on the agent, so it matters once it is.' : ''}`,
      { expected: 'false', actual: 'true', severity: npOff ? 'low' : CFG_BANDWIDTH_PLUGIN.severity },
    ),
  );
}

function checkCloudWatch(ctx: ConfigContext, out: OutcomeBuilder): void {
  const cloudWatch = agentFlagSetting(
    ctx,
    FLAG.cloudWatch,
    (i) => i.enableCloudWatchLogs,
    'nodeAgent.enableCloudWatchLogs',
  );
  const eventLogs = agentFlagSetting(
    ctx,
    FLAG.eventLogs,
    (i) => i.enablePolicyEventLogs,
    'nodeAgent.enablePolicyEventLogs',
  );
  if (cloudWatch === undefined || eventLogs === undefined) {
    out.skip(CFG_CLOUDWATCH_WITHOUT_EVENT_LOGS, NC_CFG_SETTING_UNKNOWN, UNKNOWN_SETTING);
    return;
  }
  if (cloudWatch.value !== true || eventLogs.value === true) return;
  out.add(
    findingOf(
      CFG_CLOUDWATCH_WITHOUT_EVENT_LOGS,
      cloudWatch.resource,
      `${cloudWatch.description} is true but ${eventLogs.description} is ${String(eventLogs.value ?? 'invalid')}${sourceNote(cloudWatch)}: CloudWatch logging needs policy event logs, so no flow logs reach CloudWatch. CloudWatch logs also need logs:* IAM permissions or the agent crashes (aws-network-policy-agent#141).`,
      {
        expected: { cloudWatch: true, policyEventLogs: true },
        actual: { cloudWatch: true, policyEventLogs: eventLogs.value },
      },
    ),
  );
}

export const settingsRule: ConfigRule = {
  checks: [CFG_IPV6_MISMATCH, CFG_BANDWIDTH_PLUGIN, CFG_CLOUDWATCH_WITHOUT_EVENT_LOGS],
  skipReason: classicSkipReason,
  run: (ctx) => {
    const out = new OutcomeBuilder();
    checkIpv6(ctx, out);
    checkBandwidth(ctx, out);
    checkCloudWatch(ctx, out);
    return out.build();
  },
};
