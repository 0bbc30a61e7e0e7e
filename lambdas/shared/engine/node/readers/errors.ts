import type { NodeOutputParseError } from '../../errors';
import type { CollectionError } from '../bundle';

/** Where the readers of one bundle record what went wrong, in the order the files are read. */
export interface BundleErrors {
  readonly parse: NodeOutputParseError[];
  readonly collection: CollectionError[];
}

/** Index of the first `cli-error` whose message contains `message`, or -1. */
export function knownCliError(errors: BundleErrors, message: string): number {
  return errors.collection.findIndex((e) => e.category === 'cli-error' && e.message.includes(message));
}

/** What a file that holds no usable output is: left by a timed-out collector step, or empty. */
export interface NotCollected {
  readonly category: 'timeout' | 'empty-output';
  readonly reason: string;
}

/** Index of the node.json error that says a collector step timed out (`<step>: timed out after 30s`), or -1. */
function timedOutStepIndex(errors: BundleErrors, steps: readonly string[]): number {
  return errors.collection.findIndex(
    (e) => e.category === 'timeout' && steps.some((step) => e.message.startsWith(`${step}:`)),
  );
}

/**
 * Whether the file a collector step wrote is unusable: the step timed out (its output is partial or empty, whatever
 * it parses as) or the file is empty. Output of a timed-out command is never compared: a cut-off list reads as drift.
 */
export function notCollected(errors: BundleErrors, steps: readonly string[], text: string): NotCollected | undefined {
  const timeout = timedOut(errors, steps);
  if (timeout !== undefined) return timeout;
  if (text.trim() === '') return { category: 'empty-output', reason: 'the file is empty' };
  return undefined;
}

/** Whether one of the collector `steps` timed out (for files whose empty output is a real state, such as tc's). */
export function timedOut(errors: BundleErrors, steps: readonly string[]): NotCollected | undefined {
  const timeout = errors.collection[timedOutStepIndex(errors, steps)];
  return timeout === undefined
    ? undefined
    : { category: 'timeout', reason: `the collector timed out (${timeout.message})` };
}

/** Records `error` in place of the step's node.json time-out, so the node gets one finding about it, not two. */
export function recordNotCollected(errors: BundleErrors, steps: readonly string[], error: CollectionError): void {
  const index = timedOutStepIndex(errors, steps);
  if (index === -1) errors.collection.push(error);
  else errors.collection[index] = error;
}
