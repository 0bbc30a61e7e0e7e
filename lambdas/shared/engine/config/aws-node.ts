import type { Container, DaemonSet } from '../model/kubernetes';
import { parseGoBool } from './go-bool';

export const CNI_CONTAINER = 'aws-node';
export const AGENT_CONTAINER = 'aws-eks-nodeagent';
const AGENT_IMAGE = 'aws-network-policy-agent';
const CNI_IMAGE = /\/amazon-k8s-cni:/;

/** The containers of the live aws-node DaemonSet that carry the network-policy settings. */
export interface LiveAwsNode {
  readonly daemonSet: DaemonSet;
  readonly cniContainer: Container | undefined;
  readonly agentContainer: Container | undefined;
}

export function readAwsNode(daemonSet: DaemonSet): LiveAwsNode {
  const containers = daemonSet.spec.template.spec.containers;
  return {
    daemonSet,
    cniContainer:
      containers.find((c) => c.name === CNI_CONTAINER) ?? containers.find((c) => CNI_IMAGE.test(c.image ?? '')),
    agentContainer:
      containers.find((c) => c.name === AGENT_CONTAINER) ??
      containers.find((c) => (c.image ?? '').includes(`/${AGENT_IMAGE}:`)),
  };
}

/**
 * Value of an env var; `undefined` when not declared. A declared var without `value` reads as "" (the
 * projection drops `valueFrom`, so a referenced value is unknown and treated as empty).
 */
export function envValue(container: Container | undefined, name: string): string | undefined {
  const entry = container?.env?.findLast((e) => e.name === name);
  return entry === undefined ? undefined : (entry.value ?? '');
}

export type FlagValue = { readonly present: false } | { readonly present: true; readonly value: string };

/**
 * Value of a command-line flag: `--flag=value`, `--flag value` (split), or a bare `--flag` (= "true",
 * boolean flag). One or two leading dashes; the last occurrence wins, as with pflag.
 */
export function flagValue(container: Container | undefined, flag: string): FlagValue {
  const tokens = [...(container?.command ?? []).slice(1), ...(container?.args ?? [])];
  let result: FlagValue = { present: false };
  tokens.forEach((token, index) => {
    const name = token.replace(/^--?/, '');
    if (name === token) return;
    if (name.startsWith(`${flag}=`)) {
      result = { present: true, value: name.slice(flag.length + 1) };
    } else if (name === flag) {
      const next = tokens[index + 1];
      result = { present: true, value: next !== undefined && !next.startsWith('-') ? next : 'true' };
    }
  });
  return result;
}

/** A boolean flag: absent → `false` (all agent booleans default to false); `undefined` when not a Go bool. */
export function boolFlag(container: Container | undefined, flag: string): boolean | undefined {
  const value = flagValue(container, flag);
  return value.present ? parseGoBool(value.value) : false;
}
