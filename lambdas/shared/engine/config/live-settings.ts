import type { EnforcementMode } from '../model/assessment';
import type { ResourceRef } from '../model/finding';
import { BANDWIDTH_PLUGIN_ENV, ENFORCING_MODE_ENV, type AddonIntent } from './addon-values';
import { boolFlag, envValue } from './aws-node';
import type { ConfigContext } from './context';
import { parseGoBool } from './go-bool';

export const FLAG = {
  networkPolicy: 'enable-network-policy',
  ipv6: 'enable-ipv6',
  eventLogs: 'enable-policy-event-logs',
  cloudWatch: 'enable-cloudwatch-logs',
} as const;

export type ModeReading =
  | { readonly valid: true; readonly mode: EnforcementMode; readonly raw: string | undefined }
  | { readonly valid: false; readonly raw: string };

/** Unset or empty means the default, `standard`; anything but `standard`/`strict` is invalid. */
export function readMode(raw: string | undefined): ModeReading {
  if (raw === undefined || raw === '') return { valid: true, mode: 'standard', raw };
  if (raw === 'standard' || raw === 'strict') return { valid: true, mode: raw, raw };
  return { valid: false, raw };
}

/** A setting read from the live DaemonSet when it is known, else from the add-on intent. */
export interface SourcedValue<T> {
  readonly value: T;
  readonly source: 'live' | 'add-on';
  readonly resource: ResourceRef;
  readonly description: string;
}

export function intentOf(ctx: ConfigContext): AddonIntent | undefined {
  return ctx.addonIntent?.ok === true ? ctx.addonIntent.value : undefined;
}

/** Add-on boolean with its chart default; `undefined` when the value is not a Go bool. */
export function intentBool(raw: string | undefined, chartDefault: boolean): boolean | undefined {
  return raw === undefined ? chartDefault : parseGoBool(raw);
}

export function liveModeOf(ctx: ConfigContext): ModeReading | undefined {
  const container = ctx.live?.cniContainer;
  return container === undefined ? undefined : readMode(envValue(container, ENFORCING_MODE_ENV));
}

export function modeSetting(ctx: ConfigContext): SourcedValue<ModeReading> | undefined {
  const live = liveModeOf(ctx);
  if (live !== undefined) {
    return {
      value: live,
      source: 'live',
      resource: ctx.refs.daemonSet,
      description: `aws-node env ${ENFORCING_MODE_ENV}`,
    };
  }
  const intent = intentOf(ctx);
  if (intent === undefined || ctx.live !== undefined) return undefined;
  return {
    value: readMode(intent.enforcingMode),
    source: 'add-on',
    resource: ctx.refs.addon,
    description: `add-on env.${ENFORCING_MODE_ENV}`,
  };
}

/** A live agent flag when the agent container runs, else the add-on `nodeAgent.*` value (chart default false). */
export function agentFlagSetting(
  ctx: ConfigContext,
  flag: string,
  intentValue: (intent: AddonIntent) => string | undefined,
  intentKey: string,
): SourcedValue<boolean | undefined> | undefined {
  const agent = ctx.live?.agentContainer;
  if (agent !== undefined) {
    return {
      value: boolFlag(agent, flag),
      source: 'live',
      resource: ctx.refs.daemonSet,
      description: `aws-eks-nodeagent --${flag}`,
    };
  }
  const intent = intentOf(ctx);
  if (intent === undefined || ctx.live !== undefined) return undefined;
  return {
    value: intentBool(intentValue(intent), false),
    source: 'add-on',
    resource: ctx.refs.addon,
    description: `add-on ${intentKey}`,
  };
}

export function bandwidthSetting(ctx: ConfigContext): SourcedValue<boolean | undefined> | undefined {
  const container = ctx.live?.cniContainer;
  if (container !== undefined) {
    const raw = envValue(container, BANDWIDTH_PLUGIN_ENV);
    return {
      value: raw === undefined || raw === '' ? false : parseGoBool(raw),
      source: 'live',
      resource: ctx.refs.daemonSet,
      description: `aws-node env ${BANDWIDTH_PLUGIN_ENV}`,
    };
  }
  const intent = intentOf(ctx);
  if (intent === undefined || ctx.live !== undefined) return undefined;
  return {
    value: intentBool(intent.bandwidthPlugin, false),
    source: 'add-on',
    resource: ctx.refs.addon,
    description: `add-on env.${BANDWIDTH_PLUGIN_ENV}`,
  };
}
