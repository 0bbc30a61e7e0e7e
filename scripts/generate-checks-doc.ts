import { writeFileSync } from 'node:fs';
import { CHECK_CATALOG } from '#engine/checks-catalog';
import { renderCheckCatalog } from '#engine/report/render-check-catalog';

writeFileSync('docs/checks.md', renderCheckCatalog(CHECK_CATALOG));
process.stdout.write(`docs/checks.md: ${CHECK_CATALOG.length} checks\n`);
