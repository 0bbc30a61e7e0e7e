import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { emptyHistory, explain, renderHtml, updateHistory, type AuditReport } from '#engine';
import { SnapshotDirectory } from '#adapters/snapshot/snapshot-directory';
import { exampleReport, REPO_ROOT } from '../../unit/report-formats/support/example-report';

jest.setTimeout(60_000);

// The Debian package `chromium` (scripts/install-node-test-deps.sh installs it).
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'out/test-artifacts/report-html');
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Six nightly runs in which the drift grows, four findings a night. */
function historyOf(report: AuditReport): ReturnType<typeof emptyHistory> {
  let history = emptyHistory(report.cluster.name);
  let previous: AuditReport | undefined;
  for (let day = 1; day <= 6; day += 1) {
    const findings = report.findings.slice(0, 4 * day);
    const bySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    for (const finding of findings) bySeverity[finding.severity] += 1;
    const summary = { ...report.summary, totalFindings: findings.length, bySeverity };
    const run = { ...report, generatedAt: `2026-11-2${day}T02:00:00.000Z`, findings, summary };
    history = updateHistory(history, run, previous);
    previous = run;
  }
  return history;
}

async function explanation(): Promise<ReturnType<typeof explain>> {
  const snapshot = new SnapshotDirectory(join(REPO_ROOT, 'examples/drift-cluster'));
  const inputs = {
    inventory: await snapshot.readInventory(),
    nodeOutputs: await snapshot.readNodeOutputs(),
    source: { kind: 'snapshot' as const, location: 'examples/drift-cluster' },
  };
  const web = inputs.inventory.pods.find((pod) => pod.metadata.name.startsWith('web-'));
  const api = inputs.inventory.pods.find((pod) => pod.metadata.name.startsWith('api-'));
  if (web === undefined || api === undefined) throw new Error('drift example lacks the web and api pods');
  return explain(inputs, {
    from: `${web.metadata.namespace}/${web.metadata.name}`,
    to: `${api.metadata.namespace}/${api.metadata.name}`,
    port: 8080,
  });
}

describe('report.html of the drift example in headless Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let report: AuditReport;
  const requests: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: run scripts/install-node-test-deps.sh (Debian package chromium)`);
    }
    report = await exampleReport('drift-cluster');
    profile = await mkdtemp(join(tmpdir(), 'netpol-audit-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1400, height: 1000 },
    });
    context.on('request', (request) => requests.push(request.url()));
    page = await context.newPage();
    await page.setContent(renderHtml(report, { history: historyOf(report), explanations: [await explanation()] }), {
      waitUntil: 'load',
    });
  });

  afterAll(async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });

  const visibleRows = async (): Promise<string[]> => {
    const rows = await page.locator('#findings tbody tr:visible').all();
    return Promise.all(rows.map(async (row) => (await row.getAttribute('data-check')) ?? ''));
  };

  it('shows the summary cards per layer and the key findings', async () => {
    const cards = await Promise.all(
      (await page.locator('.card').all()).map(async (card) => [
        await card.getAttribute('data-layer'),
        await card.locator('.count').innerText(),
      ]),
    );
    expect(cards).toEqual([
      ['input', String(report.summary.byLayer.input)],
      ['config', String(report.summary.byLayer.config)],
      ['control-plane', String(report.summary.byLayer['control-plane'])],
      ['node', String(report.summary.byLayer.node)],
    ]);
    expect(await visibleRows()).toHaveLength(report.findings.length);
    const text = await page.locator('#findings').innerText();
    expect(text).toContain('CFG-AGENT-VERSION-SKEW');
    expect(text).toContain('NetworkPolicy payments/ledger-ingress');
    expect(text).toContain('NODE-LPM-ENTRY-MISSING');
  });

  it('filters the findings by layer, severity, namespace and check, and counts what is shown', async () => {
    await page.selectOption('#filter-layer', 'node');
    const node = await visibleRows();
    expect(node.length).toBe(report.summary.byLayer.node);
    expect(await page.locator('#shown-count').innerText()).toBe(String(node.length));
    await page.selectOption('#filter-severity', 'high');
    const nodeHigh = report.findings.filter((f) => f.layer === 'node' && f.severity === 'high').map((f) => f.checkId);
    expect(await visibleRows()).toEqual(nodeHigh);
    await page.selectOption('#filter-layer', '');
    await page.selectOption('#filter-severity', '');
    await page.selectOption('#filter-namespace', 'payments');
    expect(await visibleRows()).toEqual(
      report.findings.filter((f) => f.resource.namespace === 'payments').map((f) => f.checkId),
    );
    await page.selectOption('#filter-namespace', '');
    await page.selectOption('#filter-check', 'CP-PE-MISSING');
    expect(await visibleRows()).toEqual(['CP-PE-MISSING']);
    await page.selectOption('#filter-check', '');
    expect(await visibleRows()).toHaveLength(report.findings.length);
  });

  it('puts the three layers of each policy side by side and highlights the layer that differs', async () => {
    const ledger = page.locator('.policy[data-policy="payments/ledger-ingress"] .layers > div');
    expect(await ledger.count()).toBe(3);
    expect(await ledger.nth(1).getAttribute('class')).toBe('differs');
    expect(await ledger.nth(1).innerText()).toContain('CP-PE-MISSING');
    const partners = page.locator('.policy[data-policy="shop/web-egress-partners"] .layers > div');
    expect(await partners.nth(1).getAttribute('class')).toBe('agrees');
  });

  it('shows the explain result and the trend chart of the history', async () => {
    expect(await page.locator('#explain tbody tr').count()).toBe(1);
    expect(await page.locator('#explain').innerText()).toMatch(/allow|deny|unknown/);
    expect(await page.locator('#trend polyline').count()).toBe(3);
    expect(await page.locator('#trend h2').innerText()).toBe('Trend: last 6 run(s)');
  });

  it('sends no request anywhere and saves a screenshot as a test artifact', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const screenshot = await page.screenshot({ path: join(ARTIFACTS, 'drift-report.png'), fullPage: false });
    expect(screenshot.byteLength).toBeGreaterThan(10_000);
    expect(requests).toEqual([]);
  });
});
