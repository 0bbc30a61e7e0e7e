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
