import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliTerminal } from '../../support/run-cli';

const ESCAPE = '\u001b[';
/** Ends every coloured span (as opposed to the status line's erase, which is no colour). */
const RESET = '\u001b[0m';
const SEED_NODE = 'ip-172-31-103-129.ap-northeast-1.compute.internal';
const CLEAR_LINE = '\r\u001b[2K';
/** The report's `generatedAt` is the clock's: frozen so two runs can be compared byte for byte. */
const NOW = new Date('2026-12-07T10:00:00.000Z');
const NOT_DATE = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;
/** A terminal outside CI, colour not switched off by the environment running the tests. */
const TERMINAL: CliTerminal = { stdoutIsTTY: true, stderrIsTTY: true, env: { CI: undefined, NO_COLOR: undefined } };

describe('progress, --quiet, --verbose and colour', () => {
  let out: string;

  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'netpol-audit-output-'));
    jest.useFakeTimers({ now: NOW, doNotFake: [...NOT_DATE] });
  });

  afterEach(async () => {
    jest.useRealTimers();
    await rm(out, { recursive: true, force: true });
  });

  const jsonToStdout = (example: string, ...extra: string[]): string[] => [
    'audit',
    '--snapshot',
    `examples/${example}`,
    '--out',
    out,
    '--format',
    'json',
    '--output',
    '-',
    ...extra,
  ];

  it('keeps stdout of --format json byte-identical with and without --verbose / --quiet, on a terminal or not', async () => {
    const plain = await runCli(jsonToStdout('drift-cluster'));
    expect(plain.code).toBe(1);
    expect(JSON.parse(plain.stdout)).toMatchObject({ generatedAt: NOW.toISOString() });
    for (const [extra, terminal] of [
      [['--verbose'], {}],
      [['--quiet'], {}],
      [[], { ...TERMINAL, stdoutIsTTY: false }],
      [['--verbose'], TERMINAL],
      [['--quiet'], TERMINAL],
    ] as const) {
      const run = await runCli(jsonToStdout('drift-cluster', ...extra), terminal);
      expect(run.code).toBe(plain.code);
      expect(run.stdout).toBe(plain.stdout);
    }
  });

  it('shows passing progress on stderr only when it is a terminal outside CI', async () => {
    const tty = await runCli(jsonToStdout('seed-cluster'), { ...TERMINAL, stdoutIsTTY: false });
    expect(tty.stderr).toContain(CLEAR_LINE);
    expect(tty.stderr).toContain('netpol-audit: node layer: node 1/1 ip-172-31-103-129');
    expect(tty.stdout).not.toContain(ESCAPE);
    const ci = await runCli(jsonToStdout('seed-cluster'), {
      ...TERMINAL,
      stdoutIsTTY: false,
      env: { CI: 'true', NO_COLOR: undefined },
    });
    expect(ci.stderr).not.toContain('\r');
    expect(ci.stderr).not.toContain('node layer: node');
    const pipe = await runCli(jsonToStdout('seed-cluster'));
    expect(pipe.stderr).not.toContain('\r');
    expect(pipe.stderr).toContain('cluster seed-cluster'); // the summary moves to stderr when stdout has the report
  });

  it('--quiet writes nothing to stderr on the clean example, on a terminal too, and keeps the exit code', async () => {
    const loud = await runCli(jsonToStdout('seed-cluster'), TERMINAL);
    expect(loud.stderr).not.toBe('');
    for (const terminal of [{}, TERMINAL]) {
      const quiet = await runCli(jsonToStdout('seed-cluster', '--quiet'), terminal);
      expect(quiet.code).toBe(0);
      expect(quiet.stderr).toBe('');
    }
  });

  it('--quiet still writes errors and the reason for exit 1 to stderr', async () => {
    const missing = await runCli(['audit', '--snapshot', join(out, 'absent'), '--out', out, '--quiet']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('snapshot directory does not exist');
    const snapshot = join(out, 'seed-unparseable');
    await cp('examples/seed-cluster', snapshot, { recursive: true });
    await writeFile(join(snapshot, 'nodes', SEED_NODE, 'maps', '100.txt'), 'Key : \n');
    const unverified = await runCli(['audit', '--snapshot', snapshot, '--out', join(out, 'report'), '--quiet']);
    expect(unverified.code).toBe(1);
    expect(unverified.stderr).toContain('could not be verified (NODE-OUTPUT-UNPARSEABLE)');
  });

  it('--verbose prints timestamped lines naming what was read and each layer, into a pipe too', async () => {
    const run = await runCli(['audit', '--snapshot', 'examples/drift-cluster', '--out', out, '--verbose']);
    expect(run.code).toBe(1);
    const lines = run.stderr.split('\n').filter((line) => line !== '');
    for (const line of lines) expect(line).toMatch(/^2026-12-07T10:00:00\.000Z netpol-audit: /);
    const text = lines.join('\n');
    expect(text).toContain('reading snapshot examples/drift-cluster');
    expect(text).toContain('examples/drift-cluster/k8s: ');
    expect(text).toContain('node outputs from examples/drift-cluster/nodes/ip-10-0-1-25.eu-west-1.compute.internal');
    expect(text).toContain('reading node 2/2 ip-10-0-2-40.eu-west-1.compute.internal');
    expect(text).toContain('configuration layer');
    expect(text).toContain('control plane layer');
    expect(text).toContain('node layer: node 1/2 ip-10-0-1-25.eu-west-1.compute.internal');
    expect(text).toContain(`wrote ${join(out, 'report.json')}`);
    expect(text).not.toContain(ESCAPE);
  });

  it('--verbose says when a snapshot has no node outputs', async () => {
    const snapshot = join(out, 'seed-without-nodes');
    await cp('examples/seed-cluster/k8s', join(snapshot, 'k8s'), { recursive: true });
    const run = await runCli(['audit', '--snapshot', snapshot, '--out', out, '--verbose', '--fail-on', 'critical']);
    expect(run.stderr).toContain(`no ${join(snapshot, 'nodes')}: the node layer is not checked`);
    expect(run.stderr).toContain('node layer: not checked (no node outputs)');
  });

  it.each([
    ['audit', '--snapshot', 'examples/seed-cluster'],
    ['snapshot', '--kubeconfig', 'kubeconfig'],
  ])('%s: --quiet with --verbose is a usage error', async (...args) => {
    const run = await runCli([...args, '--out', out, '--quiet', '--verbose']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("option '--quiet' cannot be used with option '--verbose'");
    expect(run.stdout).toBe('');
  });

  describe('colour', () => {
    const table = (...extra: string[]): string[] => [
      'audit',
      '--snapshot',
      'examples/drift-cluster',
      '--out',
      out,
      '--format',
      'table',
      ...extra,
    ];

    it('colours the table by severity on a terminal', async () => {
      const run = await runCli(table(), TERMINAL);
      expect(run.stdout).toContain('\u001b[1;31mCRITICAL');
      expect(run.stdout).toContain('\u001b[33mMEDIUM');
    });

    it.each<[string, string[], CliTerminal]>([
      ['NO_COLOR=1', [], { ...TERMINAL, env: { CI: undefined, NO_COLOR: '1' } }],
      ['--no-color', ['--no-color'], TERMINAL],
    ])('%s: no colour on stdout or stderr', async (_case, extra, terminal) => {
      const run = await runCli(table(...extra), terminal);
      expect(run.stdout).toContain('CRITICAL');
      expect(run.stdout).not.toContain(ESCAPE);
      expect(run.stderr).toContain(CLEAR_LINE);
      expect(run.stderr).not.toContain(RESET);
    });

    it('stdout not a terminal: no colour in the table, while stderr (a terminal) may have it', async () => {
      const run = await runCli(table(), { ...TERMINAL, stdoutIsTTY: false });
      expect(run.stdout).toContain('CRITICAL');
      expect(run.stdout).not.toContain(ESCAPE);
      expect(run.stderr).toContain(RESET);
    });

    it('FORCE_COLOR colours the table in a pipe (force-color.org), never a file; NO_COLOR still turns it off', async () => {
      const pipe: CliTerminal = { stdoutIsTTY: false, stderrIsTTY: false, env: { CI: 'true', FORCE_COLOR: '1' } };
      expect((await runCli(table(), pipe)).stdout).toContain('\u001b[1;31mCRITICAL');
      const file = join(out, 'forced.txt');
      await runCli(table('--output', file), pipe);
      expect(await readFile(file, 'utf8')).not.toContain(ESCAPE);
      const off = await runCli(table(), { ...pipe, env: { ...pipe.env, NO_COLOR: '1' } });
      expect(off.stdout).not.toContain(ESCAPE);
      const zero = await runCli(table(), { ...pipe, env: { ...pipe.env, FORCE_COLOR: '0' } });
      expect(zero.stdout).not.toContain(ESCAPE);
    });

    it('an empty NO_COLOR does not turn colour off (no-color.org)', async () => {
      const run = await runCli(table(), { ...TERMINAL, env: { CI: undefined, NO_COLOR: '' } });
      expect(run.stdout).toContain('\u001b[1;31mCRITICAL');
    });

    it('never colours a file, json on a terminal or the report files', async () => {
      const file = join(out, 'table.txt');
      expect((await runCli(table('--output', file), TERMINAL)).code).toBe(1);
      expect(await readFile(file, 'utf8')).toContain('CRITICAL');
      expect(await readFile(file, 'utf8')).not.toContain(ESCAPE);
      const json = await runCli(jsonToStdout('drift-cluster'), TERMINAL);
      expect(json.stdout).not.toContain(ESCAPE);
      for (const name of ['report.json', 'report.md'])
        expect(await readFile(join(out, name), 'utf8')).not.toContain(ESCAPE);
    });

    it('colours an error on a terminal, and not with --no-color or NO_COLOR', async () => {
      const args = ['audit', '--snapshot', join(out, 'absent'), '--out', out];
      const coloured = await runCli(args, TERMINAL);
      expect(coloured.code).toBe(2);
      expect(coloured.stderr).toContain(CLEAR_LINE);
      expect(
        coloured.stderr.endsWith(
          `${CLEAR_LINE}\u001b[31mnetpol-audit: ${join(out, 'absent')}: snapshot directory does not exist${RESET}\n`,
        ),
      ).toBe(true);
      for (const [extra, terminal] of [
        [['--no-color'], TERMINAL],
        [[], { ...TERMINAL, env: { CI: undefined, NO_COLOR: '1' } }],
        [[], {}],
      ] as const) {
        const plain = await runCli([...args, ...extra], terminal);
        expect(plain.code).toBe(2);
        expect(plain.stderr).toContain('snapshot directory does not exist');
        expect(plain.stderr).not.toContain(RESET);
      }
    });
  });
});
