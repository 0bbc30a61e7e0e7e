import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeOutputParseError, type Result } from '#engine/errors';

const FIXTURES = join(__dirname, '../../../../fixtures/node');

export function sample(name: string): string {
  return readFileSync(join(FIXTURES, 'samples', name), 'utf8');
}

export function seed(name: string): string {
  return readFileSync(join(FIXTURES, 'seed', name), 'utf8');
}

export interface AnnotatedBlock {
  readonly command: string | null;
  readonly comment: string;
  readonly output: string;
}

/**
 * Splits an annotated sample (`# comment`, `$ command`, then the output) into one block per output.
 * A bare `$` prompt ends a block (the command printed nothing).
 */
export function annotatedBlocks(text: string): AnnotatedBlock[] {
  const blocks: { command: string | null; comment: string[]; output: string[] }[] = [];
  let current = { command: null as string | null, comment: [] as string[], output: [] as string[] };
  const flush = (): void => {
    while (current.output.length > 0 && current.output.at(-1)?.trim() === '') current.output.pop();
    if (current.command !== null || current.output.length > 0) blocks.push(current);
    current = { command: null, comment: [], output: [] };
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) {
      if (current.output.some((l) => l.trim() !== '')) flush();
      current.comment.push(line.slice(1).trim());
    } else if (line.startsWith('$ ')) {
      if (current.command !== null || current.output.some((l) => l.trim() !== '')) flush();
      current.command = line.slice(2).trim();
    } else if (line.trim() === '$') {
      flush();
    } else if (current.command !== null || current.comment.length > 0 || line.trim() !== '') {
      current.output.push(line);
    }
  }
  flush();
  return blocks.map((b) => ({
    command: b.command,
    comment: b.comment.join(' '),
    output: b.output.length === 0 ? '' : `${b.output.join('\n')}\n`,
  }));
}

export function expectOk<T>(result: Result<T, NodeOutputParseError>): T {
  if (!result.ok) throw new Error(`expected a parse result, got ${result.error.message}`);
  return result.value;
}

export function expectParseError<T>(result: Result<T, NodeOutputParseError>): NodeOutputParseError {
  if (result.ok) throw new Error(`expected a NodeOutputParseError, got ${JSON.stringify(result.value)}`);
  expect(result.error).toBeInstanceOf(NodeOutputParseError);
  return result.error;
}

/** Narrows a union result to one `kind`, failing the test otherwise. */
export function ofKind<T extends { readonly kind: string }, K extends T['kind']>(
  value: T,
  kind: K,
): Extract<T, { kind: K }> {
  expect(value.kind).toBe(kind);
  if (value.kind !== kind) throw new Error(`expected kind ${kind}, got ${value.kind}`);
  return value as Extract<T, { kind: K }>;
}
