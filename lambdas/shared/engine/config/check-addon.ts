import { findingOf } from '../model/finding';
import {
  CFG_ADDON_HEALTH,
  CFG_ADDON_KEY_CASE,
  CFG_ADDON_NP_DISABLED,
  CFG_ADDON_STATUS,
  CFG_ADDON_VALUES_MALFORMED,
} from './checks';
import type { ConfigContext } from './context';
import { ADDON_UNKNOWN_REASON, enforcementSeverity, OutcomeBuilder, policiesNote, type ConfigRule } from './rule';

const TRANSITIONAL_STATUSES = new Set(['CREATING', 'UPDATING', 'DELETING']);

function runAddon(ctx: ConfigContext) {
  const out = new OutcomeBuilder();
  const addon = ctx.addon;
  const intentResult = ctx.addonIntent;
  if (addon === undefined || intentResult === undefined) return out.build();
  const ref = ctx.refs.addon;

  if (addon.status === undefined) {
    out.skip(CFG_ADDON_STATUS, 'The add-on description has no status.');
  } else if (addon.status !== 'ACTIVE') {
    const transitional = TRANSITIONAL_STATUSES.has(addon.status);
    out.add(
      findingOf(
        CFG_ADDON_STATUS,
        ref,
        transitional
          ? `The vpc-cni add-on is ${addon.status}: the configuration may still change; re-run the audit when it is ACTIVE.`
          : `The vpc-cni add-on is ${addon.status}: its configuration may not be applied to the cluster.`,
        { expected: 'ACTIVE', actual: addon.status, severity: transitional ? 'medium' : CFG_ADDON_STATUS.severity },
      ),
    );
  }

  for (const issue of addon.health?.issues ?? []) {
    const code = issue.code ?? 'unknown';
    const resourceIds = issue.resourceIds ?? [];
    const resources = resourceIds.length > 0 ? ` (resources: ${resourceIds.join(', ')})` : '';
    out.add(
      findingOf(
        CFG_ADDON_HEALTH,
        ref,
        `vpc-cni add-on health issue ${code}: ${issue.message ?? 'no message'}${resources}`,
        {
          actual: { code, message: issue.message, resourceIds: issue.resourceIds ?? undefined },
          identity: code,
        },
      ),
    );
  }

  if (!intentResult.ok) {
    out.add(
      findingOf(
        CFG_ADDON_VALUES_MALFORMED,
        ref,
        `The add-on configurationValues could not be read (${intentResult.error}); the add-on intent is unknown, so its checks and the add-on/DaemonSet comparison were skipped.`,
        { expected: 'a JSON or YAML object', actual: intentResult.error },
      ),
    );
    for (const check of [CFG_ADDON_KEY_CASE, CFG_ADDON_NP_DISABLED])
      out.skip(check, 'Add-on configurationValues unreadable.');
    return out.build();
  }
  const intent = intentResult.value;

  for (const key of intent.misCasedKeys) {
    out.add(
      findingOf(
        CFG_ADDON_KEY_CASE,
        ref,
        `configurationValues key "${key.path}" differs from "${key.expected}" only in case; keys are case-sensitive, so the setting is not applied as intended.`,
        { expected: key.expected, actual: key.path, identity: key.path },
      ),
    );
  }

  if (intent.enableNetworkPolicy !== 'true') {
    const actual = intent.enableNetworkPolicy ?? '(not set: chart default "false")';
    const caseHint = intent.misCasedKeys.some((k) => k.expected === 'enableNetworkPolicy')
      ? ' A mis-cased enableNetworkPolicy key is present and ignored.'
      : '';
    out.add(
      findingOf(
        CFG_ADDON_NP_DISABLED,
        ref,
        `The vpc-cni add-on does not enable network policy (enableNetworkPolicy = ${actual}).${caseHint}${policiesNote(ctx)}`,
        { expected: '"true"', actual, severity: enforcementSeverity(ctx, CFG_ADDON_NP_DISABLED) },
      ),
    );
  }
  return out.build();
}

export const addonRule: ConfigRule = {
  checks: [CFG_ADDON_STATUS, CFG_ADDON_HEALTH, CFG_ADDON_VALUES_MALFORMED, CFG_ADDON_KEY_CASE, CFG_ADDON_NP_DISABLED],
  skipReason: (ctx) => {
    if (ctx.autoMode) return 'EKS Auto Mode: there is no vpc-cni add-on to check.';
    if (ctx.addonUnknown) return ADDON_UNKNOWN_REASON;
    if (ctx.addon === undefined) return 'No vpc-cni add-on (DescribeAddon found none): self-managed CNI.';
    return undefined;
  },
  run: runAddon,
};
