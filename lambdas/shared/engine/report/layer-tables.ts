import type { Layer } from '../model/finding';

/** A Markdown table cell: pipes escaped. */
export function tableCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Links to the modules that emit or produce an entry, relative to docs/. */
export function codeLinks(paths: readonly string[]): string {
  return paths.map((path) => `[${path.split('/').pop() ?? path}](../${path})`).join(', ');
}

export interface LayerTables<T> {
  readonly titles: Readonly<Record<Layer, string>>;
  /** `##` or `###`. */
  readonly heading: string;
  readonly columns: readonly string[];
  readonly row: (item: T) => readonly string[];
}

/** One heading and table per layer that has items, in the order of `titles`, each followed by a blank line. */
export function layerTables<T extends { readonly layer: Layer }>(
  items: readonly T[],
  tables: LayerTables<T>,
): string[] {
  const lines: string[] = [];
  for (const layer of Object.keys(tables.titles) as Layer[]) {
    const inLayer = items.filter((item) => item.layer === layer);
    if (inLayer.length === 0) continue;
    lines.push(
      `${tables.heading} ${tables.titles[layer]}`,
      '',
      `| ${tables.columns.join(' | ')} |`,
      `|${tables.columns.map(() => '---').join('|')}|`,
    );
    for (const item of inLayer) lines.push(`| ${tables.row(item).join(' | ')} |`);
    lines.push('');
  }
  return lines;
}
