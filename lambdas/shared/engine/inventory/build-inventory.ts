import type { z } from 'zod';
import { EksAddon, EksCluster } from '../model/aws';
import type { ClusterInventory, UnavailableKind } from '../model/cluster';
import { findingOf, type Finding } from '../model/finding';
import type {
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
import { INPUT_DUPLICATE_OBJECT, INPUT_KIND_UNAVAILABLE, INPUT_MALFORMED_OBJECT } from './checks';
import {
  describeIssues,
  ListShape,
  located,
  projectObject,
  type Located,
  type Projected,
  type RecognisedObject,
} from './project-object';
import { arrayStream, objectStream, type ArrayStream, type ObjectStream } from './streamed-document';
import { uncollectedKinds, unreadableSingleObject } from './uncollected-kinds';

/** One decoded input document (a `kubectl get -o json` List or a single object) and where it came from. */
export interface KubernetesDocument {
  readonly source: string;
  readonly content: unknown;
}

export interface InventoryInput {
  readonly clusterName: string;
  readonly documents: readonly KubernetesDocument[];
  readonly eksCluster?: KubernetesDocument;
  readonly vpcCniAddon?: KubernetesDocument;
  readonly unavailableKinds?: readonly UnavailableKind[];
  /**
   * The input does not say which kinds were read (a hand-made snapshot without snapshot.json): a kind whose absence
   * would be a finding and of which it holds nothing is recorded as not collected (uncollected-kinds.ts).
   */
  readonly kindsReadUnknown?: boolean;
  /** DescribeAddon found no vpc-cni add-on (ClusterInventory.vpcCniAddonNotInstalled). */
  readonly vpcCniAddonNotInstalled?: boolean;
}

/** Flattens Lists (`List` from kubectl, `PodList` from the raw API whose items carry no kind) and bare JSON arrays. */
function* objectsOf(document: KubernetesDocument): Generator<Located> {
  if (Array.isArray(document.content)) {
    for (const [index, item] of document.content.entries()) yield located(`${document.source}#[${index}]`, item);
    return;
  }
  const list = ListShape.safeParse(document.content);
  if (list.success && list.data.kind.endsWith('List')) {
    const fallback = {
      ...(list.data.apiVersion === undefined ? {} : { apiVersion: list.data.apiVersion }),
      ...(list.data.kind === 'List' ? {} : { kind: list.data.kind.slice(0, -'List'.length) }),
    };
    for (const [index, item] of list.data.items.entries())
      yield located(`${document.source}#items[${index}]`, item, fallback);
    return;
  }
  yield located(document.source, document.content);
}

/** `DaemonSet` for `DaemonSetList` (empty or not); undefined for the kind-less `List` or a kind that is no list. */
function kindOfList(listKind: string): string | undefined {
  return listKind === 'List' || !listKind.endsWith('List') ? undefined : listKind.slice(0, -'List'.length);
}

function typedListKind(content: unknown): string | undefined {
  const list = ListShape.safeParse(content);
  return list.success ? kindOfList(list.data.kind) : undefined;
}

class InventoryBuilder {
  readonly findings: Finding[] = [];
  /** Kinds the input holds an object or a typed list of. */
  readonly kindsSeen = new Set<string>();
  /** The aws-node DaemonSet or amazon-vpc-cni ConfigMap, when it was given but malformed. */
  readonly unreadable: UnavailableKind[] = [];
  readonly ignoredKinds: Record<string, number> = {};
  private readonly seen = new Map<string, string>();
  readonly namespaces = new Map<string, Namespace>();
  readonly pods = new Map<string, Pod>();
  readonly services = new Map<string, Service>();
  readonly nodes = new Map<string, Node>();
  readonly networkPolicies = new Map<string, NetworkPolicy>();
  readonly policyEndpoints = new Map<string, PolicyEndpoint>();
  readonly applicationNetworkPolicies = new Map<string, ApplicationNetworkPolicy>();
  readonly clusterNetworkPolicies = new Map<string, ClusterNetworkPolicy>();
  readonly clusterPolicyEndpoints = new Map<string, ClusterPolicyEndpoint>();
  awsNodeDaemonSet: DaemonSet | undefined;
  vpcCniConfigMap: ConfigMap | undefined;

  add(located: Located): void {
    this.commit(projectObject(located));
  }

  /** Takes in what `projectObject` made of an object (the projection may run earlier than the commit). */
  commit(projected: Projected): void {
    switch (projected.outcome) {
      case 'ignored':
        this.countIgnored(projected.label);
        return;
      case 'malformed': {
        this.findings.push(projected.finding);
        this.kindsSeen.add(projected.finding.resource.kind);
        const unreadable = unreadableSingleObject(projected.finding.resource);
        if (unreadable !== undefined) this.unreadable.push(unreadable);
        return;
      }
      case 'object':
        this.store(projected.object, projected.source);
        return;
    }
  }

  private remember<T extends { kind: string; metadata: { name: string; namespace?: string | undefined } }>(
    map: Map<string, T>,
    object: T,
    source: string,
  ): void {
    const { name, namespace } = object.metadata;
    const key = namespace === undefined ? name : `${namespace}/${name}`;
    const identity = `${object.kind}/${key}`;
    const previous = this.seen.get(identity);
    if (previous !== undefined) {
      const resource = namespace === undefined ? { kind: object.kind, name } : { kind: object.kind, namespace, name };
      this.findings.push(
        findingOf(
          INPUT_DUPLICATE_OBJECT,
          resource,
          `${object.kind} ${key} appears in ${previous} and ${source}; using ${source}`,
        ),
      );
    }
    this.seen.set(identity, source);
    map.set(key, object);
  }

  private store(object: RecognisedObject, source: string): void {
    this.kindsSeen.add(object.kind);
    switch (object.kind) {
      case 'Namespace':
        this.remember(this.namespaces, object, source);
        return;
      case 'Node':
        this.remember(this.nodes, object, source);
        return;
      case 'Pod':
        this.remember(this.pods, object, source);
        return;
      case 'Service':
        this.remember(this.services, object, source);
        return;
      case 'NetworkPolicy':
        this.remember(this.networkPolicies, object, source);
        return;
      case 'PolicyEndpoint':
        this.remember(this.policyEndpoints, object, source);
        return;
      case 'ApplicationNetworkPolicy':
        this.remember(this.applicationNetworkPolicies, object, source);
        return;
      case 'ClusterNetworkPolicy':
        this.remember(this.clusterNetworkPolicies, object, source);
        return;
      case 'ClusterPolicyEndpoint':
        this.remember(this.clusterPolicyEndpoints, object, source);
        return;
      case 'DaemonSet':
        if (object.metadata.namespace === 'kube-system' && object.metadata.name === 'aws-node') {
          this.awsNodeDaemonSet = object;
        } else {
          this.countIgnored('apps/v1/DaemonSet');
        }
        return;
      case 'ConfigMap':
        if (object.metadata.namespace === 'kube-system' && object.metadata.name === 'amazon-vpc-cni') {
          this.vpcCniConfigMap = object;
        } else {
          this.countIgnored('v1/ConfigMap');
        }
        return;
    }
  }

  private countIgnored(label: string): void {
    this.ignoredKinds[label] = (this.ignoredKinds[label] ?? 0) + 1;
  }
}

function parseAwsObject<T>(
  document: KubernetesDocument | undefined,
  schema: z.ZodType<T>,
  wrapperKey: string,
  kind: string,
  findings: Finding[],
): T | undefined {
  if (document === undefined) return undefined;
  const content = document.content;
  const unwrapped =
    typeof content === 'object' && content !== null && wrapperKey in content
      ? (content as Record<string, unknown>)[wrapperKey]
      : content;
  const parsed = schema.safeParse(unwrapped);
  if (parsed.success) return parsed.data;
  findings.push(
    findingOf(
      INPUT_MALFORMED_OBJECT,
      { kind, name: document.source },
      `${document.source}: ${describeIssues(parsed.error)}; ignored`,
      {
        actual: { source: document.source },
      },
    ),
  );
  return undefined;
}

/**
 * Incremental form of `buildInventory` for sources that read page by page: each document is projected and
 * dropped as soon as it is added, so only the projected objects stay in memory. `finish()` gives exactly what
 * `buildInventory` would give for the same documents in the same order.
 */
/** Kinds whose CRD exists only on some clusters (CNI >= 1.21, Auto Mode): not installed means none exist. */
const OPTIONAL_KINDS: ReadonlySet<string> = new Set([
  'ApplicationNetworkPolicy',
  'ClusterNetworkPolicy',
  'ClusterPolicyEndpoint',
]);

function unavailableKindFinding(unavailable: UnavailableKind): Finding {
  const resource = { kind: unavailable.kind, name: '*' };
  if (unavailable.cause === 'not-installed' && OPTIONAL_KINDS.has(unavailable.kind)) {
    return findingOf(
      INPUT_KIND_UNAVAILABLE,
      resource,
      `${unavailable.kind}: ${unavailable.reason}; the cluster has none`,
      {
        severity: 'info',
      },
    );
  }
  const what = unavailable.cause === 'not-collected' ? 'was not collected' : 'could not be listed';
  return findingOf(
    INPUT_KIND_UNAVAILABLE,
    resource,
    `${unavailable.kind} ${what}: ${unavailable.reason}; checks that need it were not run`,
  );
}

/**
 * Objects in namespace/name order (keys are `namespace/name` or `name`), so the engine's output does not depend on
 * the order of the input files or of the API's lists.
 */
function sortedByIdentity<T>(objects: ReadonlyMap<string, T>): T[] {
  return [...objects.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, object]) => object);
}

export class InventoryAccumulator {
  private readonly builder = new InventoryBuilder();

  constructor(private readonly clusterName: string) {}

  addDocument(document: KubernetesDocument): void {
    const listKind = typedListKind(document.content);
    if (listKind !== undefined) this.builder.kindsSeen.add(listKind);
    for (const located of objectsOf(document)) this.builder.add(located);
  }

  /** A top-level JSON array read element by element (streamed-document.ts). */
  streamArray(source: string): ArrayStream {
    return arrayStream(source, (projected) => {
      this.builder.commit(projected);
    });
  }

  /** A top-level JSON object read member by member, its `items` element by element (streamed-document.ts). */
  streamObject(source: string): ObjectStream {
    return objectStream(
      source,
      (projected) => {
        this.builder.commit(projected);
      },
      (listKind) => {
        const kind = kindOfList(listKind);
        if (kind !== undefined) this.builder.kindsSeen.add(kind);
      },
    );
  }

  finish(extra: Omit<InventoryInput, 'clusterName' | 'documents'> = {}): ClusterInventory {
    const builder = this.builder;
    const findings = builder.findings;
    const eksCluster = parseAwsObject(extra.eksCluster, EksCluster, 'cluster', 'EksCluster', findings);
    const vpcCniAddon = parseAwsObject(extra.vpcCniAddon, EksAddon, 'addon', 'EksAddon', findings);
    const given = extra.unavailableKinds ?? [];
    const notRead = extra.kindsReadUnknown === true ? [...given, ...uncollectedKinds(builder.kindsSeen, given)] : given;
    for (const unavailable of notRead) findings.push(unavailableKindFinding(unavailable));
    // Already reported as INPUT-MALFORMED-OBJECT: listed for the checks that need them, without a second finding.
    const unavailableKinds = [...notRead, ...builder.unreadable];
    return {
      clusterName: eksCluster?.name ?? this.clusterName,
      namespaces: sortedByIdentity(builder.namespaces),
      pods: sortedByIdentity(builder.pods),
      services: sortedByIdentity(builder.services),
      nodes: sortedByIdentity(builder.nodes),
      networkPolicies: sortedByIdentity(builder.networkPolicies),
      policyEndpoints: sortedByIdentity(builder.policyEndpoints),
      applicationNetworkPolicies: sortedByIdentity(builder.applicationNetworkPolicies),
      clusterNetworkPolicies: sortedByIdentity(builder.clusterNetworkPolicies),
      clusterPolicyEndpoints: sortedByIdentity(builder.clusterPolicyEndpoints),
      ignoredKinds: builder.ignoredKinds,
      inputFindings: findings,
      unavailableKinds,
      ...(builder.awsNodeDaemonSet === undefined ? {} : { awsNodeDaemonSet: builder.awsNodeDaemonSet }),
      ...(builder.vpcCniConfigMap === undefined ? {} : { vpcCniConfigMap: builder.vpcCniConfigMap }),
      ...(eksCluster === undefined ? {} : { eksCluster }),
      ...(vpcCniAddon === undefined ? {} : { vpcCniAddon }),
      ...(vpcCniAddon === undefined && extra.vpcCniAddonNotInstalled === true ? { vpcCniAddonNotInstalled: true } : {}),
    };
  }
}

/** Classifies, validates and indexes decoded documents. Never throws on bad objects: they become findings. */
export function buildInventory(input: InventoryInput): ClusterInventory {
  const accumulator = new InventoryAccumulator(input.clusterName);
  for (const document of input.documents) accumulator.addDocument(document);
  return accumulator.finish({
    ...(input.eksCluster === undefined ? {} : { eksCluster: input.eksCluster }),
    ...(input.vpcCniAddon === undefined ? {} : { vpcCniAddon: input.vpcCniAddon }),
    ...(input.unavailableKinds === undefined ? {} : { unavailableKinds: input.unavailableKinds }),
    ...(input.kindsReadUnknown === undefined ? {} : { kindsReadUnknown: input.kindsReadUnknown }),
    ...(input.vpcCniAddonNotInstalled === undefined ? {} : { vpcCniAddonNotInstalled: input.vpcCniAddonNotInstalled }),
  });
}
