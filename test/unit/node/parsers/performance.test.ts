import { parseConntrackDump } from '../../../../lambdas/shared/domain/node/parsers/conntrack-map';
import { parseLpmMapDump } from '../../../../lambdas/shared/domain/node/parsers/lpm-map';
import { expectOk } from './support/fixtures';

function g3Dump(keys: number): string {
  const lines: string[] = [];
  for (let k = 0; k < keys; k++) {
    lines.push(`Key: 10.${k >> 8}.${k & 255}.0/24`);
    for (let s = 0; s < 3; s++) {
      lines.push(
        '-------------------',
        `Entry ${s}:`,
        'Protocol  - TCP',
        `StartPort - ${8000 + s}`,
        'EndPort   - 0',
        '-------------------',
      );
    }
    lines.push('*******************************');
  }
  lines.push('Done reading all entries');
  return `${lines.join('\n')}\n`;
}

function conntrackDump(entries: number): string {
  const lines: string[] = [];
  for (let k = 0; k < entries; k++) {
    lines.push(
      `Conntrack Key : Source IP - 10.0.${k >> 8}.${k & 255} Source port - ${1024 + k} Dest IP - 10.0.23.14 Dest port - 80 Protocol - 6 Owner IP - 10.0.23.14 Ifindex - 17`,
      'Value : ',
      'Conntrack Val -  5',
      '*******************************',
    );
  }
  lines.push('Done reading all entries');
  return `${lines.join('\n')}\n`;
}

/**
 * Best of several runs of on-CPU time (user + system), so a GC pause, a cold JIT or other processes competing
 * for the CPU do not decide the test.
 */
function bestMillis(run: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 10; i++) {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

describe('parser performance', () => {
  it('parses a 1,000-key LPM dump (3 slots per key) in well under 10 ms', () => {
    // Prepare
    const text = g3Dump(1000);
    // Act
    const millis = bestMillis(() => parseLpmMapDump(text, 'big.txt'));
    // Assess
    const dump = expectOk(parseLpmMapDump(text, 'big.txt'));
    expect(dump.kind === 'lpm-map' ? dump.entries.length : 0).toBe(1000);
    expect(millis).toBeLessThan(10);
  });

  it('parses 1,000 conntrack entries in under 10 ms', () => {
    // Prepare
    const text = conntrackDump(1000);
    // Act
    const millis = bestMillis(() => parseConntrackDump(text, 'ct.txt'));
    // Assess
    expect(millis).toBeLessThan(10);
  });

  it('does not backtrack on a pathological single line', () => {
    // Prepare
    const text = `Walking map: ${' '.repeat(50000)}(type=11,\n`;
    // Act
    const millis = bestMillis(() => parseLpmMapDump(text, 'p.txt'));
    // Assess
    expect(millis).toBeLessThan(50);
  });
});
