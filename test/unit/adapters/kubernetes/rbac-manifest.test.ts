import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { READ_RESOURCES } from '#adapters/kubernetes/resources';

const Rule = z.object({
  apiGroups: z.array(z.string()),
  resources: z.array(z.string()),
  verbs: z.array(z.string()),
  resourceNames: z.array(z.string()).optional(),
});
const Manifest = z.object({
  kind: z.string(),
  metadata: z.object({ name: z.string(), namespace: z.string().optional() }),
  rules: z.array(Rule).optional(),
  roleRef: z.object({ kind: z.string(), name: z.string() }).optional(),
  subjects: z.array(z.object({ kind: z.string(), name: z.string(), apiGroup: z.string() })).optional(),
});

const documents = parseAllDocuments(readFileSync(join(__dirname, '../../../../k8s/rbac.yaml'), 'utf8')).map(
  (document) => Manifest.parse(document.toJS()),
);

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

function permissions(kind: string): string[] {
  return documents
    .filter((document) => document.kind === kind)
    .flatMap((document) =>
      (document.rules ?? []).flatMap((rule) =>
        rule.apiGroups.flatMap((group) =>
          rule.resources.flatMap((resource) =>
            rule.verbs.flatMap((verb) =>
              (rule.resourceNames ?? ['*']).map(
                (name) => `${document.metadata.namespace ?? '*'} ${verb} ${group}/${resource} ${name}`,
              ),
            ),
          ),
        ),
      ),
    )
    .sort();
}

describe('k8s/rbac.yaml', () => {
  it('the ClusterRole grants get/list on exactly the kinds the reader lists', () => {
    const expected = READ_RESOURCES.filter((resource) => resource.mode === 'list')
      .flatMap((resource) =>
        ['get', 'list'].map((verb) => `* ${verb} ${groupOf(resource.apiVersion)}/${resource.resource} *`),
      )
      .sort();
    expect(permissions('ClusterRole')).toEqual(expected);
  });

  it('the kube-system Role grants get on exactly the two objects the reader GETs by name', () => {
    const expected = READ_RESOURCES.flatMap((resource) =>
      resource.mode === 'get'
        ? [`${resource.namespace} get ${groupOf(resource.apiVersion)}/${resource.resource} ${resource.name}`]
        : [],
    ).sort();
    expect(permissions('Role')).toEqual(expected);
  });

  it('binds both to the auditors group and nothing else', () => {
    const bindings = documents.filter((document) => document.kind.endsWith('Binding'));
    expect(
      bindings.map((binding) => `${binding.kind} -> ${binding.roleRef?.kind}/${binding.roleRef?.name}`).sort(),
    ).toEqual([
      'ClusterRoleBinding -> ClusterRole/netpol-audit:reader',
      'RoleBinding -> Role/netpol-audit:vpc-cni-reader',
    ]);
    for (const binding of bindings)
      expect(binding.subjects).toEqual([
        { kind: 'Group', name: 'netpol-audit:auditors', apiGroup: 'rbac.authorization.k8s.io' },
      ]);
  });
});
