import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { assessConfiguration } from '#engine/config/index';
import type { EffectiveConfiguration, LayerOutcome } from '#engine/model/assessment';
import type { ClusterInventory } from '#engine/model/cluster';
import type { Finding } from '#engine/model/finding';
import type { RawNodeOutput } from '#engine/model/node-output';
import { auditNodeLayer } from '#engine/node/compare/index';

export const sha1Hex = (text: string): string => createHash('sha1').update(text).digest('hex');

export const EXAMPLES = join(__dirname, '../../../../examples');
export const SEED_NODE = 'ip-172-31-103-129.ap-northeast-1.compute.internal';
export const DRIFT_NODE = 'ip-10-0-1-25.eu-west-1.compute.internal';
export const DRIFT_UNCOLLECTED_NODE = 'ip-10-0-2-40.eu-west-1.compute.internal';

export interface Example {
  readonly inventory: ClusterInventory;
  readonly effective: EffectiveConfiguration;
  readonly nodeOutputs: readonly RawNodeOutput[];
}

const cache = new Map<string, Promise<Example>>();

export function loadExample(name: 'seed-cluster' | 'drift-cluster'): Promise<Example> {
  let loaded = cache.get(name);
  if (loaded === undefined) {
    loaded = (async () => {
      const snapshot = new SnapshotDirectory(join(EXAMPLES, name));
      const inventory = await snapshot.readInventory();
      return {
        inventory,
        effective: assessConfiguration(inventory).effective,
        nodeOutputs: await snapshot.readNodeOutputs(),
      };
    })();
    cache.set(name, loaded);
  }
  return loaded;
}

/** The example's node directory with `edit` applied to a copy of its files. */
export function editedNode(
  example: Example,
  nodeName: string,
  edit: (files: Map<string, string>) => void,
): RawNodeOutput {
  const raw = example.nodeOutputs.find((output) => output.nodeName === nodeName);
  if (raw === undefined) throw new Error(`no node ${nodeName}`);
  const files = new Map(raw.files);
  edit(files);
  return { ...raw, files };
}

export function audit(
  example: Example,
  nodeOutputs: readonly RawNodeOutput[],
  effective?: Partial<EffectiveConfiguration>,
): LayerOutcome {
  return auditNodeLayer({
    inventory: example.inventory,
    effective: { ...example.effective, ...effective },
    nodeOutputs,
    sha1Hex,
  });
}

export function withCheck(outcome: LayerOutcome, checkId: string): Finding[] {
  return outcome.findings.filter((finding) => finding.checkId === checkId);
}

export function fileOf(files: Map<string, string>, path: string): string {
  const text = files.get(path);
  if (text === undefined) throw new Error(`no file ${path}`);
  return text;
}

export function replaceIn(files: Map<string, string>, path: string, from: string | RegExp, to: string): void {
  const text = fileOf(files, path);
  const next = text.replace(from, to);
  if (next === text) throw new Error(`nothing replaced in ${path}`);
  files.set(path, next);
}
