import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { parse } from '@aws-lambda-powertools/parser';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';

/** One Logger, Metrics and Tracer per function (module scope), configured by the POWERTOOLS_* environment. */
export const logger = new Logger();
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'EksNetpolAudit' });
export const tracer = new Tracer();

/** Wraps an SDK v3 client so each call is an X-Ray subsegment. */
export function traced<Client>(client: Client): Client {
  return tracer.captureAWSv3Client(client);
}

export interface Invocation<Input> {
  readonly input: Input;
  readonly context: Context;
}

/**
 * A handler body with Powertools around it: the input parsed with its zod schema (Powertools parser), the
 * Lambda context on every log line, a subsegment per invocation, the cold-start metric, metrics flushed and
 * keys reset at the end. Errors are logged and re-thrown with their `name`, which the workflow catches by.
 */
export function instrumented<Schema extends z.ZodType, Output>(
  name: string,
  schema: Schema,
  body: (invocation: Invocation<z.output<Schema>>) => Promise<Output>,
): (event: unknown, context: Context) => Promise<Output> {
  return async (event, context) => {
    logger.addContext(context);
    metrics.captureColdStartMetric();
    const segment = tracer.getSegment();
    const subsegment = segment?.addNewSubsegment(`## ${name}`);
    if (subsegment !== undefined) tracer.setSegment(subsegment);
    tracer.annotateColdStart();
    try {
      const input = parse(event, undefined, schema) as z.output<Schema>;
      return await body({ input, context });
    } catch (error) {
      logger.error('invocation failed', error as Error);
      tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      metrics.publishStoredMetrics();
      logger.resetKeys();
      if (subsegment !== undefined && segment !== undefined) {
        subsegment.close();
        tracer.setSegment(segment);
      }
    }
  };
}

export interface CountMetric {
  readonly name: string;
  readonly value: number;
}

/**
 * Publishes counts with the single dimension `Cluster` (no `service` dimension, no per-node or per-pod
 * dimension: each extra dimension value is another billed metric).
 */
export function publishClusterMetrics(cluster: string, values: readonly CountMetric[]): void {
  const clusterMetrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'EksNetpolAudit' });
  clusterMetrics.clearDefaultDimensions();
  clusterMetrics.addDimension('Cluster', cluster);
  for (const value of values) clusterMetrics.addMetric(value.name, MetricUnit.Count, value.value);
  clusterMetrics.publishStoredMetrics();
}
