import { z } from 'zod';

export const FunctionName = z.enum([
  'plan',
  'audit-cluster',
  'collect-nodes',
  'command-status',
  'analyze-nodes',
  'publish',
]);
export type FunctionName = z.infer<typeof FunctionName>;

/** S3 request classes as billed: PUT, COPY, POST and LIST together; GET apart. */
export const S3RequestClass = z.enum(['put', 'get']);
export type S3RequestClass = z.infer<typeof S3RequestClass>;

/** What a request is repeated for: once per run, per cluster, per batch of ≤ 50 nodes, or per node. */
export const RequestScope = z.enum(['run', 'cluster', 'batch', 'node']);
export type RequestScope = z.infer<typeof RequestScope>;

const FunctionMeasure = z.strictObject({
  coldMs: z.number().nonnegative(),
  warmMs: z.number().nonnegative(),
  /** Log lines (Powertools JSON) and, apart, the EMF lines that carry the custom metrics. */
  logBytes: z.number().int().nonnegative(),
  metricBytes: z.number().int().nonnegative(),
});

/** out/local-runs.json: the handler chain measured locally (bench/cost/local-run.ts). */
export const LocalRuns = z.strictObject({
  source: z.string(),
  measuredAt: z.iso.datetime(),
  functions: z.record(FunctionName, FunctionMeasure),
  /** The S3 requests of one run of one cluster with one batch of one node, by who made them, class and scope. */
  s3Requests: z.array(
    z.strictObject({
      by: z.union([FunctionName, z.literal('node')]),
      requestClass: S3RequestClass,
      scope: RequestScope,
      count: z.number().int().positive(),
    }),
  ),
  keptReportBytes: z.number().int().nonnegative(),
  runDataBytes: z.number().int().nonnegative(),
  /** The gzipped tarball the example node uploads. */
  nodeBundleBytes: z.number().int().positive(),
});
export type LocalRuns = z.infer<typeof LocalRuns>;
