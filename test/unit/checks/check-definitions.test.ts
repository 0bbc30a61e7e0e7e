import { existsSync, readFileSync } from 'node:fs';
import { CHECK_CATALOG } from '#engine/checks-catalog';
import * as configChecks from '#engine/config/checks';
import * as diffChecks from '#engine/control-plane/diff/checks';
import * as resolverChecks from '#engine/control-plane/resolver/checks';
import * as staticLimitChecks from '#engine/control-plane/static-limits/checks';
import * as inputChecks from '#engine/inventory/checks';
import { fillablePlaceholders, placeholdersOf, upstreamText, type CheckDefinition } from '#engine/model/check';
import { Finding, findingOf } from '#engine/model/finding';
import * as nodeChecks from '#engine/node/compare/checks';
import { fingerprintOf, withFingerprints } from '#engine/report/fingerprint';
import * as suppressChecks from '#engine/report/suppress-checks';
import * as uncheckedChecks from '#engine/report/unchecked';

const MODULES: readonly Record<string, unknown>[] = [
  configChecks,
  diffChecks,
  resolverChecks,
  staticLimitChecks,
  inputChecks,
  nodeChecks,
  uncheckedChecks,
  suppressChecks,
];

function isCheck(value: unknown): value is CheckDefinition {
  return typeof value === 'object' && value !== null && 'id' in value && 'emittedBy' in value;
}

/** Every exported check constant, with the name it is exported under. */
const EXPORTED: readonly (readonly [string, CheckDefinition])[] = MODULES.flatMap((module) =>
  Object.entries(module).flatMap(([name, value]) => (isCheck(value) ? [[name, value] as const] : [])),
);

const RESOURCE_FOR_SCOPE = {
  'cluster-wide': { kind: 'EksAddon', name: 'vpc-cni' },
  namespaced: { kind: 'NetworkPolicy', namespace: 'shop', name: 'allow-web' },
  'on-node': { kind: 'PodIdentifier', name: 'web-7d9f-shop', node: 'ip-10-0-1-23.ec2.internal' },
  'namespaced-on-node': { kind: 'Pod', namespace: 'shop', name: 'web-7d9f-abcde', node: 'ip-10-0-1-23.ec2.internal' },
} as const;

/** The source of a module with whitespace folded, so a call split over lines reads as one. */
function source(path: string): string {
  return readFileSync(path, 'utf8').replace(/\s+/g, ' ');
}

describe('check definitions', () => {
  it('name each constant after its id (CP-PE-MISSING is CP_PE_MISSING)', () => {
    for (const [name, check] of EXPORTED) expect([name, check.id.replace(/-/g, '_')]).toEqual([name, name]);
  });

  it('export every catalog entry under its own name, and nothing outside the catalog', () => {
    const exported = new Set(EXPORTED.map(([, check]) => check));
    for (const check of CHECK_CATALOG) expect([check.id, exported.has(check)]).toEqual([check.id, true]);
    const catalog = new Set(CHECK_CATALOG);
    for (const [name, check] of EXPORTED) expect([name, catalog.has(check)]).toEqual([name, true]);
  });

  it('use only placeholders the finding can fill for the resource the check reports on', () => {
    for (const check of CHECK_CATALOG) {
      const fillable = fillablePlaceholders(check);
      const used = placeholdersOf(`${check.remediation} ${check.verify}`);
      expect([check.id, used.filter((placeholder) => !fillable.has(placeholder))]).toEqual([check.id, []]);
    }
  });

  it('fill every placeholder of every check once the report binds the findings to the cluster', () => {
    for (const check of CHECK_CATALOG) {
      const placeholders = Object.fromEntries(check.placeholders.map((name) => [name, `${name}-value`]));
      const finding = findingOf(check, RESOURCE_FOR_SCOPE[check.resource], 'message', { placeholders });
      const [bound] = withFingerprints('prod-eu', [finding]);
      const text = `${bound?.remediation ?? ''} ${bound?.verify ?? ''}`;
      const unfilled = placeholdersOf(text).filter((name) => fillablePlaceholders(check).has(name));
      expect([check.id, unfilled]).toEqual([check.id, []]);
    }
  });

  it('give every check a remediation and a command that verifies it', () => {
    const command = /^(kubectl|aws|tc|ip|grep|\/opt\/cni\/bin\/aws-eks-na-cli) /;
    for (const check of CHECK_CATALOG) {
      expect([check.id, check.remediation.length > 20]).toEqual([check.id, true]);
      expect([check.id, command.test(check.verify)]).toEqual([check.id, true]);
    }
  });

  it('say plainly when a remediation that uses OVERWRITE changes enforcement', () => {
    for (const check of CHECK_CATALOG.filter((c) => c.remediation.includes('OVERWRITE'))) {
      expect([check.id, check.remediation]).toEqual([check.id, expect.stringContaining('changes enforcement')]);
    }
  });

  it('link upstream issues and pull requests instead of naming them in text', () => {
    for (const check of CHECK_CATALOG) {
      for (const link of check.upstream) {
        expect([check.id, link]).toEqual([
          check.id,
          expect.stringMatching(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/(issues|pull)\/\d+$/),
        ]);
      }
    }
  });

  it('name modules that really emit the check (the constant in a findingOf call or a check table)', () => {
    for (const [name, check] of EXPORTED) {
      for (const path of check.emittedBy) {
        expect([name, path, existsSync(path)]).toEqual([name, path, true]);
        const text = source(path);
        const inCall = new RegExp(`findingOf\\( ?(checks\\.)?${name}\\b`).test(text);
        const inTable = new RegExp(`\\w+: (checks\\.)?${name},`).test(text) && text.includes('findingOf(');
        expect([name, path, inCall || inTable]).toEqual([name, path, true]);
      }
    }
  });
});

describe('findings of a check', () => {
  const pod = RESOURCE_FOR_SCOPE['namespaced-on-node'];

  it('carry the remediation and verify command with the real names filled in', () => {
    const finding = findingOf(nodeChecks.NODE_FILTER_MISSING, pod, 'no filter', {
      placeholders: { veth: 'eni9c515deae49', hook: 'egress' },
    });
    expect(finding.verify).toContain('kubectl debug node/ip-10-0-1-23.ec2.internal');
    expect(finding.verify).toContain('tc filter show dev eni9c515deae49 egress');
    expect(finding.remediation).toContain('shop/web-7d9f-abcde');
  });

  it('get the cluster name when the report binds them to their cluster', () => {
    const finding = findingOf(configChecks.CFG_ADDON_NP_DISABLED, RESOURCE_FOR_SCOPE['cluster-wide'], 'disabled');
    expect(finding.remediation).toContain('--cluster-name {cluster}');
    const [bound] = withFingerprints('prod-eu', [finding]);
    expect(bound?.remediation).toContain('aws eks update-addon --cluster-name prod-eu --addon-name vpc-cni');
    expect(bound?.verify).not.toContain('{cluster}');
  });

  it('keep their fingerprint whatever the remediation and verify text says', () => {
    const finding = findingOf(nodeChecks.NODE_LPM_ENTRY_MISSING, pod, 'missing', { placeholders: { mapId: '93' } });
    expect(fingerprintOf('prod-eu', { ...finding, remediation: 'other', verify: 'other' })).toBe(
      fingerprintOf('prod-eu', finding),
    );
  });

  it('round-trip remediation and verify through the report schema', () => {
    const finding = findingOf(nodeChecks.NODE_LPM_ENTRY_MISSING, pod, 'missing', { placeholders: { mapId: '93' } });
    const parsed = Finding.parse(JSON.parse(JSON.stringify(finding)));
    expect(parsed.verify).toContain('aws-eks-na-cli ebpf dump-maps 93');
    expect(parsed.remediation).toBe(finding.remediation);
  });

  it('keep finding-level upstream hints and render the check links as owner/repo#n otherwise', () => {
    const placeholders = { veth: 'eni9c515deae49', hook: 'egress' };
    const finding = findingOf(nodeChecks.NODE_FILTER_MISSING, pod, 'm', { placeholders });
    expect(finding.upstreamIssue).toBe(upstreamText(nodeChecks.NODE_FILTER_MISSING.upstream));
    expect(finding.upstreamIssue).toBe('aws/aws-network-policy-agent#183');
    const hinted = findingOf(nodeChecks.NODE_FILTER_MISSING, pod, 'm', { placeholders, upstreamIssue: 'x/y#1' });
    expect(hinted.upstreamIssue).toBe('x/y#1');
  });

  it('need a value for every declared placeholder (checked by the compiler)', () => {
    // @ts-expect-error NODE-FILTER-MISSING declares {veth} and {hook}
    const unfilled = findingOf(nodeChecks.NODE_FILTER_MISSING, pod, 'm');
    // @ts-expect-error {hook} is missing
    findingOf(nodeChecks.NODE_FILTER_MISSING, pod, 'm', { placeholders: { veth: 'eni1' } });
    // @ts-expect-error CP-PE-ORPHAN declares {policyEndpoint}
    findingOf(diffChecks.CP_PE_ORPHAN, RESOURCE_FOR_SCOPE.namespaced, 'm');
    expect(unfilled.verify).toContain('tc filter show dev {veth} {hook}');
  });
});
