import { writeFileSync } from 'node:fs';
import { CHECK_CATALOG, renderCheckCatalog } from '#engine';

writeFileSync('docs/checks.md', renderCheckCatalog(CHECK_CATALOG));
process.stdout.write(`docs/checks.md: ${CHECK_CATALOG.length} checks\n`);
