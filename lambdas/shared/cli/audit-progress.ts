import type { AuditPhase, PhaseTimer } from '#engine';
import type { ProgressReporter } from './progress';

const LAYER_STEPS: Readonly<Record<Exclude<AuditPhase, 'node-parse'>, string>> = {
  configuration: 'configuration layer: add-on, aws-node, amazon-vpc-cni',
  'control-plane-resolve': 'control plane layer: resolving what the controller must write',
  'control-plane-diff': 'control plane layer: comparing the PolicyEndpoints',
  'node-expected': '',
  'node-compare': '',
};

/**
 * Reports the engine's layers as they run, through the front door's timer hook (the engine keeps no clock and no
 * terminal). Node phases run once per node, in the order of the node outputs, each starting with its parse.
 */
export function layerProgressTimer(progress: ProgressReporter, nodeNames: readonly string[]): PhaseTimer {
  let previous: AuditPhase | undefined;
  let nodesStarted = 0;
  return {
    time<T>(phase: AuditPhase, run: () => T): T {
      if (phase === 'node-parse') {
        nodesStarted += 1;
        const name = nodeNames[nodesStarted - 1] ?? '';
        progress.step(`node layer: node ${String(nodesStarted)}/${String(nodeNames.length)} ${name}`);
      } else if (phase !== previous && LAYER_STEPS[phase] !== '') progress.step(LAYER_STEPS[phase]);
      previous = phase;
      return run();
    },
  };
}
