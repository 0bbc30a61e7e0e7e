import type { Disagreement, LayerName, LayerVerdict, Side, SideVerdict, Verdict } from './model';

/**
 * Deny if any side denies; unknown if any side is unknown; allow when every side allows. An allow is decided by the
 * destination's ingress side, unless only the other side names a decider (a hostNetwork side has none).
 */
export function combineSides(sides: readonly SideVerdict[], noSides: string): LayerVerdict {
  if (sides.length === 0) return { verdict: 'unknown', reason: noSides, sides };
  const deciding =
    sides.find((side) => side.verdict === 'deny') ??
    sides.find((side) => side.verdict === 'unknown') ??
    sides.find((side) => side.side === 'ingress' && side.decidedBy !== undefined) ??
    sides.find((side) => side.decidedBy !== undefined) ??
    sides.find((side) => side.side === 'ingress') ??
    sides[0];
  const verdict: Verdict = deciding?.verdict ?? 'unknown';
  const ordered = deciding === undefined ? sides : [deciding, ...sides.filter((side) => side !== deciding)];
  const reason = ordered.map((side) => `${side.side} of ${side.pod}: ${side.verdict} – ${side.reason}`).join(' | ');
  return {
    verdict,
    reason,
    ...(deciding?.decidedBy === undefined ? {} : { decidedBy: deciding.decidedBy }),
    sides,
  };
}

const LAYER_TEXT: Readonly<Record<LayerName, string>> = {
  intent: 'the policies (intent)',
  policyEndpoint: 'the PolicyEndpoints',
  kernel: 'the kernel maps',
};

const WHERE: Readonly<Record<string, string>> = {
  'intent>policyEndpoint': 'control plane: the PolicyEndpoints do not implement the policies',
  'policyEndpoint>kernel': 'node: the kernel state does not implement the PolicyEndpoints',
  'intent>kernel': 'end to end: the kernel state does not implement the policies',
};

function sideOf(layer: LayerVerdict, side: Side): SideVerdict | undefined {
  return layer.sides.find((candidate) => candidate.side === side);
}

function differ(a: Verdict | undefined, b: Verdict | undefined): boolean {
  return a !== undefined && b !== undefined && a !== 'unknown' && b !== 'unknown' && a !== b;
}

/**
 * Per side: intent vs PolicyEndpoints and PolicyEndpoints vs kernel; intent vs kernel only when the PE answer is
 * unknown (otherwise it follows from the other two).
 */
export function disagreements(layers: Readonly<Record<LayerName, LayerVerdict>>): Disagreement[] {
  const found: Disagreement[] = [];
  const sides = new Set<Side>(
    [...layers.intent.sides, ...layers.policyEndpoint.sides, ...layers.kernel.sides].map((s) => s.side),
  );
  for (const side of (['egress', 'ingress'] as const).filter((candidate) => sides.has(candidate))) {
    const verdicts = {
      intent: sideOf(layers.intent, side)?.verdict,
      policyEndpoint: sideOf(layers.policyEndpoint, side)?.verdict,
      kernel: sideOf(layers.kernel, side)?.verdict,
    };
    const pairs: [LayerName, LayerName][] = [
      ['intent', 'policyEndpoint'],
      ['policyEndpoint', 'kernel'],
    ];
    if (verdicts.policyEndpoint === 'unknown') pairs.push(['intent', 'kernel']);
    for (const [a, b] of pairs) {
      if (!differ(verdicts[a], verdicts[b])) continue;
      const pod = sideOf(layers[a], side)?.pod ?? '';
      found.push({
        between: [a, b],
        side,
        verdicts: { [a]: verdicts[a], [b]: verdicts[b] },
        description:
          `${side} of ${pod}: ${LAYER_TEXT[a]} ${verdicts[a] ?? ''} but ${LAYER_TEXT[b]} ${verdicts[b] ?? ''} ` +
          `(${WHERE[`${a}>${b}`] ?? ''})`,
      });
    }
  }
  return found;
}
