import { writeFileSync } from 'node:fs';
import { CHECK_CATALOG } from '../lambdas/shared/domain/checks-catalog';
import { renderCheckCatalog } from '../lambdas/shared/domain/report/render-check-catalog';

writeFileSync('docs/checks.md', renderCheckCatalog(CHECK_CATALOG));
process.stdout.write(`docs/checks.md: ${CHECK_CATALOG.length} checks\n`);
