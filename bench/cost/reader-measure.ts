import { z } from 'zod';

/** out/reader.json: the audit-cluster work on the synthetic cluster (bench/cost/reader.ts). */
export const READER_FILE = 'out/reader.json';

export const ReaderMeasure = z.strictObject({
  pods: z.number().int().positive(),
  pages: z.number().int().positive(),
  apiJsonMb: z.number().nonnegative(),
  snapshotGzMb: z.number().nonnegative(),
  ms: z.number().nonnegative(),
  cpuMs: z.number().nonnegative(),
  heapLimitMb: z.number().positive(),
  msPerPod: z.number().nonnegative(),
  peakRssMb: z.number().positive(),
  baselineRssMb: z.number().positive(),
  nodesSkipped: z.number().int().nonnegative(),
  measuredAt: z.iso.datetime(),
});
export type ReaderMeasure = z.infer<typeof ReaderMeasure>;
