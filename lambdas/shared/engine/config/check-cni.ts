import {
  NC_CFG_ADDON_UNKNOWN,
  NC_CFG_AUTO_MODE_UNKNOWN,
  NC_CFG_CNI_VERSION_UNKNOWN,
  NC_CFG_DAEMONSET_UNAVAILABLE,
} from '../not-checked-catalog';
import { findingOf } from '../model/finding';
import {
  CFG_AUTO_MODE,
  CFG_CNI_DAEMONSET_MISSING,
  CFG_CNI_MISSING,
  CFG_CNI_SELF_MANAGED,
  CFG_CNI_VERSION,
  CFG_CNI_VERSION_CNP,
  CFG_CNI_VERSION_STRICT,
  CFG_VERSION_UNKNOWN,
} from './checks';
import type { ConfigContext } from './context';
import { intentOf, liveModeOf, readMode } from './live-settings';
import {
  ADDON_UNKNOWN_REASON,
  AUTO_MODE_UNKNOWN_REASON,
  classicSkipReason,
  OutcomeBuilder,
  type ConfigRule,
} from './rule';
import { MIN_CNI_CLUSTER_POLICY, MIN_CNI_NETWORK_POLICY, MIN_CNI_STRICT } from '../facts/minimum-versions';
import { versionAtLeast } from '../facts/version';

function runPresence(ctx: ConfigContext) {
  const out = new OutcomeBuilder();
  if (ctx.inventory.eksCluster === undefined) {
    out.skip(
      CFG_AUTO_MODE,
      NC_CFG_AUTO_MODE_UNKNOWN,
      'No EKS cluster description in the inventory: Auto Mode and the IP family are unknown.',
    );
  }
  if (ctx.autoMode) {
    const extra =
      ctx.live === undefined ? '' : ' An aws-node DaemonSet is also present (non-Auto-Mode nodes); it is not checked.';
    out.add(
      findingOf(
        CFG_AUTO_MODE,
        ctx.refs.cluster,
        `EKS Auto Mode: network policy is enabled by the amazon-vpc-cni ConfigMap and the NodeClass spec.networkPolicy; add-on and aws-node checks do not apply.${extra}`,
        { actual: { computeConfigEnabled: true } },
      ),
    );
    return out.build();
  }
  if (ctx.addon === undefined && ctx.live === undefined) {
    if (ctx.daemonSetUnavailable) {
      out.skip(
        CFG_CNI_MISSING,
        NC_CFG_DAEMONSET_UNAVAILABLE,
        `${ctx.unreadable.daemonSet} and there is no vpc-cni add-on.`,
      );
    } else if (!ctx.autoModeKnown) {
      out.skip(CFG_CNI_MISSING, NC_CFG_AUTO_MODE_UNKNOWN, AUTO_MODE_UNKNOWN_REASON);
    } else {
      out.add(
        findingOf(
          CFG_CNI_MISSING,
          ctx.refs.cluster,
          'No vpc-cni add-on and no kube-system/aws-node DaemonSet: the Amazon VPC CNI is not installed, so its network policy engine enforces nothing. Another CNI (Cilium, Calico) may be in use; this audit cannot judge it.',
          { expected: 'vpc-cni add-on or aws-node DaemonSet', actual: 'neither' },
        ),
      );
    }
    return out.build();
  }
  if (ctx.addonUnknown) {
    out.skip(
      CFG_CNI_SELF_MANAGED,
      NC_CFG_ADDON_UNKNOWN,
      `${ADDON_UNKNOWN_REASON} The live DaemonSet and ConfigMap are judged.`,
    );
  } else if (ctx.addon === undefined) {
    out.add(
      findingOf(
        CFG_CNI_SELF_MANAGED,
        ctx.refs.daemonSet,
        'No vpc-cni EKS add-on (DescribeAddon found none): the aws-node DaemonSet is self-managed (Helm or manifest). Add-on checks are skipped; the live DaemonSet and ConfigMap are judged.',
      ),
    );
  }
  if (ctx.addon !== undefined && ctx.live === undefined) {
    if (ctx.daemonSetUnavailable) {
      out.skip(CFG_CNI_DAEMONSET_MISSING, NC_CFG_DAEMONSET_UNAVAILABLE, `${ctx.unreadable.daemonSet}.`);
    } else {
      out.add(
        findingOf(
          CFG_CNI_DAEMONSET_MISSING,
          ctx.refs.daemonSet,
          'The vpc-cni add-on is installed but there is no kube-system/aws-node DaemonSet: the CNI and the network policy agent are not running.',
          { expected: 'DaemonSet kube-system/aws-node', actual: 'absent' },
        ),
      );
    }
  }
  return out.build();
}

export const cniPresenceRule: ConfigRule = {
  checks: [CFG_AUTO_MODE, CFG_CNI_MISSING, CFG_CNI_SELF_MANAGED, CFG_CNI_DAEMONSET_MISSING],
  skipReason: () => undefined,
  run: runPresence,
};

/** Strict mode is "used" when it is live, intended by the add-on, or desired by the user. */
function strictModeSources(ctx: ConfigContext): string[] {
  const sources: string[] = [];
  const live = liveModeOf(ctx);
  if (live?.valid === true && live.mode === 'strict') sources.push('live aws-node env');
  const intent = intentOf(ctx);
  if (intent !== undefined) {
    const mode = readMode(intent.enforcingMode);
    if (mode.valid && mode.mode === 'strict') sources.push('add-on configurationValues');
  }
  if (ctx.desiredMode === 'strict') sources.push('desired mode');
  return sources;
}

function runVersion(ctx: ConfigContext) {
  const out = new OutcomeBuilder();
  const { version, source, raw } = ctx.cniVersion;
  const resource = source === 'add-on addonVersion' ? ctx.refs.addon : ctx.refs.daemonSet;
  if (version === undefined) {
    const seen = raw.length === 0 ? 'no version found' : `seen: ${raw.map((r) => `"${r}"`).join(', ')}`;
    out.add(
      findingOf(
        CFG_VERSION_UNKNOWN,
        ctx.addon === undefined ? ctx.refs.daemonSet : ctx.refs.addon,
        `The VPC CNI version could not be judged (${seen}); the minimum-version checks were skipped.`,
        { expected: 'a version like v1.19.6-eksbuild.1', actual: raw.length === 0 ? undefined : raw },
      ),
    );
    for (const check of [CFG_CNI_VERSION, CFG_CNI_VERSION_STRICT, CFG_CNI_VERSION_CNP])
      out.skip(check, NC_CFG_CNI_VERSION_UNKNOWN, 'VPC CNI version unknown.');
    return out.build();
  }
  const details = (minimum: string) => ({ expected: `>= ${minimum}`, actual: version });
  if (!versionAtLeast(version, MIN_CNI_NETWORK_POLICY)) {
    out.add(
      findingOf(
        CFG_CNI_VERSION,
        resource,
        `VPC CNI ${version} (${source ?? 'unknown source'}) predates network policy support (1.14.0): NetworkPolicies are not enforced.`,
        details(MIN_CNI_NETWORK_POLICY),
      ),
    );
  }
  const strict = strictModeSources(ctx);
  if (strict.length > 0 && !versionAtLeast(version, MIN_CNI_STRICT)) {
    out.add(
      findingOf(
        CFG_CNI_VERSION_STRICT,
        resource,
        `Strict mode is used (${strict.join(', ')}) but VPC CNI ${version} predates it (1.17.1): NETWORK_POLICY_ENFORCING_MODE is ignored and pods start default-allow.`,
        details(MIN_CNI_STRICT),
      ),
    );
  }
  const clusterPolicies = ctx.inventory.clusterNetworkPolicies.length;
  if (clusterPolicies > 0 && !versionAtLeast(version, MIN_CNI_CLUSTER_POLICY)) {
    out.add(
      findingOf(
        CFG_CNI_VERSION_CNP,
        resource,
        `${clusterPolicies} ClusterNetworkPolicy object(s) exist but VPC CNI ${version} predates admin network policies (1.21): they are not enforced on the nodes.`,
        details(MIN_CNI_CLUSTER_POLICY),
      ),
    );
  }
  return out.build();
}

export const cniVersionRule: ConfigRule = {
  checks: [CFG_CNI_VERSION, CFG_CNI_VERSION_STRICT, CFG_CNI_VERSION_CNP, CFG_VERSION_UNKNOWN],
  skipReason: classicSkipReason,
  run: runVersion,
};
