/**
 * Every error the engine or an adapter raises. The names are what a Lambda reports as its `errorType`, so the
 * workflow can `Catch` by name (lib/ imports `ERROR_NAMES` and nothing else of the runtime).
 */
export const ERROR_NAMES = [
  'InputError',
  'NodeOutputParseError',
  'UnknownEndpointError',
  'ClusterAccessError',
  'NodeCollectionError',
  'StoreError',
  'RunInputError',
  'ServiceConfigError',
  'AwsCallError',
] as const;
export type AuditErrorName = (typeof ERROR_NAMES)[number];

abstract class AuditError extends Error {
  abstract override readonly name: AuditErrorName;
}

/** Input that cannot be read at all (missing directory, unreadable file, invalid JSON). CLI exit code 2. */
export class InputError extends AuditError {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file === undefined ? message : `${file}: ${message}`);
  }
}

/** Node output that does not match any documented format; names the file and line. */
export class NodeOutputParseError extends AuditError {
  override readonly name = 'NodeOutputParseError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}

/** An explain endpoint that names no pod, Service or valid IP of the inventory. */
export class UnknownEndpointError extends AuditError {
  override readonly name = 'UnknownEndpointError';
  constructor(
    readonly endpoint: string,
    readonly reason: string,
  ) {
    super(`${endpoint}: ${reason}`);
  }
}

/** Why a cluster's API (EKS or Kubernetes) could not be read. */
export type ClusterAccessCause = 'unreachable' | 'forbidden' | 'not-found' | 'throttled' | 'failed';

/** The EKS or Kubernetes API of a cluster could not be read; the cluster is reported as not checked. */
export class ClusterAccessError extends AuditError {
  override readonly name = 'ClusterAccessError';
  constructor(
    readonly cluster: string,
    readonly failure: ClusterAccessCause,
    readonly detail: string,
  ) {
    super(`cluster ${cluster}: ${failure}: ${detail}`);
  }
}

/** A node collector (SSM, exec) could not run or its output could not be fetched. */
export class NodeCollectionError extends AuditError {
  override readonly name = 'NodeCollectionError';
  constructor(
    readonly node: string,
    readonly detail: string,
  ) {
    super(`node ${node}: ${detail}`);
  }
}

/** A report or snapshot store (directory, S3) could not be read or written. */
export class StoreError extends AuditError {
  override readonly name = 'StoreError';
  constructor(
    readonly location: string,
    readonly detail: string,
  ) {
    super(`${location}: ${detail}`);
  }
}

/** An audit run's input (a Step Functions execution input, CLI flags for a run) is invalid; names the field. */
export class RunInputError extends AuditError {
  override readonly name = 'RunInputError';
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

/** The service's deployment-time settings (Lambda environment, `SERVICE_CONFIG`) are invalid; names the variable. */
export class ServiceConfigError extends AuditError {
  override readonly name = 'ServiceConfigError';
  constructor(
    readonly variable: string,
    readonly detail: string,
  ) {
    super(`${variable}: ${detail}`);
  }
}

/** An AWS API call of the CLI (CloudFormation, Step Functions) failed or answered what the CLI cannot use. CLI exit code 2. */
export class AwsCallError extends AuditError {
  override readonly name = 'AwsCallError';
  constructor(
    readonly service: string,
    readonly operation: string,
    readonly detail: string,
  ) {
    super(`${service} ${operation}: ${detail}`);
  }
}

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };
