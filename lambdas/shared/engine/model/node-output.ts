/**
 * The raw node layout of a snapshot (`nodes/<node-name>/`): file path relative to the node directory → text.
 * `loaded-ebpfdata.txt`, `maps/<id>.txt`, `tc/<veth>.ingress.txt|.egress.txt`, optional `node.json`.
 */
export interface RawNodeOutput {
  readonly nodeName: string;
  readonly sourceDirectory: string;
  readonly files: ReadonlyMap<string, string>;
}
