/** Port: lowercase hex SHA-1 of the UTF-8 bytes of `input`. Adapters inject node:crypto's implementation. */
export type Sha1Hex = (input: string) => string;

const HASH_CHARS = 11;

/**
 * Host-side veth of a pod (agent.md §3.2, CNI `GeneratePodHostVethName`): prefix + the first 11 hex chars of
 * sha1("<namespace>.<podName>"). `eni` for regular pods, `vlan` for branch-ENI pods in strict SGPP mode.
 */
export function hostVethName(namespace: string, podName: string, sha1Hex: Sha1Hex, prefix = 'eni'): string {
  return `${prefix}${sha1Hex(`${namespace}.${podName}`).slice(0, HASH_CHARS).toLowerCase()}`;
}

/** Pod name hashed for interface index `i > 0` of a multi-NIC pod (multi-NIC, v1.2.3+: `<podName>.<i>`). */
export function interfacePodName(podName: string, interfaceIndex: number): string {
  return interfaceIndex > 0 ? `${podName}.${interfaceIndex}` : podName;
}
