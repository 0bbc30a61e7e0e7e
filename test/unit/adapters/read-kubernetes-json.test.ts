import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonSplitter, JsonStructureError, type SplitHandler } from '#adapters/snapshot/json-splitter';
import { readKubernetesJson } from '#adapters/snapshot/read-kubernetes-json';
import { InputError, InventoryAccumulator, buildInventory, type ClusterInventory } from '#engine';

const SOURCE = 'k8s/pods.json';

const pod = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels: { app: 'web' } },
  spec: { containers: [{ name: 'c' }] },
  status: { phase: 'Running', podIP: '10.0.0.1' },
  ...extra,
});

/** Strings that a naive splitter gets wrong: brackets, quotes, escapes (one straddling a chunk), unicode. */
const TRICKY = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'tricky',
    namespace: 'shop',
    labels: { 'a]b': '}{', quote: 'say "hi" [x]', slash: '\\', slashes: '\\\\"', unicode: 'é ü 😀 ] }' },
    annotations: { empty: '', json: '{"items":[1,2]}', escapes: '\n\t\u0000\u2028' },
  },
  spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, name: 'h' }] }] },
  status: { phase: 'Running', podIP: '10.0.0.2' },
};

describe('readKubernetesJson: a k8s/*.json file read as a stream', () => {
  let directory: string;
  let path: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'stream-json-'));
    path = join(directory, 'pods.json');
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function streamed(bytes: string | Uint8Array, chunkSize?: number): Promise<ClusterInventory> {
    await writeFile(path, bytes);
    const accumulator = new InventoryAccumulator('c');
    await readKubernetesJson(path, SOURCE, accumulator, chunkSize);
    return accumulator.finish();
  }

  const whole = (text: string): ClusterInventory =>
    buildInventory({ clusterName: 'c', documents: [{ source: SOURCE, content: JSON.parse(text) as unknown }] });

  const documents: Record<string, unknown> = {
    'a kubectl List, items before kind': { apiVersion: 'v1', items: [pod('a'), TRICKY], kind: 'List', metadata: {} },
    'a raw PodList, kind first, items without kind': {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '1' },
      items: [{ metadata: { name: 'b', namespace: 'shop' }, spec: {}, status: {} }],
    },
    'a PodList whose kind comes after its kindless items': {
      items: [{ metadata: { name: 'b', namespace: 'shop' } }, pod('c')],
      apiVersion: 'v1',
      kind: 'PodList',
    },
    'a List with items not last and an empty items array': { kind: 'List', items: [], apiVersion: 'v1' },
    'a bare array': [pod('a'), TRICKY, { kind: 'List', apiVersion: 'v1', items: [pod('nested')] }],
    'a single object': pod('single'),
    'an object with items whose kind is not a List': { apiVersion: 'v1', kind: 'Pod', items: [pod('x')] },
    'an object with items and no kind': { items: [pod('x')] },
    'an object whose items is not an array': { apiVersion: 'v1', kind: 'List', items: { a: 1 } },
    'a List whose items are not objects': { apiVersion: 'v1', kind: 'List', items: [1, 'two', null, [pod('n')]] },
  };

  it.each(Object.entries(documents))('gives what the whole-file read gives: %s', async (_name, content) => {
    const text = JSON.stringify(content, null, 1);

    for (const chunkSize of [1, 2, 3, 7, 64, 1 << 20]) expect(await streamed(text, chunkSize)).toEqual(whole(text));
  });

  it('takes the last of duplicate keys, as JSON.parse does (whole-file read)', async () => {
    const text =
      '{"apiVersion":"v1","kind":"List","items":[{"kind":"Pod"}],"items":[' + JSON.stringify(pod('z')) + ']}';

    const inventory = await streamed(text, 5);
    expect(inventory).toEqual(whole(text));
    expect(inventory.pods.map((item) => item.metadata.name)).toEqual(['z']);
  });

  it('reads the seed example pods.json the same as the whole-file read', async () => {
    const text = await readFile(join('examples', 'seed-cluster', 'k8s', 'pods.json'), 'utf8');

    expect(await streamed(text, 1000)).toEqual(whole(text));
  });

  it('drops a UTF-8 byte order mark, even when the first chunk is shorter than the mark', async () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod('a')] });
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);

    expect(await streamed(bytes, 1)).toEqual(whole(text));
  });

  it('refuses a truncated List with an InputError naming the file (cuts spread over the file)', async () => {
    const text = JSON.stringify({ apiVersion: 'v1', items: [pod('a'), TRICKY], kind: 'List' });

    for (let length = 0; length < text.length; length += Math.ceil(text.length / 12)) {
      const reading = streamed(text.slice(0, length), 16);
      await expect(reading).rejects.toBeInstanceOf(InputError);
      await expect(reading).rejects.toThrow(/pods\.json: invalid JSON/);
    }
    await expect(streamed(text.slice(0, -1), 16)).rejects.toThrow(/pods\.json: invalid JSON \(unexpected end/);
  });

  it.each([
    ['a missing comma', '[{"kind":"Pod"} {"kind":"Pod"}]', /expected ',' or '\]'/],
    ['a trailing comma', '{"kind":"List","items":[{"kind":"Pod"},]}', /expected a value but found '\]'/],
    ['text after the document', '{"kind":"List","items":[]} x', /after the end of the JSON document/],
    ['a missing colon', '{"kind" "List"}', /expected ':'/],
    ['a broken item', '{"kind":"List","items":[{"kind":Pod}]}', /in the value that starts at byte 24/],
  ])('refuses invalid JSON by name: %s', async (_name, text, reason) => {
    const reading = streamed(text, 4);

    await expect(reading).rejects.toBeInstanceOf(InputError);
    await expect(reading).rejects.toThrow(/pods\.json: invalid JSON/);
    await expect(reading).rejects.toThrow(reason);
  });

  it('refuses invalid UTF-8 inside an item and between items by name', async () => {
    const inside = Buffer.concat([
      Buffer.from('{"kind":"List","items":[{"a":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}]}'),
    ]);
    await expect(streamed(inside, 8)).rejects.toThrow(/pods\.json: not valid UTF-8 text/);

    const between = Buffer.concat([Buffer.from('{"kind":"List","items":[{}'), Buffer.from([0xff]), Buffer.from(']}')]);
    await expect(streamed(between, 8)).rejects.toThrow(/pods\.json: not valid UTF-8 text/);
  });

  it('reads UTF-16 with a byte order mark (whole)', async () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod('a')] });
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

    expect(await streamed(bytes, 3)).toEqual(whole(text));
  });
});

describe('JsonSplitter: item boundaries at every byte', () => {
  /** What the splitter hands out, each piece parsed, in order. */
  function pieces(chunks: readonly Uint8Array[]): unknown[] {
    const seen: unknown[] = [];
    const parse = (bytes: Uint8Array): unknown => JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    const handler: SplitHandler = {
      arrayStart: () => seen.push('['),
      objectStart: () => seen.push('{'),
      element: (bytes) => seen.push(parse(bytes)),
      member: (key, value) => seen.push([parse(key), parse(value)]),
      itemsStart: () => seen.push('items['),
      item: (bytes) => seen.push(parse(bytes)),
      scalar: (bytes) => seen.push(parse(bytes)),
    };
    const splitter = new JsonSplitter(handler);
    for (const chunk of chunks) splitter.push(chunk);
    splitter.end();
    return seen;
  }

  const list = { apiVersion: 'v1', items: [TRICKY, 'a "string" ]', 42, true, null, [1, [2]]], kind: 'List' };

  it.each([
    ['a List', list],
    ['a bare array', [TRICKY, -1.5e3, 'x\\', {}]],
    ['a single object', TRICKY],
    ['a top-level string', 'a\\"b'],
    ['a top-level number', 12345],
  ])('%s split in two at every byte gives the same pieces', (_name, content) => {
    const bytes = Buffer.from(JSON.stringify(content, null, 2));
    const expected = pieces([bytes]);

    for (let cut = 0; cut <= bytes.length; cut += 1) {
      expect(pieces([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(expected);
    }
    expect(pieces([...bytes].map((byte) => Uint8Array.of(byte)))).toEqual(expected);
  });

  it('refuses every truncation at its end (every byte of a small List)', () => {
    const bytes = Buffer.from(JSON.stringify(list));

    for (let length = 0; length < bytes.length; length += 1) {
      expect(() => pieces([bytes.subarray(0, length)])).toThrow(JsonStructureError);
    }
  });

  it('splits a List into its members and items, and an array into its elements', () => {
    expect(pieces([Buffer.from('{"kind":"List","items":[{"a":"]"},2],"x":{"items":[3]}}')])).toEqual([
      '{',
      ['kind', 'List'],
      'items[',
      { a: ']' },
      2,
      ['x', { items: [3] }],
    ]);
    expect(pieces([Buffer.from(' [ "[" , {"b":"\\""} ] ')])).toEqual(['[', '[', { b: '"' }]);
  });

  /** What the splitter must hand out for a parsed value: its elements, or its members with `items` expanded. */
  function expectedPieces(value: unknown): unknown[] {
    if (Array.isArray(value)) return ['[', ...(value as unknown[])];
    if (typeof value !== 'object' || value === null) return [value];
    const seen: unknown[] = ['{'];
    for (const [key, member] of Object.entries(value)) {
      if (key === 'items' && Array.isArray(member)) seen.push('items[', ...(member as unknown[]));
      else seen.push([key, member]);
    }
    return seen;
  }

  it('splits any JSON value, at any cuts and indentation, into what JSON.parse gives (property)', () => {
    const document = fc.oneof(
      fc.jsonValue(),
      fc.record({ kind: fc.constant('List'), items: fc.array(fc.jsonValue()), metadata: fc.jsonValue() }),
    );
    fc.assert(
      fc.property(
        document,
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (value, indent, cuts) => {
          const bytes = Buffer.from(JSON.stringify(value, null, indent));
          const positions = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...positions].map((start, index) =>
            bytes.subarray(start, positions[index] ?? bytes.length),
          );
          expect(pieces(chunks)).toEqual(expectedPieces(JSON.parse(bytes.toString('utf8')) as unknown));
        },
      ),
      { numRuns: 300 },
    );
  });
});
