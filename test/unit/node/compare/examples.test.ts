import { audit, DRIFT_NODE, DRIFT_UNCOLLECTED_NODE, loadExample, withCheck } from './support';

describe('node layer over the examples', () => {
  it('audits the seed example (troubleshooting article node) clean', async () => {
    // Prepare
    const seed = await loadExample('seed-cluster');
    // Act
    const outcome = audit(seed, seed.nodeOutputs);
    // Assess
    expect(seed.nodeOutputs).toHaveLength(1);
    expect(outcome.findings).toEqual([]);
    expect(outcome.notChecked).toEqual([]);
  });

  describe('drift example', () => {
    const planted: readonly [string, string, RegExp][] = [
      ['NODE-FILTER-PROGRAM-MISMATCH', 'web-6c9f8d7b5-k2x8p', /runs program 912, but .*pins program/],
      ['NODE-LPM-ENTRY-MISSING', 'api-7d4b9c6f8-shop', /lacks 10\.0\.1\.101\/32 \(pod shop\/web-6c9f8d7b5-k2x8p\)/],
      ['NODE-LPM-ENTRY-EXTRA', 'ledger-payments', /holds 10\.0\.1\.190\/32 \(pod batch\/report-export\)/],
      [
        'NODE-POD-STATE-MISMATCH',
        'coredns-5b8cc885bc-kube-system',
        /key 0 .* is 0 POLICIES_APPLIED, expected 1 DEFAULT_ALLOW/,
      ],
      ['NODE-MAP-UNMANAGED', 'report-batch', /reads map 287 with an empty "Map Name:"/],
      ['NODE-ORPHANED-PINS', 'checkout-5f7d9c8b6-shop', /no running pod/],
      ['NODE-VETH-NOT-FOUND', 'api-7d4b9c6f8-m3n5b', /host veth eni[0-9a-f]{11} .* is not on the node/],
      ['NODE-COLLECTION-FAILED', DRIFT_UNCOLLECTED_NODE, /aws-eks-na-cli not found/],
    ];

    it.each(planted)('detects %s on %s', async (checkId, name, message) => {
      // Prepare
      const drift = await loadExample('drift-cluster');
      // Act
      const found = withCheck(audit(drift, drift.nodeOutputs), checkId);
      // Assess
      expect(found.filter((finding) => finding.resource.name === name && message.test(finding.message))).toHaveLength(
        1,
      );
    });

    it('reports nothing beyond the planted drift (and the uncollected node is listed as not checked)', async () => {
      // Prepare
      const drift = await loadExample('drift-cluster');
      // Act
      const outcome = audit(drift, drift.nodeOutputs);
      // Assess
      const ids = outcome.findings.map((finding) => finding.checkId).sort();
      expect(ids).toEqual([...planted.map(([checkId]) => checkId), 'NODE-COLLECTION-INCOMPLETE'].sort());
      expect(outcome.findings.every((finding) => finding.layer === 'node' && finding.resource.node !== undefined)).toBe(
        true,
      );
      expect(outcome.findings.filter((f) => f.resource.node === DRIFT_NODE)).toHaveLength(7);
      expect(outcome.notChecked.map((entry) => entry.scope)).toEqual([`node ${DRIFT_UNCOLLECTED_NODE}`]);
    });
  });
});
