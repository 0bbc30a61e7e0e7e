import { layerProgressTimer } from '../../../lambdas/shared/cli/audit-progress';
import { colourAllowed } from '../../../lambdas/shared/cli/colour';
import {
  createProgress,
  inCi,
  progressModeOf,
  type ProgressReporter,
  type ProgressStream,
} from '../../../lambdas/shared/cli/progress';

class RecordingStream implements ProgressStream {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns = 100,
  ) {}

  write(text: string): boolean {
    this.text += text;
    return true;
  }
}

const CLOCK = (): Date => new Date('2026-12-07T10:00:00.000Z');

function reporterOn(
  stream: RecordingStream,
  flags: { quiet?: boolean; verbose?: boolean; color?: boolean },
  env: NodeJS.ProcessEnv = {},
): ProgressReporter {
  return createProgress(flags, { stream, env, clock: CLOCK });
}

function exercise(progress: ProgressReporter): void {
  progress.step('configuration layer');
  progress.detail('k8s/: 7 pods');
  progress.note('read eks:eu-west-1/prod');
  progress.end();
}

describe('choosing the progress reporter', () => {
  it.each([
    { isTTY: true, ci: false, quiet: false, verbose: false, mode: 'tty' },
    { isTTY: true, ci: true, quiet: false, verbose: false, mode: 'silent' },
    { isTTY: false, ci: false, quiet: false, verbose: false, mode: 'silent' },
    { isTTY: false, ci: true, quiet: false, verbose: true, mode: 'verbose' },
    { isTTY: true, ci: false, quiet: false, verbose: true, mode: 'verbose' },
    { isTTY: true, ci: false, quiet: true, verbose: false, mode: 'quiet' },
    { isTTY: false, ci: true, quiet: true, verbose: false, mode: 'quiet' },
  ] as const)('isTTY $isTTY, CI $ci, quiet $quiet, verbose $verbose: $mode', ({ mode, ...setting }) => {
    expect(progressModeOf(setting)).toBe(mode);
  });

  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['0', false],
    ['true', true],
    ['1', true],
    ['woodpecker', true],
  ])('CI=%p is CI: %p', (value, expected) => {
    expect(inCi(value === undefined ? {} : { CI: value })).toBe(expected);
  });
});

describe('the reporters', () => {
  it('on a terminal outside CI: one status line rewritten in place, cleared before a note and at the end', () => {
    const stream = new RecordingStream(true);
    exercise(reporterOn(stream, {}, { NO_COLOR: '1' }));
    expect(stream.text).toBe(
      '\r\u001b[2Knetpol-audit: configuration layer\r\u001b[2Knetpol-audit: read eks:eu-west-1/prod\n',
    );
  });

  it('cuts a status line to the terminal width, so it never wraps', () => {
    const stream = new RecordingStream(true, 30);
    reporterOn(stream, {}, { NO_COLOR: '1' }).step('node layer: node 1/3 ip-10-0-1-25.eu-west-1.compute.internal');
    expect(stream.text).toBe('\r\u001b[2Knetpol-audit: node layer: no…');
    expect(stream.text.replace('\r\u001b[2K', '')).toHaveLength(29);
  });

  it('in CI or a pipe: no progress, the notes only', () => {
    for (const [stream, env] of [
      [new RecordingStream(true), { CI: 'true' }],
      [new RecordingStream(false), {}],
    ] as const) {
      exercise(reporterOn(stream, {}, env));
      expect(stream.text).toBe('netpol-audit: read eks:eu-west-1/prod\n');
    }
  });

  it('--verbose: timestamped lines for steps and details, also into a pipe', () => {
    const stream = new RecordingStream(false);
    exercise(reporterOn(stream, { verbose: true }));
    expect(stream.text).toBe(
      [
        '2026-12-07T10:00:00.000Z netpol-audit: configuration layer',
        '2026-12-07T10:00:00.000Z netpol-audit:   k8s/: 7 pods',
        'netpol-audit: read eks:eu-west-1/prod',
        '',
      ].join('\n'),
    );
  });

  it('--quiet: nothing at all, on a terminal too', () => {
    const stream = new RecordingStream(true);
    exercise(reporterOn(stream, { quiet: true }));
    expect(stream.text).toBe('');
  });

  it('colours (dims) the status line only where colour is allowed', () => {
    const coloured = new RecordingStream(true);
    reporterOn(coloured, {}).step('configuration layer');
    expect(coloured.text).toContain('\u001b[2mnetpol-audit: configuration layer\u001b[0m');
    const off = new RecordingStream(true);
    reporterOn(off, { color: false }).step('configuration layer');
    expect(off.text).not.toContain('\u001b[2m');
  });
});

describe('colourAllowed', () => {
  it.each([
    [{ isTTY: true }, {}, undefined, true],
    [{ isTTY: true }, { NO_COLOR: '' }, undefined, true],
    [{ isTTY: true }, { NO_COLOR: '1' }, undefined, false],
    [{ isTTY: true }, { NO_COLOR: '0' }, undefined, false],
    [{ isTTY: true }, {}, false, false],
    [{ isTTY: false }, {}, undefined, false],
    [{}, {}, true, false],
    [{ isTTY: false }, { FORCE_COLOR: '1' }, undefined, true],
    [{}, { FORCE_COLOR: 'true' }, true, true],
    [{ isTTY: false }, { FORCE_COLOR: '0' }, undefined, false],
    [{ isTTY: false }, { FORCE_COLOR: 'false' }, undefined, false],
    [{ isTTY: false }, { FORCE_COLOR: '' }, undefined, false],
    [{ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' }, undefined, false],
    [{ isTTY: true }, { FORCE_COLOR: '1' }, false, false],
  ])('%p with %p and colour flag %p: %p', (target, env, flag, expected) => {
    expect(colourAllowed(target, env, flag)).toBe(expected);
  });
});

describe('layerProgressTimer', () => {
  it('names each layer once and each node as its phases begin, and runs every phase exactly once', () => {
    const steps: string[] = [];
    const progress: ProgressReporter = {
      step: (message) => steps.push(message),
      detail: () => undefined,
      note: () => undefined,
      end: () => undefined,
    };
    const timer = layerProgressTimer(progress, ['node-a', 'node-b']);
    const ran: string[] = [];
    for (const phase of [
      'configuration',
      'control-plane-resolve',
      'control-plane-diff',
      'node-parse',
      'node-expected',
      'node-compare',
      'node-parse',
      'node-expected',
      'node-compare',
    ] as const)
      expect(timer.time(phase, () => ran.push(phase))).toBe(ran.length);
    expect(ran).toHaveLength(9);
    expect(steps).toEqual([
      'configuration layer: add-on, aws-node, amazon-vpc-cni',
      'control plane layer: resolving what the controller must write',
      'control plane layer: comparing the PolicyEndpoints',
      'node layer: node 1/2 node-a',
      'node layer: node 2/2 node-b',
    ]);
  });
});
