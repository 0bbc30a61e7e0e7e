import fc from 'fast-check';
import { InventoryAccumulator, type ClusterInventory } from '#engine';

/** The document fed to the accumulator in pieces, as the streaming reader does: members, and `items` one by one. */
function streamed(content: unknown): ClusterInventory {
  const accumulator = new InventoryAccumulator('c');
  if (Array.isArray(content)) {
    const stream = accumulator.streamArray('k8s/x.json');
    for (const element of content as unknown[]) stream.element(element);
    return accumulator.finish();
  }
  if (typeof content !== 'object' || content === null) {
    accumulator.addDocument({ source: 'k8s/x.json', content });
    return accumulator.finish();
  }
  const stream = accumulator.streamObject('k8s/x.json');
  for (const [key, value] of Object.entries(content)) {
    if (key !== 'items' || !Array.isArray(value)) {
      stream.member(key, value);
      continue;
    }
    stream.beginItems();
    for (const item of value as unknown[]) stream.item(item);
  }
  if (!stream.end()) accumulator.addDocument({ source: 'k8s/x.json', content });
  return accumulator.finish();
}

function whole(content: unknown): ClusterInventory {
  const accumulator = new InventoryAccumulator('c');
  accumulator.addDocument({ source: 'k8s/x.json', content });
  return accumulator.finish();
}

const name = fc.constantFrom('a', 'b', 'c');
const item = fc.record(
  {
    apiVersion: fc.constantFrom('v1', 'apps/v1', 'networking.k8s.io/v1'),
    kind: fc.constantFrom('Pod', 'Namespace', 'Service', 'List', 'Node'),
    metadata: fc.record({ name, namespace: fc.constantFrom('shop', 'web') }, { requiredKeys: [] }),
    spec: fc.constant({ containers: [{ name: 'c' }] }),
  },
  { requiredKeys: [] },
);
const document = fc.oneof(
  fc.array(item, { maxLength: 4 }),
  item,
  fc.record(
    {
      apiVersion: fc.constantFrom('v1', 'apps/v1', 7),
      kind: fc.constantFrom('List', 'PodList', 'NamespaceList', 'Pod', 3),
      items: fc.oneof(fc.array(fc.oneof(item, fc.jsonValue()), { maxLength: 4 }), fc.jsonValue()),
      metadata: fc.constant({}),
    },
    { requiredKeys: [] },
  ),
);

describe('InventoryAccumulator.streamArray / streamObject', () => {
  it('gives exactly what addDocument gives for the whole document, whatever the key order (property)', () => {
    fc.assert(
      fc.property(document, fc.boolean(), (content, reversed) => {
        const reordered =
          reversed && typeof content === 'object' && !Array.isArray(content)
            ? (Object.fromEntries(Object.entries(content).reverse()) as unknown)
            : content;
        expect(streamed(reordered)).toEqual(whole(reordered));
      }),
      { numRuns: 400 },
    );
  });

  it('projects the kindless items of a PodList whose kind comes after them', () => {
    const content = { items: [{ metadata: { name: 'a', namespace: 'shop' } }], apiVersion: 'v1', kind: 'PodList' };

    const inventory = streamed(content);
    expect(inventory.pods.map((pod) => pod.metadata.name)).toEqual(['a']);
    expect(inventory).toEqual(whole(content));
  });

  it('asks for the whole document when the streamed items are not a List', () => {
    const stream = new InventoryAccumulator('c').streamObject('k8s/x.json');
    stream.member('kind', 'Pod');
    stream.beginItems();
    stream.item({ kind: 'Pod' });

    expect(stream.end()).toBe(false);
  });
});
