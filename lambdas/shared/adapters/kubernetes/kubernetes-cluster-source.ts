import { InventoryAccumulator } from '#engine';
import type { ClusterInventory, ClusterSource } from '#engine';
import type { KubernetesReader, ReadSummary } from './kubernetes-reader';

/**
 * The live `ClusterSource`: every page goes through the engine's projection as it arrives and is then dropped,
 * so memory holds the projected objects only, never the raw pages.
 */
export class KubernetesClusterSource implements ClusterSource {
  private lastSummary: ReadSummary | undefined;

  constructor(
    private readonly reader: KubernetesReader,
    private readonly clusterName: string,
  ) {}

  /** Request and object counts of the last read (for logs and metrics). */
  get summary(): ReadSummary | undefined {
    return this.lastSummary;
  }

  async readInventory(): Promise<ClusterInventory> {
    const accumulator = new InventoryAccumulator(this.clusterName);
    const summary = await this.reader.read({
      page: (_resource, page) => {
        accumulator.addDocument({ source: page.source, content: page.content });
      },
      object: (_resource, source, object) => {
        accumulator.addDocument({ source, content: object });
      },
    });
    this.lastSummary = summary;
    return accumulator.finish({ unavailableKinds: summary.unavailableKinds });
  }
}
