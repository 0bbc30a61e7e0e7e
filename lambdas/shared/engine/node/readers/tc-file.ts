import type { NodeOutputParseError, Result } from '../../errors';
import type { ParsedTcFile } from '../bundle';
import type { TcFilterOutput, TcHook } from '../model';
import { parseTcFilterJson } from '../parsers/tc-filter-json';
import { parseTcFilterText } from '../parsers/tc-filter-text';
import { recordNotCollected, timedOut, type BundleErrors } from './errors';

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
    if (this.recordedTimeout(veth, hook, file)) return;
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

  /** A hook whose `tc filter show` timed out: its (partial or empty) output is not read as the hook's filters. */
  private recordedTimeout(veth: string, hook: TcHook, file: string): boolean {
    const steps = [`tc filter show dev ${veth} ${hook}`];
    const timeout = timedOut(this.errors, steps);
    if (timeout === undefined) return false;
    recordNotCollected(this.errors, steps, {
      source: file,
      category: timeout.category,
      message: `${file} not collected, because ${timeout.reason}; the hook's filters are not checked`,
    });
    return true;
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
