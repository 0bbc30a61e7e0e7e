import { NC_CFG_AUTO_MODE, NC_CFG_MODE_UNKNOWN } from '../not-checked-catalog';
import { findingOf } from '../model/finding';
import { ENFORCING_MODE_ENV } from './addon-values';
import { CFG_MODE, CFG_MODE_INVALID, CFG_MODE_MISMATCH } from './checks';
import type { ConfigContext } from './context';
import { intentOf, modeSetting, readMode } from './live-settings';
import { AUTO_MODE_REASON, classicSkipReason, OutcomeBuilder, skipOf, type ConfigRule } from './rule';

function runMode(ctx: ConfigContext) {
  const out = new OutcomeBuilder();
  const intent = intentOf(ctx);
  if (intent !== undefined && ctx.live !== undefined) {
    const intended = readMode(intent.enforcingMode);
    if (!intended.valid) {
      out.add(
        findingOf(
          CFG_MODE_INVALID,
          ctx.refs.addon,
          `The add-on sets env.${ENFORCING_MODE_ENV}="${intended.raw}", which is neither "standard" nor "strict".`,
          { expected: 'standard | strict', actual: intended.raw },
        ),
      );
    }
  }
  const setting = modeSetting(ctx);
  if (setting === undefined) {
    const reason = 'The aws-node container is not in the inventory, so the enforcement mode is unknown.';
    return out.skip(CFG_MODE, NC_CFG_MODE_UNKNOWN, reason).skip(CFG_MODE_MISMATCH, NC_CFG_MODE_UNKNOWN, reason).build();
  }
  const from = setting.source === 'live' ? '' : ' (add-on intent; the live DaemonSet is unknown)';
  if (!setting.value.valid) {
    out.add(
      findingOf(
        CFG_MODE_INVALID,
        setting.resource,
        `${setting.description}="${setting.value.raw}" is neither "standard" nor "strict"${from}: the enforcement mode cannot be determined.`,
        { expected: 'standard | strict', actual: setting.value.raw },
      ),
    );
    if (ctx.desiredMode !== undefined)
      out.skip(CFG_MODE_MISMATCH, NC_CFG_MODE_UNKNOWN, 'The enforcement mode value is invalid.');
    return out.build();
  }
  const { mode, raw } = setting.value;
  const how =
    raw === undefined || raw === '' ? `${setting.description} not set: default standard` : setting.description;
  if (ctx.desiredMode === undefined) {
    const meaning =
      mode === 'strict'
        ? 'new pods start default-deny (CoreDNS included) until their policies are applied'
        : 'pods are default-allow until a policy selects them';
    out.add(
      findingOf(CFG_MODE, setting.resource, `Enforcement mode is ${mode} (${how})${from}: ${meaning}.`, {
        actual: mode,
      }),
    );
  } else if (ctx.desiredMode !== mode) {
    out.add(
      findingOf(
        CFG_MODE_MISMATCH,
        setting.resource,
        `Enforcement mode is ${mode} (${how})${from}, but ${ctx.desiredMode} is desired.`,
        { expected: ctx.desiredMode, actual: mode },
      ),
    );
  }
  return out.build();
}

export const modeRule: ConfigRule = {
  checks: [CFG_MODE, CFG_MODE_MISMATCH, CFG_MODE_INVALID],
  skipReason: (ctx) =>
    ctx.autoMode
      ? skipOf(
          NC_CFG_AUTO_MODE,
          `${AUTO_MODE_REASON} The Auto Mode default is set by NodeClass spec.networkPolicy, which is not in the inventory.`,
        )
      : classicSkipReason(ctx),
  run: runMode,
};
