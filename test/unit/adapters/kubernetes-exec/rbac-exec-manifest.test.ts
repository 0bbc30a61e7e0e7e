import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

const K8S = join(__dirname, '../../../../k8s');

const RbacObject = z.looseObject({
  kind: z.string(),
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
  rules: z.array(z.looseObject({ apiGroups: z.array(z.string()), resources: z.array(z.string()) })).optional(),
  roleRef: z.looseObject({ kind: z.string(), name: z.string() }).optional(),
  subjects: z.array(z.looseObject({ kind: z.string(), name: z.string() })).optional(),
});

function manifest(file: string): z.infer<typeof RbacObject>[] {
  return parseAllDocuments(readFileSync(join(K8S, file), 'utf8')).map((document) => RbacObject.parse(document.toJS()));
}

describe('k8s/rbac-exec.yaml', () => {
  const objects = manifest('rbac-exec.yaml');

  it('is one Role and one RoleBinding in kube-system, nothing cluster-wide', () => {
    // Assess
    expect(objects.map((object) => [object.kind, object.metadata.namespace])).toEqual([
      ['Role', 'kube-system'],
      ['RoleBinding', 'kube-system'],
    ]);
  });

  it('grants only pods/exec (create, and get for the WebSocket upgrade)', () => {
    // Assess
    expect(objects[0]?.rules).toEqual([{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] }]);
  });

  it('binds its Role to the group k8s/rbac.yaml binds', () => {
    // Prepare
    const readerGroups = manifest('rbac.yaml')
      .filter((object) => object.kind === 'ClusterRoleBinding')
      .flatMap((object) => object.subjects ?? [])
      .map((subject) => subject.name);
    // Assess
    expect(objects[1]?.roleRef).toMatchObject({ kind: 'Role', name: objects[0]?.metadata.name });
    expect(objects[1]?.subjects?.map((subject) => [subject.kind, subject.name])).toEqual([['Group', readerGroups[0]]]);
    expect(readerGroups).toEqual(['netpol-audit:auditors']);
  });
});
