import { versionAtLeast } from '../facts/version';
import { upstreamText, type CheckDefinition } from '../model/check';
import type { Finding } from '../model/finding';
import { boolFlag } from './aws-node';
import { DISABLE_HAZARD_LINKS } from './checks';
import type { ConfigContext } from './context';
import { FLAG } from './live-settings';
import { unreadableKinds } from './unreadable-kinds';

/**
 * First agent release that ignores PolicyEndpoints when network policy is disabled instead of crash-looping on them
 * (aws/aws-network-policy-agent#97, #135; fixed by PR #323, first tag containing it: v1.1.5).
 */
export const AGENT_SURVIVES_DISABLE_WITH_ENDPOINTS = '1.1.5';

function endpointCount(ctx: ConfigContext): number {
  return ctx.inventory.policyEndpoints.length + ctx.inventory.clusterPolicyEndpoints.length;
}

function endpointsPhrase(count: number): string {
  return count === 1 ? '1 PolicyEndpoint still exists' : `${count} PolicyEndpoints still exist`;
}

/** Said only when the agent version is known to crash-loop; an unknown version is not guessed at. */
function crashLoopPhrase(ctx: ConfigContext): string {
  const agent = ctx.agentVersion.version;
  return agent !== undefined && !versionAtLeast(agent, AGENT_SURVIVES_DISABLE_WITH_ENDPOINTS)
    ? `, and agent ${agent} (before ${AGENT_SURVIVES_DISABLE_WITH_ENDPOINTS}) crash-loops while they exist`
    : '';
}

/** When PolicyEndpoints could not be listed, whether programs were left behind is unknown: say so, never guess. */
function endpointsUnknownNote(ctx: ConfigContext): string {
  return ctx.hasPolicies && unreadableKinds(ctx.inventory, ['PolicyEndpoint']).length > 0
    ? ' PolicyEndpoints could not be listed, so whether programs were left on pods when network policy was turned off is unknown.'
    : '';
}

function liveAgentEnforces(ctx: ConfigContext): boolean {
  const agent = ctx.live?.agentContainer;
  return agent !== undefined && boolFlag(agent, FLAG.networkPolicy) === true;
}

/**
 * For a finding that network policy is off on the nodes (agent flag false, agent container missing): what the
 * PolicyEndpoints that still exist mean. Empty when there are none (or they were not collected).
 */
export function disabledWithEndpointsNote(ctx: ConfigContext): string {
  const count = endpointCount(ctx);
  if (count === 0) return endpointsUnknownNote(ctx);
  return ` ${endpointsPhrase(count)}: if network policy was turned off while they did, the eBPF programs the agent had attached stay on the pods they list and keep enforcing the old rules${crashLoopPhrase(ctx)}.`;
}

/** For the add-on intent "off": the hazard of applying it while the live agent still enforces PolicyEndpoints. */
export function pendingDisableNote(ctx: ConfigContext): string {
  const count = endpointCount(ctx);
  if (count === 0) return endpointsUnknownNote(ctx);
  if (!liveAgentEnforces(ctx)) return disabledWithEndpointsNote(ctx);
  return ` ${endpointsPhrase(count)} and the live agent still enforces them: applying these add-on values turns network policy off while they exist, which leaves their eBPF programs on the pods they list${crashLoopPhrase(ctx)}. Delete the NetworkPolicies first and wait until no PolicyEndpoints remain.`;
}

/** For the controller switched off in the ConfigMap: PolicyEndpoints left behind are frozen, not removed. */
export function controllerOffWithEndpointsNote(ctx: ConfigContext): string {
  const count = endpointCount(ctx);
  if (count === 0) return '';
  return ` Yet ${endpointsPhrase(count)} from before: they no longer change, the agent keeps enforcing them as they are, and a NetworkPolicy deleted now stays Terminating on its networking.k8s.aws/resources finalizer.`;
}

/** The finding with the check's upstream links, less the disable-hazard ones when no PolicyEndpoints exist. */
export function withHazardLinks(ctx: ConfigContext, check: CheckDefinition, finding: Finding): Finding {
  if (endpointCount(ctx) > 0) return finding;
  const links = upstreamText(check.upstream.filter((link) => !DISABLE_HAZARD_LINKS.has(link)));
  const copy = { ...finding };
  if (links === undefined) delete copy.upstreamIssue;
  else copy.upstreamIssue = links;
  return copy;
}
