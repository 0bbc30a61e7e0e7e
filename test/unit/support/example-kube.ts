import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { KubeResponse, KubeTransport } from '#adapters/kubernetes/kube-transport';
import { READ_RESOURCES } from '#adapters/kubernetes/resources';

const Item = z.looseObject({
  kind: z.string().optional(),
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
});
const Document = z.union([z.looseObject({ items: z.array(z.unknown()) }), z.unknown()]);

function itemsOf(directory: string): z.infer<typeof Item>[] {
  const items: z.infer<typeof Item>[] = [];
  for (const file of readdirSync(join(directory, 'k8s')).sort()) {
    const content = Document.parse(JSON.parse(readFileSync(join(directory, 'k8s', file), 'utf8')));
    const list = z.looseObject({ items: z.array(z.unknown()) }).safeParse(content);
    for (const item of list.success ? list.data.items : [content]) {
      const parsed = Item.safeParse(item);
      if (parsed.success) items.push(parsed.data);
    }
  }
  return items;
}

/**
 * A Kubernetes API answering from an example snapshot directory (one page per list): the reader's fake for unit
 * tests. The scenario tier reads the real kube-apiserver instead. `providerIds` maps node names to EC2 ids.
 */
export function exampleKube(directory: string, providerIds: Readonly<Record<string, string>> = {}): KubeTransport {
  const items = itemsOf(directory).map((item) => {
    const instance = item.kind === 'Node' ? providerIds[item.metadata.name] : undefined;
    return instance === undefined ? item : { ...item, spec: { providerID: `aws:///eu-west-1a/${instance}` } };
  });
  const byPath = new Map<string, KubeResponse>();
  for (const resource of READ_RESOURCES) {
    const ofKind = items.filter((item) => item.kind === resource.kind);
    if (resource.mode === 'list') {
      byPath.set(`${resource.path}?limit=500`, {
        status: 200,
        body: { kind: `${resource.kind}List`, metadata: {}, items: ofKind },
      });
    } else {
      const named = ofKind.find(
        (item) => item.metadata.name === resource.name && item.metadata.namespace === resource.namespace,
      );
      if (named !== undefined) byPath.set(resource.path, { status: 200, body: named });
    }
  }
  byPath.set('/version', { status: 200, body: { gitVersion: 'v1.33.0' } });
  return {
    location: `example ${directory}`,
    get: (path) => Promise.resolve(byPath.get(path) ?? { status: 404, body: { message: `${path} not found` } }),
  };
}
