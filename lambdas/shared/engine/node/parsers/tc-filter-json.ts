import { z } from 'zod';
import { NodeOutputParseError, type Result } from '../../errors';
import type { TcFilter, TcFilterOutput } from '../model';
import { runParser } from './line-cursor';
import { nameTokenPresence, type TcParseOptions } from './tc-filter-text';

const uint = z.number().int().nonnegative();

const TcJsonProgram = z.object({
  id: uint,
  name: z.string().optional(),
  tag: z.string().optional(),
  jited: z.union([z.number(), z.boolean()]).optional(),
});

const TcJsonOptions = z.object({
  handle: z.string().regex(/^0x[0-9a-f]{1,8}$/i),
  bpf_name: z.string().optional(),
  'direct-action': z.boolean().optional(),
  not_in_hw: z.boolean().optional(),
  prog: TcJsonProgram.optional(),
});

const TcJsonFilter = z.object({
  protocol: z.string(),
  pref: uint,
  kind: z.string(),
  chain: uint.optional(),
  options: TcJsonOptions.optional(),
});

/** `tc -j filter show dev <veth> ingress|egress` (§1.4, §3.1). */
export const TcJsonFilterList = z.array(TcJsonFilter);

/** `tc -j filter show` JSON. Empty output and `[]` both mean no filters. */
export function parseTcFilterJson(
  text: string,
  fileName: string,
  options: TcParseOptions = {},
): Result<TcFilterOutput, NodeOutputParseError> {
  return runParser(() => readTcFilterJson(text, fileName, options));
}

function readTcFilterJson(text: string, fileName: string, options: TcParseOptions): TcFilterOutput {
  const hook = options.hook ?? null;
  const trimmed = text.trim();
  if (trimmed === '')
    return { kind: 'tc-filters', source: 'json', hook, chainHeaderCount: 0, filters: [], programNameToken: null };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'invalid JSON';
    throw new NodeOutputParseError(fileName, jsonErrorLine(text, reason), `invalid tc JSON: ${reason}`);
  }
  const parsed = TcJsonFilterList.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue === undefined ? '' : issue.path.map(String).join('.');
    throw new NodeOutputParseError(
      fileName,
      firstContentLine(text),
      `tc JSON does not match the filter schema at [${path}]: ${issue?.message ?? 'invalid'}`,
    );
  }
  const filters: TcFilter[] = [];
  let chainHeaderCount = 0;
  const line = firstContentLine(text);
  for (const entry of parsed.data) {
    const opts = entry.options;
    if (opts === undefined) {
      chainHeaderCount++;
      continue;
    }
    filters.push({
      line,
      protocol: entry.protocol,
      pref: entry.pref,
      kind: entry.kind,
      chain: entry.chain ?? null,
      handle: Number.parseInt(opts.handle.slice(2), 16),
      name: opts.bpf_name ?? null,
      directAction: opts['direct-action'] === true,
      notInHw: opts.not_in_hw === true,
      programId: opts.prog?.id ?? null,
      programName: opts.prog?.name ?? null,
      tag: opts.prog?.tag ?? null,
      jited: opts.prog?.jited === true || (typeof opts.prog?.jited === 'number' && opts.prog.jited !== 0),
    });
  }
  return {
    kind: 'tc-filters',
    source: 'json',
    hook,
    chainHeaderCount,
    filters,
    programNameToken: nameTokenPresence(filters),
  };
}

function firstContentLine(text: string): number {
  const lines = text.split('\n');
  const index = lines.findIndex((l) => l.trim() !== '');
  return index < 0 ? 1 : index + 1;
}

/** Line of a JSON.parse error when V8 reports a position, else the first content line. */
function jsonErrorLine(text: string, message: string): number {
  const match = /position (\d+)/.exec(message);
  if (match?.[1] === undefined) return firstContentLine(text);
  const offset = text.indexOf(text.trim()) + Number(match[1]);
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}
