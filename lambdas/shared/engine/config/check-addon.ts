import {
  NC_CFG_ADDON_STATUS_MISSING,
  NC_CFG_ADDON_UNKNOWN,
  NC_CFG_ADDON_VALUES_UNREADABLE,
  NC_CFG_AUTO_MODE,
  NC_CFG_SELF_MANAGED,
} from '../not-checked-catalog';
import { findingOf } from '../model/finding';
import {
  CFG_ADDON_HEALTH,
  CFG_ADDON_KEY_CASE,
  CFG_ADDON_KEY_UNKNOWN,
  CFG_ADDON_NP_DISABLED,
  CFG_ADDON_STATUS,
  CFG_ADDON_VALUES_MALFORMED,
} from './checks';
import type { AddonIntent } from './addon-values';
import type { ConfigContext } from './context';
import { pendingDisableNote, withHazardLinks } from './disable-hazard';
import {
  ADDON_UNKNOWN_REASON,
  enforcementSeverity,
  OutcomeBuilder,
  skipOf,
  policiesNote,
  type ConfigRule,
} from './rule';

/** The checks that read the parsed values; none of them runs when the values cannot be read. */
const VALUES_CHECKS = [CFG_ADDON_KEY_CASE, CFG_ADDON_KEY_UNKNOWN, CFG_ADDON_NP_DISABLED] as const;

const TRANSITIONAL_STATUSES = new Set(['CREATING', 'UPDATING', 'DELETING']);

function addUnknownKeys(intent: AddonIntent, ctx: ConfigContext, out: OutcomeBuilder): void {
  for (const key of intent.unknownKeys) {
    const guess = key.likelyTypo
      ? `probably a misspelling of "${key.closest}": that setting is not applied and keeps its default`
      : `the closest known key is "${key.closest}": unless the schema of this add-on version has the key, what it sets is not applied`;
    out.add(
      findingOf(
        CFG_ADDON_KEY_UNKNOWN,
        ctx.refs.addon,
        `configurationValues key "${key.path}" is not a key of the vpc-cni chart values (${guess}).`,
        {
          expected: key.closest,
          actual: key.path,
          identity: key.path,
          severity: key.likelyTypo ? CFG_ADDON_KEY_UNKNOWN.severity : 'low',
          placeholders: { closest: key.closest },
        },
      ),
    );
  }
}

function runAddon(ctx: ConfigContext) {
  const out = new OutcomeBuilder();
  const addon = ctx.addon;
  const intentResult = ctx.addonIntent;
  if (addon === undefined || intentResult === undefined) return out.build();
  const ref = ctx.refs.addon;

  if (addon.status === undefined) {
    out.skip(CFG_ADDON_STATUS, NC_CFG_ADDON_STATUS_MISSING, 'The add-on description has no status.');
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
    for (const check of VALUES_CHECKS)
      out.skip(check, NC_CFG_ADDON_VALUES_UNREADABLE, 'Add-on configurationValues unreadable.');
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

  addUnknownKeys(intent, ctx, out);

  if (intent.enableNetworkPolicy !== 'true') {
    const actual = intent.enableNetworkPolicy ?? '(not set: chart default "false")';
    const caseHint = intent.misCasedKeys.some((k) => k.expected === 'enableNetworkPolicy')
      ? ' A mis-cased enableNetworkPolicy key is present and ignored.'
      : '';
    out.add(
      withHazardLinks(
        ctx,
        CFG_ADDON_NP_DISABLED,
        findingOf(
          CFG_ADDON_NP_DISABLED,
          ref,
          `The vpc-cni add-on does not enable network policy (enableNetworkPolicy = ${actual}).${caseHint}${policiesNote(ctx)}${pendingDisableNote(ctx)}`,
          { expected: '"true"', actual, severity: enforcementSeverity(ctx, CFG_ADDON_NP_DISABLED) },
        ),
      ),
    );
  }
  return out.build();
}

export const addonRule: ConfigRule = {
  checks: [CFG_ADDON_STATUS, CFG_ADDON_HEALTH, CFG_ADDON_VALUES_MALFORMED, ...VALUES_CHECKS],
  skipReason: (ctx) => {
    if (ctx.autoMode) return skipOf(NC_CFG_AUTO_MODE, 'EKS Auto Mode: there is no vpc-cni add-on to check.');
    if (ctx.addonUnknown) return skipOf(NC_CFG_ADDON_UNKNOWN, ADDON_UNKNOWN_REASON);
    if (ctx.addon === undefined)
      return skipOf(NC_CFG_SELF_MANAGED, 'No vpc-cni add-on (DescribeAddon found none): self-managed CNI.');
    return undefined;
  },
  run: runAddon,
};
