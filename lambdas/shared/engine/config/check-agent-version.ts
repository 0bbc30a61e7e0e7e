import {
  NC_CFG_AGENT_CONTAINER_MISSING,
  NC_CFG_AGENT_VERSION_UNKNOWN,
  NC_CFG_AUTO_MODE,
  NC_CFG_CNI_VERSION_NOT_IN_TABLE,
  NC_CFG_CNI_VERSION_UNKNOWN,
} from '../not-checked-catalog';
import { findingOf } from '../model/finding';
import { requiredAgentFor, shippedAgentFor } from '../facts/agent-compatibility';
import { CFG_AGENT_VERSION_SKEW, CFG_VERSION_UNKNOWN } from './checks';
import type { ConfigContext } from './context';
import { AUTO_MODE_REASON, OutcomeBuilder, skipOf, type ConfigRule } from './rule';
import { versionAtLeast, versionCompare } from '../facts/version';

function runAgentVersion(ctx: ConfigContext) {
  const out = new OutcomeBuilder();
  const ref = ctx.refs.daemonSet;
  const agent = ctx.agentVersion.version;
  const cni = ctx.cniVersion.version;
  if (agent === undefined) {
    const image = ctx.live?.agentContainer?.image;
    out.add(
      findingOf(
        CFG_VERSION_UNKNOWN,
        ref,
        `The network policy agent version could not be judged (image ${image === undefined ? 'not set' : `"${image}"`}); the agent/CNI version skew check was skipped.`,
        { expected: 'an image tag like v1.3.5-eksbuild.3', actual: image },
      ),
    );
    return out.skip(CFG_AGENT_VERSION_SKEW, NC_CFG_AGENT_VERSION_UNKNOWN, 'Agent version unknown.').build();
  }
  if (cni === undefined)
    return out.skip(CFG_AGENT_VERSION_SKEW, NC_CFG_CNI_VERSION_UNKNOWN, 'VPC CNI version unknown.').build();

  const required = requiredAgentFor(cni);
  if (required !== undefined && !versionAtLeast(agent, required)) {
    out.add(
      findingOf(
        CFG_AGENT_VERSION_SKEW,
        ref,
        `VPC CNI ${cni} requires network policy agent >= ${required} (ipamd gRPC moved to a unix socket), but the agent is ${agent}: the agent cannot reach ipamd and pods fail to get policies.`,
        { expected: `>= ${required}`, actual: agent, severity: 'critical' },
      ),
    );
    return out.build();
  }
  const shipped = shippedAgentFor(cni);
  if (shipped === undefined) {
    return out
      .skip(
        CFG_AGENT_VERSION_SKEW,
        NC_CFG_CNI_VERSION_NOT_IN_TABLE,
        `VPC CNI ${cni} is not in the shipped-agent table; only the hard minimum was checked.`,
      )
      .build();
  }
  const order = versionCompare(agent, shipped);
  if (order !== 0) {
    const older = order < 0;
    out.add(
      findingOf(
        CFG_AGENT_VERSION_SKEW,
        ref,
        `Network policy agent ${agent} is ${older ? 'older' : 'newer'} than ${shipped}, the agent shipped with VPC CNI ${cni}${
          older
            ? ': fixes the CNI release expects are missing'
            : ': an untested combination (EKS add-on builds may pin their own agent)'
        }.`,
        { expected: shipped, actual: agent, severity: older ? 'medium' : 'low' },
      ),
    );
  }
  return out.build();
}

export const agentVersionRule: ConfigRule = {
  checks: [CFG_AGENT_VERSION_SKEW],
  skipReason: (ctx) => {
    if (ctx.autoMode) return skipOf(NC_CFG_AUTO_MODE, AUTO_MODE_REASON);
    if (ctx.live?.agentContainer === undefined)
      return skipOf(NC_CFG_AGENT_CONTAINER_MISSING, 'No aws-eks-nodeagent container in the inventory.');
    return undefined;
  },
  run: runAgentVersion,
};
