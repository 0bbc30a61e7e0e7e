import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Result } from '../errors';
import { ADDON_NODE_AGENT_KEYS, ADDON_TOP_LEVEL_KEYS } from '../facts/addon-keys';
import { closestKey } from './closest-key';

/** Add-on values are strings in the schema; YAML users often write bare booleans or numbers. */
const Scalar = z.union([z.string(), z.boolean(), z.number()]).transform(String).nullish();

const AddonValues = z.object({
  enableNetworkPolicy: Scalar,
  env: z.record(z.string(), Scalar).nullish(),
  nodeAgent: z
    .object({
      enabled: Scalar,
      enableIpv6: Scalar,
      enablePolicyEventLogs: Scalar,
      enableCloudWatchLogs: Scalar,
    })
    .nullish(),
});

export const ENFORCING_MODE_ENV = 'NETWORK_POLICY_ENFORCING_MODE';
export const BANDWIDTH_PLUGIN_ENV = 'ENABLE_BANDWIDTH_PLUGIN';

/** The keys of the add-on schema per object, to spot keys that differ only in case or are unknown. */
const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': ADDON_TOP_LEVEL_KEYS,
  nodeAgent: ADDON_NODE_AGENT_KEYS,
  env: [ENFORCING_MODE_ENV, BANDWIDTH_PLUGIN_ENV, 'ENABLE_IPv6', 'ENABLE_V4_EGRESS', 'VPC_CNI_VERSION'],
};

/** The objects whose every key is known; `env` takes any VPC CNI variable, so only case is checked there. */
const CLOSED_SCOPES = new Set(['', 'nodeAgent']);

export interface MisCasedKey {
  readonly path: string;
  readonly expected: string;
}

/** A key the add-on schema does not have, with the known key nearest to it. */
export interface UnknownKey {
  readonly path: string;
  readonly closest: string;
  readonly distance: number;
  readonly likelyTypo: boolean;
}

/** The user-set network-policy values of the add-on (raw strings; absent = not set = chart default). */
export interface AddonIntent {
  readonly format: 'json' | 'yaml' | 'empty';
  readonly enableNetworkPolicy: string | undefined;
  readonly enforcingMode: string | undefined;
  readonly bandwidthPlugin: string | undefined;
  readonly nodeAgentEnabled: string | undefined;
  readonly enableIpv6: string | undefined;
  readonly enablePolicyEventLogs: string | undefined;
  readonly enableCloudWatchLogs: string | undefined;
  readonly misCasedKeys: readonly MisCasedKey[];
  readonly unknownKeys: readonly UnknownKey[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface KeyProblems {
  readonly misCasedKeys: MisCasedKey[];
  readonly unknownKeys: UnknownKey[];
}

function keyProblemsOf(document: Record<string, unknown>): KeyProblems {
  const problems: KeyProblems = { misCasedKeys: [], unknownKeys: [] };
  const visit = (object: Record<string, unknown>, scope: string, actualPrefix: string): void => {
    const known = KNOWN_KEYS[scope] ?? [];
    const canonicalPrefix = scope === '' ? '' : `${scope}.`;
    for (const [key, value] of Object.entries(object)) {
      const canonical = known.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
      if (canonical === undefined) {
        const closest = CLOSED_SCOPES.has(scope) ? closestKey(key, known) : undefined;
        if (closest !== undefined) {
          problems.unknownKeys.push({
            path: `${actualPrefix}${key}`,
            closest: `${canonicalPrefix}${closest.key}`,
            distance: closest.distance,
            likelyTypo: closest.likelyTypo,
          });
        }
        continue;
      }
      if (canonical !== key)
        problems.misCasedKeys.push({ path: `${actualPrefix}${key}`, expected: `${canonicalPrefix}${canonical}` });
      if (scope === '' && isRecord(value) && KNOWN_KEYS[canonical] !== undefined) visit(value, canonical, `${key}.`);
    }
  };
  visit(document, '', '');
  return problems;
}

function parseDocument(text: string): Result<{ document: unknown; format: 'json' | 'yaml' }, string> {
  try {
    return { ok: true, value: { document: JSON.parse(text) as unknown, format: 'json' } };
  } catch {
    // Not JSON: YAML is the other documented format.
  }
  try {
    return { ok: true, value: { document: parseYaml(text, { logLevel: 'error' }) as unknown, format: 'yaml' } };
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    return { ok: false, error: `neither JSON nor YAML: ${reason}` };
  }
}

function emptyIntent(format: AddonIntent['format']): AddonIntent {
  return {
    format,
    enableNetworkPolicy: undefined,
    enforcingMode: undefined,
    bandwidthPlugin: undefined,
    nodeAgentEnabled: undefined,
    enableIpv6: undefined,
    enablePolicyEventLogs: undefined,
    enableCloudWatchLogs: undefined,
    misCasedKeys: [],
    unknownKeys: [],
  };
}

/** Parses the add-on `configurationValues` (JSON or YAML); a malformed string is an error result, never a throw. */
export function parseConfigurationValues(raw: string | null | undefined): Result<AddonIntent, string> {
  if (raw === undefined || raw === null || raw.trim() === '') return { ok: true, value: emptyIntent('empty') };
  const parsed = parseDocument(raw);
  if (!parsed.ok) return parsed;
  const { document, format } = parsed.value;
  if (document === null || document === undefined) return { ok: true, value: emptyIntent(format) };
  if (!isRecord(document))
    return { ok: false, error: `expected an object, got ${Array.isArray(document) ? 'an array' : typeof document}` };
  const values = AddonValues.safeParse(document);
  if (!values.success) {
    const issue = values.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    return { ok: false, error: `unexpected value${where}: ${issue?.message ?? 'invalid'}` };
  }
  const { enableNetworkPolicy, env, nodeAgent } = values.data;
  return {
    ok: true,
    value: {
      format,
      enableNetworkPolicy: enableNetworkPolicy ?? undefined,
      enforcingMode: env?.[ENFORCING_MODE_ENV] ?? undefined,
      bandwidthPlugin: env?.[BANDWIDTH_PLUGIN_ENV] ?? undefined,
      nodeAgentEnabled: nodeAgent?.enabled ?? undefined,
      enableIpv6: nodeAgent?.enableIpv6 ?? undefined,
      enablePolicyEventLogs: nodeAgent?.enablePolicyEventLogs ?? undefined,
      enableCloudWatchLogs: nodeAgent?.enableCloudWatchLogs ?? undefined,
      ...keyProblemsOf(document),
    },
  };
}
