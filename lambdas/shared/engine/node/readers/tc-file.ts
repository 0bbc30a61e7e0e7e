import type { NodeOutputParseError, Result } from '../../errors';
import type { ParsedTcFile } from '../bundle';
import type { TcFilterOutput, TcHook } from '../model';
import { parseTcFilterJson } from '../parsers/tc-filter-json';
import { parseTcFilterText } from '../parsers/tc-filter-text';
import type { BundleErrors } from './errors';

export const TC_FILE = /^tc\/([^/]+)\.(ingress|egress)\.(txt|json)$/;

function parseTc(text: string, file: string, hook: TcHook): Result<TcFilterOutput, NodeOutputParseError> {
  const first = text.trimStart()[0];
  return first === '[' || first === '{'
    ? parseTcFilterJson(text, file, { hook })
    : parseTcFilterText(text, file, { hook });
}

/** `tc/<veth>.<ingress|egress>.txt|json` (tc text or `tc -j` JSON), by veth and hook. */
export class TcFileReader {
  readonly tc = new Map<string, Map<TcHook, ParsedTcFile>>();

  constructor(private readonly errors: BundleErrors) {}

  read(veth: string, hook: TcHook, file: string, text: string): void {
    const parsed = parseTc(text, file, hook);
    if (!parsed.ok) {
      this.errors.parse.push(parsed.error);
      return;
    }
    let hooks = this.tc.get(veth);
    if (hooks === undefined) {
      hooks = new Map();
      this.tc.set(veth, hooks);
    }
    hooks.set(hook, { veth, hook, file, output: parsed.value });
  }
}

/** Veths named by a tc file, parsed or not. */
export function vethsOfTcFiles(files: Iterable<string>): Set<string> {
  const veths = new Set<string>();
  for (const file of files) {
    const veth = TC_FILE.exec(file)?.[1];
    if (veth !== undefined) veths.add(veth);
  }
  return veths;
}
