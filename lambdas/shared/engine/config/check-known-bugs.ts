import { KNOWN_BUGS, type BugComponent, type KnownBug, type TriggerHits } from '../facts/known-bugs';
import { versionIn } from '../facts/version';
import { upstreamText, type CheckDefinition } from '../model/check';
import { findingOf } from '../model/finding';
import { CFG_AGENT_BUG_ATTACH_KEY, CFG_AGENT_BUG_DOTTED_POD_NAME, CFG_AGENT_BUG_EXCEPT } from './checks';
import type { ConfigContext } from './context';
import {
  NC_CFG_AGENT_VERSION_UNKNOWN,
  NC_CFG_AUTO_MODE,
  NC_CFG_BUG_TRIGGER_UNREADABLE,
  NC_CFG_CNI_VERSION_UNKNOWN,
  NC_CFG_CONTROLLER_VERSION_UNKNOWN,
} from '../not-checked-catalog';
import { AUTO_MODE_REASON, OutcomeBuilder, skipOf, type ConfigRule, type Skip } from './rule';
import { unreadableKinds } from './unreadable-kinds';

interface BugCheck {
  readonly check: CheckDefinition;
  readonly bug: KnownBug;
}

/** Each check with the catalog entry it was defined from (config/checks.ts). */
export const BUG_CHECKS: readonly BugCheck[] = [
  { check: CFG_AGENT_BUG_ATTACH_KEY, bug: KNOWN_BUGS.attachKeyCollision },
  { check: CFG_AGENT_BUG_DOTTED_POD_NAME, bug: KNOWN_BUGS.dottedPodName },
  { check: CFG_AGENT_BUG_EXCEPT, bug: KNOWN_BUGS.exceptRules },
];

type VersionOf = { readonly version: string } | { readonly unknown: Skip };

function componentVersion(ctx: ConfigContext, component: BugComponent): VersionOf {
  switch (component) {
    case 'agent':
      return ctx.agentVersion.version === undefined
        ? {
            unknown: skipOf(
              NC_CFG_AGENT_VERSION_UNKNOWN,
              'The network policy agent version is unknown (no aws-eks-nodeagent image tag that parses).',
            ),
          }
        : { version: ctx.agentVersion.version };
    case 'cni':
      return ctx.cniVersion.version === undefined
        ? { unknown: skipOf(NC_CFG_CNI_VERSION_UNKNOWN, 'The VPC CNI version is unknown.') }
        : { version: ctx.cniVersion.version };
    case 'controller':
      return {
        unknown: skipOf(
          NC_CFG_CONTROLLER_VERSION_UNKNOWN,
          'The network policy controller version is not in a snapshot (EKS runs it in the control plane).',
        ),
      };
  }
}

function triggerText(bug: KnownBug, hits: TriggerHits): string {
  const more = hits.count > hits.sample.length ? ` and ${String(hits.count - hits.sample.length)} more` : '';
  return `${String(hits.count)} ${bug.triggerNoun}: ${hits.sample.join(', ')}${more}`;
}

/** One bug: not checked without a version (or the trigger's objects), a finding only when affected and triggered. */
function judgeBug(ctx: ConfigContext, { check, bug }: BugCheck, out: OutcomeBuilder): void {
  const running = componentVersion(ctx, bug.component);
  if ('unknown' in running) {
    out.skip(check, running.unknown.kind, running.unknown.reason);
    return;
  }
  if (!versionIn(running.version, bug.affected)) return;
  const unreadable = unreadableKinds(ctx.inventory, bug.reads);
  if (unreadable.length > 0) {
    out.skip(
      check,
      NC_CFG_BUG_TRIGGER_UNREADABLE,
      `The ${bug.component} ${running.version} is affected, but ${unreadable.join(', ')} could not be listed, so the trigger is unknown.`,
    );
    return;
  }
  const hits = bug.triggeredBy(ctx.inventory);
  if (hits.count === 0) return;
  out.add(
    findingOf(
      check,
      ctx.refs.daemonSet,
      `The network policy ${bug.component} ${running.version} is affected by ${upstreamText(bug.upstream) ?? 'an upstream bug'}, fixed in v${bug.fixedIn}: ${bug.effect} This cluster triggers it with ${triggerText(bug, hits)}.`,
      {
        expected: `>= ${bug.fixedIn}`,
        actual: { version: running.version, triggeredBy: hits.sample, count: hits.count },
      },
    ),
  );
}

function runKnownBugs(ctx: ConfigContext) {
  const out = new OutcomeBuilder();
  for (const entry of BUG_CHECKS) judgeBug(ctx, entry, out);
  return out.build();
}

export const knownBugsRule: ConfigRule = {
  checks: BUG_CHECKS.map((entry) => entry.check),
  skipReason: (ctx) => (ctx.autoMode ? skipOf(NC_CFG_AUTO_MODE, AUTO_MODE_REASON) : undefined),
  run: runKnownBugs,
};
