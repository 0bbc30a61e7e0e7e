import { NC_CFG_CONFIGMAP_UNAVAILABLE } from '../not-checked-catalog';
import { findingOf } from '../model/finding';
import { CFG_CONFIGMAP_CONTROLLER_DISABLED } from './checks';
import { CONTROLLER_KEY, type ConfigContext } from './context';
import { controllerOffWithEndpointsNote, withHazardLinks } from './disable-hazard';
import { classicSkipReason, enforcementSeverity, OutcomeBuilder, policiesNote, type ConfigRule } from './rule';

function runConfigMap(ctx: ConfigContext) {
  const out = new OutcomeBuilder();
  const state = ctx.configMap;
  if (state.state === 'unavailable') {
    return out
      .skip(CFG_CONFIGMAP_CONTROLLER_DISABLED, NC_CFG_CONFIGMAP_UNAVAILABLE, `${ctx.unreadable.configMap}.`)
      .build();
  }
  if (state.state === 'present' && state.value === 'true') return out.build();

  let actual: string;
  let detail: string;
  if (state.state === 'missing') {
    actual = '(ConfigMap missing)';
    detail = 'ConfigMap kube-system/amazon-vpc-cni does not exist';
  } else if (state.value === undefined) {
    actual =
      state.misCasedKey === undefined ? '(key not set)' : `(key not set; found mis-cased "${state.misCasedKey}")`;
    detail = `ConfigMap kube-system/amazon-vpc-cni has no "${CONTROLLER_KEY}" key${
      state.misCasedKey === undefined
        ? ''
        : ` (only the mis-cased "${state.misCasedKey}", which the controller ignores)`
    }`;
  } else {
    actual = state.value;
    detail = `${CONTROLLER_KEY} is "${state.value}" (the controller requires exactly "true")`;
  }
  out.add(
    withHazardLinks(
      ctx,
      CFG_CONFIGMAP_CONTROLLER_DISABLED,
      findingOf(
        CFG_CONFIGMAP_CONTROLLER_DISABLED,
        ctx.refs.configMap,
        `${detail}: the network policy controller is disabled and publishes no PolicyEndpoints, so NetworkPolicies are accepted but enforced by nothing.${policiesNote(ctx)}${controllerOffWithEndpointsNote(ctx)}`,
        { expected: 'true', actual, severity: enforcementSeverity(ctx, CFG_CONFIGMAP_CONTROLLER_DISABLED) },
      ),
    ),
  );
  return out.build();
}

export const configMapRule: ConfigRule = {
  checks: [CFG_CONFIGMAP_CONTROLLER_DISABLED],
  skipReason: (ctx) => (ctx.autoMode ? undefined : classicSkipReason(ctx)),
  run: runConfigMap,
};
