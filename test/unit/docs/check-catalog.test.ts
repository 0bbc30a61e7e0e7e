import { readFileSync } from 'node:fs';
import { CHECK_CATALOG } from '#engine/checks-catalog';
import { renderCheckCatalog } from '#engine/report/render-check-catalog';

describe('check catalog', () => {
  it('has unique ids with a layer prefix', () => {
    const ids = CHECK_CATALOG.map((check) => check.id);
    expect(new Set(ids).size).toBe(ids.length);
    const prefixes = { input: 'INPUT-', config: 'CFG-', 'control-plane': 'CP-', node: 'NODE-' } as const;
    for (const check of CHECK_CATALOG) expect(check.id.startsWith(prefixes[check.layer])).toBe(true);
  });

  it('is what docs/checks.md documents (regenerate with npm run docs:checks)', () => {
    expect(readFileSync('docs/checks.md', 'utf8')).toBe(renderCheckCatalog(CHECK_CATALOG));
  });
});
