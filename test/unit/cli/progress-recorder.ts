import type { ProgressReporter } from '../../../lambdas/shared/cli/progress';

export interface Heard {
  readonly steps: string[];
  readonly details: string[];
  readonly notes: string[];
}

/** A ProgressReporter that keeps every line it was told, by kind. */
export function recorder(): { progress: ProgressReporter; heard: Heard } {
  const heard: Heard = { steps: [], details: [], notes: [] };
  return {
    heard,
    progress: {
      step: (message) => heard.steps.push(message),
      detail: (message) => heard.details.push(message),
      note: (message) => heard.notes.push(message),
      end: () => undefined,
    },
  };
}
