import fc from 'fast-check';
import { LineCursor, runParser } from '#engine/node/parsers/line-cursor';
import { readLpmDumpFast } from '#engine/node/parsers/lpm-fast-path';
import { parseLpmMapDump, readLpmMapDump } from '#engine/node/parsers/lpm-map';
import { sample, seed } from './support/fixtures';

/** The line-based reader alone (what `parseLpmMapDump` falls back to). */
function tolerant(text: string): ReturnType<typeof parseLpmMapDump> {
  return runParser(() => readLpmMapDump(LineCursor.of('m.txt', text)));
}

interface Slot {
  readonly index: number;
  readonly protocol: string;
  readonly start: string;
  readonly end: string;
}

interface Entry {
  readonly cidr: string;
  readonly slots: readonly Slot[];
}

/** Mostly valid values, now and then one the CLI would not print. */
const mostly = <T>(valid: fc.Arbitrary<T>, odd: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 30, arbitrary: valid }, { weight: 1, arbitrary: odd });
const octet = mostly(fc.integer({ min: 0, max: 255 }).map(String), fc.constantFrom('256', '01', '00', '999'));
const prefix = mostly(
  fc.integer({ min: 0, max: 32 }).map((n) => `/${n}`),
  fc.constantFrom('', '/032', '/33', '/'),
);
const cidr = fc.tuple(octet, octet, octet, octet, prefix).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}${p}`);
const ipv6Cidr = fc.constantFrom('2600:1f14:abc:d300::7/128', 'fd00::/8', '::/0', '2600:1f14::1/200');
const port = mostly(fc.integer({ min: 0, max: 65535 }).map(String), fc.constantFrom('4294967296', '-1', '8 0', ''));
const protocol = mostly(
  fc.constantFrom('TCP', 'UDP', 'SCTP', 'ICMP', 'RESERVED', 'ANY PROTOCOL', 'UNKNOWN'),
  fc.constantFrom('ANY  PROTOCOL', 'GRE', ''),
);
const slot = fc.record({
  index: mostly(fc.integer({ min: 0, max: 23 }), fc.constantFrom(24, 99)),
  protocol,
  start: port,
  end: port,
});
const entry = (address: fc.Arbitrary<string>): fc.Arbitrary<Entry> =>
  fc.record({ cidr: address, slots: fc.array(slot, { maxLength: 3 }) });
const blank = fc.constantFrom(' ', '  ', '\t', ' \t ');

function renderG3(entries: readonly Entry[], gap: string): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    lines.push(`Key:${gap}${e.cidr}`);
    for (const s of e.slots) {
      lines.push(
        '-------------------',
        `Entry${gap}${s.index}:`,
        `Protocol  - ${s.protocol}`,
        `StartPort -${gap}${s.start}`,
        `EndPort   - ${s.end}`,
        '-------------------',
      );
    }
    lines.push('*******************************');
  }
  return [...lines, 'Done reading all entries'];
}

function renderG2(entries: readonly Entry[], gap: string, header: boolean): string[] {
  const lines: string[] = header ? ['Walking map:  (type=11, id=2211)'] : [];
  for (const e of entries) {
    lines.push(`Key : IP/Prefixlen -${gap}${e.cidr} `);
    for (const s of e.slots) {
      lines.push(
        '-------------------',
        `Value Entry :${gap}${s.index}`,
        `Protocol -  ${s.protocol}`,
        `StartPort -  ${s.start}`,
        `Endport -${gap}${s.end}`,
        '-------------------',
      );
    }
    lines.push('*******************************');
  }
  return [...lines, 'Done reading all entries'];
}

const edit = fc.oneof(
  fc.record({ at: fc.nat(), kind: fc.constant('drop' as const), text: fc.constant('') }),
  fc.record({
    at: fc.nat(),
    kind: fc.constant('insert' as const),
    text: fc.constantFrom(
      '',
      '   ',
      'Value :',
      'error reading NetworkPolicy entry: key not found',
      'Failed to execute the cmd - operation not permitted',
      'Walking map:  (type=11, id=1)',
      'Done reading all entries',
      '---',
      ' -------------------',
      '\u00a0',
    ),
  }),
  fc.record({
    at: fc.nat(),
    kind: fc.constant('suffix' as const),
    text: fc.constantFrom(' ', '\r', '\t', '\v', ':', 'x'),
  }),
);

function applyEdits(lines: readonly string[], edits: readonly EditValue[]): string[] {
  const out = [...lines];
  for (const e of edits) {
    const at = out.length === 0 ? 0 : e.at % out.length;
    if (e.kind === 'drop') out.splice(at, 1);
    else if (e.kind === 'insert') out.splice(at, 0, e.text);
    else out[at] = `${out[at] ?? ''}${e.text}`;
  }
  return out;
}

interface EditValue {
  readonly at: number;
  readonly kind: 'drop' | 'insert' | 'suffix';
  readonly text: string;
}

const dumpText = fc
  .tuple(
    fc.oneof(
      fc.tuple(fc.constant('G3' as const), fc.array(entry(cidr), { maxLength: 4 })),
      fc.tuple(fc.constant('G2' as const), fc.array(entry(mostly(cidr, ipv6Cidr)), { maxLength: 4 })),
    ),
    blank,
    fc.boolean(),
    fc.oneof(
      { weight: 1, arbitrary: fc.constant<readonly EditValue[]>([]) },
      { weight: 1, arbitrary: fc.array<EditValue>(edit, { minLength: 1, maxLength: 2 }) },
    ),
    fc.constantFrom('\n', '\r\n'),
    fc.constantFrom('', '\n', '\n\n  \n'),
  )
  .map(([[generation, entries], gap, header, edits, newline, tail]) => {
    const lines = generation === 'G3' ? renderG3(entries, gap) : renderG2(entries, gap, header);
    return `${applyEdits(lines, edits).join(newline)}${tail}`;
  });

describe('LPM dump fast path', () => {
  it.each([
    'aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.3.0-plus.txt',
    'aws-eks-na-cli_ebpf_dump-maps_egress_map.v1.3.0-plus.txt',
    'aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.0.7-v1.2.7.txt',
    'aws-eks-na-cli-v6_ebpf_dump-maps_ingress_map.v1.3.0-plus.txt',
  ])('reads the CLI sample %s exactly as the line-based reader does', (name) => {
    // Prepare
    const text = sample(name);

    // Act
    const fast = readLpmDumpFast(text, 'm.txt');

    // Assess
    const expected = tolerant(text);
    expect(expected.ok).toBe(true);
    expect(fast).toEqual(expected.ok ? expected.value : undefined);
  });

  it('leaves G1 dumps, read-error lines and CLI messages to the line-based reader', () => {
    // Prepare
    const g1 = sample('aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.0.1-v1.0.6.txt');
    const readError =
      'Key: 10.0.0.1/32\n*******************************\nerror reading NetworkPolicy entry: x\nDone reading all entries\n';
    const cliError = 'Failed to execute the cmd -  failed to get map FD: operation not permitted\n';

    // Act
    const declined = [g1, readError, cliError, 'No Entries found, Empty map\n'].map((t) => readLpmDumpFast(t, 'm.txt'));

    // Assess
    expect(declined).toEqual([undefined, undefined, undefined, undefined]);
    expect(parseLpmMapDump(readError, 'm.txt')).toEqual(tolerant(readError));
  });

  it('keeps the typed error of the line-based reader for a malformed dump', () => {
    // Prepare
    const text = seed('seed-article_dump-maps_93.as-published.txt');

    // Act
    const result = parseLpmMapDump(text, 'm.txt');

    // Assess
    expect(result.ok).toBe(false);
    expect(result).toEqual(tolerant(text));
  });

  it('agrees with the line-based reader on generated and damaged dumps (value, or error file, line and message)', () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(dumpText, (text) => {
        const expected = tolerant(text);
        const fast = readLpmDumpFast(text, 'm.txt');
        runs++;
        if (fast !== undefined) {
          taken++;
          expect(expected).toEqual({ ok: true, value: fast });
        }
        const actual = parseLpmMapDump(text, 'm.txt');
        if (expected.ok) expect(actual).toEqual(expected);
        else {
          expect(actual.ok).toBe(false);
          if (!actual.ok) {
            expect([actual.error.file, actual.error.line, actual.error.message]).toEqual([
              expected.error.file,
              expected.error.line,
              expected.error.message,
            ]);
          }
        }
      }),
      { numRuns: 3000 },
    );
    expect(taken).toBeGreaterThan(runs / 10);
  });

  it('takes the common CLI shapes without falling back', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            cidr: fc
              .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(32))
              .map((p) => `${p.slice(0, 4).join('.')}/${p[4]}`),
            slots: fc.array(
              fc.record({
                index: fc.nat(23),
                protocol: fc.constantFrom('TCP', 'UDP', 'ANY PROTOCOL'),
                start: fc.nat(65535).map(String),
                end: fc.nat(65535).map(String),
              }),
              { maxLength: 3 },
            ),
          }),
          { maxLength: 5 },
        ),
        fc.boolean(),
        (entries, g3) => {
          const text = `${(g3 ? renderG3(entries, ' ') : renderG2(entries, '  ', false)).join('\n')}\n`;
          const fast = readLpmDumpFast(text, 'm.txt');
          expect(fast?.entries.map((e) => e.cidr)).toEqual(entries.map((e) => e.cidr));
        },
      ),
    );
  });
});
