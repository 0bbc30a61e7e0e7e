import {
  NC_CFG_AGENT_CONTAINER_MISSING,
  NC_CFG_AUTO_MODE,
  NC_CFG_CNI_ABSENT,
  NC_CFG_DAEMONSET_UNAVAILABLE,
} from '../not-checked-catalog';
import { findingOf } from '../model/finding';
import { ENFORCING_MODE_ENV } from './addon-values';
import { AGENT_CONTAINER, envValue, flagValue } from './aws-node';
import { CFG_AGENT_MISSING, CFG_AGENT_NP_DISABLED, CFG_MODE_WITHOUT_AGENT } from './checks';
import type { ConfigContext } from './context';
import { disabledWithEndpointsNote, withHazardLinks } from './disable-hazard';
import { parseGoBool } from './go-bool';
import { FLAG } from './live-settings';
import { AUTO_MODE_REASON, enforcementSeverity, OutcomeBuilder, skipOf, policiesNote, type ConfigRule } from './rule';

function controllerNote(ctx: ConfigContext): string {
  return ctx.configMap.state === 'present' && ctx.configMap.value === 'true'
    ? ' The amazon-vpc-cni ConfigMap enables the controller, so PolicyEndpoints are published but no node enforces them.'
    : '';
}

function runAgent(ctx: ConfigContext) {
  const out = new OutcomeBuilder();
  const live = ctx.live;
  if (live === undefined) return out.build();
  const ref = ctx.refs.daemonSet;
  const agent = live.agentContainer;

  if (agent === undefined) {
    out.add(
      withHazardLinks(
        ctx,
        CFG_AGENT_MISSING,
        findingOf(
          CFG_AGENT_MISSING,
          ref,
          `The aws-node DaemonSet has no ${AGENT_CONTAINER} container: no node enforces network policy.${controllerNote(ctx)}${policiesNote(ctx)}${disabledWithEndpointsNote(ctx)}`,
          {
            expected: AGENT_CONTAINER,
            actual: live.daemonSet.spec.template.spec.containers.map((c) => c.name),
            severity: enforcementSeverity(ctx, CFG_AGENT_MISSING),
          },
        ),
      ),
    );
    out.skip(CFG_AGENT_NP_DISABLED, NC_CFG_AGENT_CONTAINER_MISSING, `No ${AGENT_CONTAINER} container.`);
    const mode = envValue(live.cniContainer, ENFORCING_MODE_ENV);
    if (mode !== undefined && mode !== '') {
      out.add(
        findingOf(
          CFG_MODE_WITHOUT_AGENT,
          ref,
          `${ENFORCING_MODE_ENV}=${mode} is set on the aws-node container while the ${AGENT_CONTAINER} container is absent: the CNI waits for the agent and pod creation fails (vpc-cni README).`,
          { expected: `${ENFORCING_MODE_ENV} unset`, actual: mode },
        ),
      );
    }
    return out.build();
  }

  const flag = flagValue(agent, FLAG.networkPolicy);
  const enabled = flag.present ? parseGoBool(flag.value) : false;
  if (enabled !== true) {
    const actual = flag.present ? flag.value : '(not set: default false)';
    out.add(
      withHazardLinks(
        ctx,
        CFG_AGENT_NP_DISABLED,
        findingOf(
          CFG_AGENT_NP_DISABLED,
          ref,
          `${AGENT_CONTAINER} runs with --${FLAG.networkPolicy}=${actual}: the agent attaches no eBPF programs, so NetworkPolicies are not enforced on the nodes.${controllerNote(ctx)}${policiesNote(ctx)}${disabledWithEndpointsNote(ctx)}`,
          { expected: 'true', actual, severity: enforcementSeverity(ctx, CFG_AGENT_NP_DISABLED) },
        ),
      ),
    );
  }
  return out.build();
}

export const agentRule: ConfigRule = {
  checks: [CFG_AGENT_MISSING, CFG_AGENT_NP_DISABLED, CFG_MODE_WITHOUT_AGENT],
  skipReason: (ctx) => {
    if (ctx.autoMode) return skipOf(NC_CFG_AUTO_MODE, AUTO_MODE_REASON);
    if (ctx.live === undefined) {
      return ctx.daemonSetUnavailable
        ? skipOf(NC_CFG_DAEMONSET_UNAVAILABLE, `${ctx.unreadable.daemonSet}.`)
        : skipOf(NC_CFG_CNI_ABSENT, 'No aws-node DaemonSet in the cluster.');
    }
    return undefined;
  },
  run: runAgent,
};
