import { z } from 'zod';
import { findingOf, type Finding } from '../model/finding';
import {
  ApplicationNetworkPolicy,
  ClusterNetworkPolicy,
  ClusterPolicyEndpoint,
  ConfigMap,
  DaemonSet,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  PolicyEndpoint,
  Service,
} from '../model/kubernetes';
import { INPUT_MALFORMED_OBJECT } from './checks';

const AWS_GROUP = 'networking.k8s.aws';

type Recognised =
  | { kind: 'Namespace'; schema: typeof Namespace }
  | { kind: 'Pod'; schema: typeof Pod }
  | { kind: 'Service'; schema: typeof Service }
  | { kind: 'Node'; schema: typeof Node }
  | { kind: 'NetworkPolicy'; schema: typeof NetworkPolicy }
  | { kind: 'PolicyEndpoint'; schema: typeof PolicyEndpoint }
  | { kind: 'ApplicationNetworkPolicy'; schema: typeof ApplicationNetworkPolicy }
  | { kind: 'ClusterNetworkPolicy'; schema: typeof ClusterNetworkPolicy }
  | { kind: 'ClusterPolicyEndpoint'; schema: typeof ClusterPolicyEndpoint }
  | { kind: 'DaemonSet'; schema: typeof DaemonSet }
  | { kind: 'ConfigMap'; schema: typeof ConfigMap };

/** apiVersion group ('' for core) + kind → schema. Same-named kinds of other groups are ignored. */
const RECOGNISED = new Map<string, Recognised>([
  ['/Namespace', { kind: 'Namespace', schema: Namespace }],
  ['/Pod', { kind: 'Pod', schema: Pod }],
  ['/Service', { kind: 'Service', schema: Service }],
  ['/Node', { kind: 'Node', schema: Node }],
  ['/ConfigMap', { kind: 'ConfigMap', schema: ConfigMap }],
  ['apps/DaemonSet', { kind: 'DaemonSet', schema: DaemonSet }],
  ['networking.k8s.io/NetworkPolicy', { kind: 'NetworkPolicy', schema: NetworkPolicy }],
  [`${AWS_GROUP}/PolicyEndpoint`, { kind: 'PolicyEndpoint', schema: PolicyEndpoint }],
  [`${AWS_GROUP}/ApplicationNetworkPolicy`, { kind: 'ApplicationNetworkPolicy', schema: ApplicationNetworkPolicy }],
  [`${AWS_GROUP}/ClusterNetworkPolicy`, { kind: 'ClusterNetworkPolicy', schema: ClusterNetworkPolicy }],
  [`${AWS_GROUP}/ClusterPolicyEndpoint`, { kind: 'ClusterPolicyEndpoint', schema: ClusterPolicyEndpoint }],
]);

export const TypeMeta = z.object({ apiVersion: z.string().optional(), kind: z.string().optional() }).loose();
export const ListShape = z.object({ kind: z.string(), apiVersion: z.string().optional(), items: z.array(z.unknown()) });
const ItemIdentity = z
  .object({ metadata: z.object({ name: z.string().optional(), namespace: z.string().optional() }).loose().optional() })
  .loose();

function groupOf(apiVersion: string | undefined): string {
  if (apiVersion === undefined || !apiVersion.includes('/')) return '';
  return apiVersion.slice(0, apiVersion.indexOf('/'));
}

export interface Located {
  readonly source: string;
  readonly object: unknown;
  readonly apiVersion: string | undefined;
  readonly kind: string | undefined;
}

export function located(
  source: string,
  object: unknown,
  fallback: { apiVersion?: string; kind?: string } = {},
): Located {
  const meta = TypeMeta.safeParse(object);
  return {
    source,
    object,
    apiVersion: (meta.success ? meta.data.apiVersion : undefined) ?? fallback.apiVersion,
    kind: (meta.success ? meta.data.kind : undefined) ?? fallback.kind,
  };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length === 0 ? '<root>' : issue.path.join('.')}: ${issue.message}`)
    .join('; ');
}

function identityOf(object: unknown): { name: string; namespace?: string } {
  const parsed = ItemIdentity.safeParse(object);
  const metadata = parsed.success ? parsed.data.metadata : undefined;
  const identity: { name: string; namespace?: string } = { name: metadata?.name ?? '<unnamed>' };
  if (metadata?.namespace !== undefined) identity.namespace = metadata.namespace;
  return identity;
}

export type RecognisedObject = z.infer<Recognised['schema']>;

/** What one object becomes: a projected object, an ignored kind, or a finding that it is malformed. */
export type Projected =
  | { readonly outcome: 'object'; readonly object: RecognisedObject; readonly source: string }
  | { readonly outcome: 'ignored'; readonly label: string }
  | { readonly outcome: 'malformed'; readonly finding: Finding };

function malformed(
  located: Located,
  reason: string,
  resource: { kind: string; name: string; namespace?: string },
): Projected {
  const finding = findingOf(INPUT_MALFORMED_OBJECT, resource, `${located.source}: ${reason}; the object was skipped`, {
    actual: { source: located.source, reason },
  });
  return { outcome: 'malformed', finding };
}

/** Classifies and validates one object; keeps only the fields the engine reads (the schemas' projection). */
export function projectObject(located: Located): Projected {
  const recognised =
    located.kind === undefined ? undefined : RECOGNISED.get(`${groupOf(located.apiVersion)}/${located.kind}`);
  if (recognised === undefined) {
    if (located.kind === undefined)
      return malformed(located, 'the object has no kind', { kind: '<unknown>', ...identityOf(located.object) });
    return {
      outcome: 'ignored',
      label: located.apiVersion === undefined ? located.kind : `${located.apiVersion}/${located.kind}`,
    };
  }
  const parsed = recognised.schema.safeParse({ ...(located.object as object), kind: recognised.kind });
  if (!parsed.success)
    return malformed(located, describeIssues(parsed.error), { kind: recognised.kind, ...identityOf(located.object) });
  return { outcome: 'object', object: parsed.data, source: located.source };
}
