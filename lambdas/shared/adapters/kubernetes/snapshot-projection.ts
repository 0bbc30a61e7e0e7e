import type { z } from 'zod';
import { CONTROLLER_KEY, KubernetesSchemas as model, POD_IPS_ANNOTATION } from '#engine';

/**
 * What a snapshot keeps of an object: the engine's projection (its zod schema strips every field it does not
 * read), minus what the engine reads nowhere but the schema lets through. No pod container env, command, args
 * or image (only the aws-node DaemonSet's containers are read for those), no annotation but the pod IPs one, no
 * ConfigMap key but enable-network-policy-controller (and its mis-cased spellings, which a check reports).
 */
const PROJECTED_KINDS = [
  'Namespace',
  'Pod',
  'Service',
  'Node',
  'NetworkPolicy',
  'PolicyEndpoint',
  'ApplicationNetworkPolicy',
  'ClusterNetworkPolicy',
  'ClusterPolicyEndpoint',
  'DaemonSet',
  'ConfigMap',
] as const;
const PROJECTIONS = new Map<string, z.ZodType>(PROJECTED_KINDS.map((kind) => [kind, model[kind]]));

const REDACTED = '<redacted>';
/** Keys whose values may hold secrets, redacted in an object the engine cannot parse. */
const SECRET_BEARING_KEYS = new Set(['env', 'envFrom', 'annotations', 'data', 'binaryData', 'stringData']);

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keptAnnotations(kind: string, annotations: unknown): JsonObject | undefined {
  if (kind !== 'Pod' || !isObject(annotations)) return undefined;
  const podIps = annotations[POD_IPS_ANNOTATION];
  return podIps === undefined ? undefined : { [POD_IPS_ANNOTATION]: podIps };
}

function keptConfigMapData(data: unknown): JsonObject | undefined {
  if (!isObject(data)) return undefined;
  const kept = Object.entries(data).filter(([key]) => key.toLowerCase() === CONTROLLER_KEY);
  return Object.fromEntries(kept);
}

function withoutUnreadFields(kind: string, projected: JsonObject): JsonObject {
  const result: JsonObject = { ...projected };
  if (isObject(projected.metadata)) {
    const { annotations, ...metadata } = projected.metadata;
    const kept = keptAnnotations(kind, annotations);
    result.metadata = kept === undefined ? metadata : { ...metadata, annotations: kept };
  }
  if (kind === 'ConfigMap') {
    const data = keptConfigMapData(projected.data);
    if (data === undefined) delete result.data;
    else result.data = data;
  }
  if (kind === 'Pod' && isObject(projected.spec) && Array.isArray(projected.spec.containers)) {
    const containers: unknown[] = projected.spec.containers;
    result.spec = {
      ...projected.spec,
      containers: containers.map((container) =>
        isObject(container)
          ? { name: container.name, ...(container.ports === undefined ? {} : { ports: container.ports }) }
          : container,
      ),
    };
  }
  return result;
}

/**
 * Strings replaced, types kept: the engine then rejects the object for the same reason as in the live audit.
 * An empty string stays empty (a length check may be what fails).
 */
function redactValues(value: unknown): unknown {
  if (typeof value === 'string') return value === '' ? '' : REDACTED;
  if (Array.isArray(value)) return value.map(redactValues);
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redactValues(inner)]));
  return value;
}

function redactSecretBearing(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecretBearing);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'managedFields')
      .map(([key, inner]) => [key, SECRET_BEARING_KEYS.has(key) ? redactValues(inner) : redactSecretBearing(inner)]),
  );
}

/** The object as a snapshot stores it: `apiVersion` and `kind` first, then only what the engine reads. */
export function projectForSnapshot(object: unknown, apiVersion: string, kind: string): unknown {
  const schema = PROJECTIONS.get(kind);
  const parsed = schema?.safeParse(isObject(object) ? { ...object, kind } : object);
  if (parsed?.success === true && isObject(parsed.data))
    return { apiVersion, ...withoutUnreadFields(kind, parsed.data), kind };
  const redacted = redactSecretBearing(object);
  return isObject(redacted) ? { apiVersion, kind, ...redacted } : redacted;
}
