import { readFileSync, writeFileSync } from 'node:fs';
import { NOT_CHECKED_CATALOG, renderNotCheckedCatalog, withNotCheckedSection } from '#engine';

const LIMITS = 'docs/limits.md';
writeFileSync(
  LIMITS,
  withNotCheckedSection(readFileSync(LIMITS, 'utf8'), renderNotCheckedCatalog(NOT_CHECKED_CATALOG)),
);
process.stdout.write(`${LIMITS}: ${NOT_CHECKED_CATALOG.length} kinds of "not checked"\n`);
