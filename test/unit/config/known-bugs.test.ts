import fc from 'fast-check';
import { BUG_CHECKS } from '#engine/config/check-known-bugs';
import { shippedAgentFor } from '#engine/facts/agent-compatibility';
import { KNOWN_BUGS } from '#engine/facts/known-bugs';
import { versionAtLeast, versionIn } from '#engine/facts/version';
import type { ClusterInventory } from '#engine/model/cluster';
import {
  assess,
  awsNodeDaemonSet,
  eksCluster,
  healthyInventory,
  onlyFinding,
  pod,
  policyEndpoint,
  skippedScopes,
} from './fixtures';

/** The findings of one check, from the configuration layer's assessment of `inventory`. */
function findingsOfCheck(inventory: ClusterInventory, checkId: string) {
  return assess(inventory).findings.filter((finding) => finding.checkId === checkId);
}

const BUG_IDS = ['CFG-AGENT-BUG-ATTACH-KEY', 'CFG-AGENT-BUG-DOTTED-POD-NAME', 'CFG-AGENT-BUG-EXCEPT'];

function withAgent(tag: string, parts: Partial<ClusterInventory> = {}): ClusterInventory {
  return healthyInventory({ awsNodeDaemonSet: awsNodeDaemonSet({ agent: { tag } }), ...parts });
}

/** Pod "ab" in namespace "c" and pod "a" in namespace "bc": both spell "abc" without a separator. */
function collidingPods(secondNode = 'ip-10-0-1-23.ec2.internal') {
  const first = pod({ name: 'ab', namespace: 'c', podIP: '10.0.1.50' });
  const second = pod({ name: 'a', namespace: 'bc', podIP: '10.0.1.51', node: secondNode });
  return { pods: [first, second], policyEndpoints: [policyEndpoint({ namespace: 'bc', pods: [second] })] };
}

const EXCEPT_ENDPOINT = policyEndpoint({
  pods: [pod({ name: 'web-7d9f-abcde' })],
  egress: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], ports: [{ protocol: 'TCP', port: 443 }] }],
});

describe('CFG-AGENT-BUG-ATTACH-KEY (aws/aws-network-policy-agent#563)', () => {
  it('reports an affected agent when two pods on one node spell the same name + namespace, with the fix and link', () => {
    // Act
    const finding = onlyFinding(assess(withAgent('v1.3.5-eksbuild.1', collidingPods())), 'CFG-AGENT-BUG-ATTACH-KEY');

    // Assess
    expect(finding).toMatchObject({
      severity: 'high',
      expected: '>= 1.3.7',
      actual: { version: '1.3.5', triggeredBy: ['bc/a', 'c/ab'], count: 2 },
      upstreamIssue: 'aws/aws-network-policy-agent#563',
      resource: { kind: 'DaemonSet', namespace: 'kube-system', name: 'aws-node' },
    });
    expect(finding.message).toContain('fixed in v1.3.7');
    expect(finding.remediation).toContain('Upgrade the VPC CNI to 1.22.3 or later');
  });

  it('finds the collision of "apipre" in prod with "api" in preprod (one namespace ends with the other)', () => {
    // Prepare
    const first = pod({ name: 'apipre', namespace: 'prod', podIP: '10.0.1.60' });
    const second = pod({ name: 'api', namespace: 'preprod', podIP: '10.0.1.61' });
    const inventory = withAgent('v1.2.2', {
      pods: [first, second, pod({ name: 'api', namespace: 'prod', podIP: '10.0.1.62' })],
      policyEndpoints: [policyEndpoint({ namespace: 'prod', pods: [first] })],
    });

    // Act
    const finding = onlyFinding(assess(inventory), 'CFG-AGENT-BUG-ATTACH-KEY');

    // Assess
    expect(finding.actual).toMatchObject({ count: 2, triggeredBy: ['preprod/api', 'prod/apipre'] });
  });

  it('is silent once the agent has the fix (v1.3.7), and counts the check as passed', () => {
    const result = assess(withAgent('v1.3.7-eksbuild.1', collidingPods()));
    expect(result.findings.filter((f) => f.checkId === 'CFG-AGENT-BUG-ATTACH-KEY')).toEqual([]);
    expect(result.passed.map((p) => p.checkId)).toContain('CFG-AGENT-BUG-ATTACH-KEY');
  });

  it('is silent when the colliding pods run on different nodes', () => {
    const result = assess(withAgent('v1.3.5', collidingPods('ip-10-0-2-9.ec2.internal')));
    expect(result.findings.filter((f) => f.checkId === 'CFG-AGENT-BUG-ATTACH-KEY')).toEqual([]);
  });

  it('is silent when no PolicyEndpoint lists either colliding pod', () => {
    const result = assess(withAgent('v1.3.5', { ...collidingPods(), policyEndpoints: [] }));
    expect(result.findings.filter((f) => f.checkId === 'CFG-AGENT-BUG-ATTACH-KEY')).toEqual([]);
  });

  it('is not checked, not passed, when the agent is affected but PolicyEndpoints could not be listed', () => {
    // Prepare
    const inventory = withAgent('v1.3.5', {
      ...collidingPods(),
      policyEndpoints: [],
      unavailableKinds: [{ kind: 'policyendpoints', reason: 'forbidden', cause: 'forbidden' }],
    });

    // Act
    const result = assess(inventory);

    // Assess
    expect(result.findings.filter((f) => f.checkId === 'CFG-AGENT-BUG-ATTACH-KEY')).toEqual([]);
    expect(result.notChecked).toContainEqual({
      scope: 'CFG-AGENT-BUG-ATTACH-KEY',
      reason: expect.stringContaining('policyendpoints could not be listed') as unknown,
      kind: 'NC-CFG-BUG-TRIGGER-UNREADABLE',
    });
    expect(result.passed.map((p) => p.checkId)).not.toContain('CFG-AGENT-BUG-ATTACH-KEY');
  });
});

describe('CFG-AGENT-BUG-DOTTED-POD-NAME (aws/aws-network-policy-agent#504)', () => {
  const dotted = { policyEndpoints: [policyEndpoint({ pods: [pod({ name: 'web.v2-7d9f-abcde' })] })] };

  it('reports an agent before v1.3.2 when a PolicyEndpoint lists a pod with a dot in its name', () => {
    const finding = onlyFinding(assess(withAgent('v1.3.1', dotted)), 'CFG-AGENT-BUG-DOTTED-POD-NAME');
    expect(finding.actual).toEqual({ version: '1.3.1', triggeredBy: ['app/web.v2-7d9f-abcde'], count: 1 });
    expect(finding.upstreamIssue).toContain('aws/aws-network-policy-agent#504');
  });

  it('names the alphabetically first five pods and counts all of them', () => {
    // Prepare
    const pods = ['g', 'c', 'e', 'a', 'f', 'b', 'd'].map((letter) => pod({ name: `${letter}.v2-7d9f-abcde` }));

    // Act
    const finding = onlyFinding(
      assess(withAgent('v1.3.1', { policyEndpoints: [policyEndpoint({ pods })] })),
      'CFG-AGENT-BUG-DOTTED-POD-NAME',
    );

    // Assess
    expect(finding.actual).toMatchObject({
      count: 7,
      triggeredBy: ['a', 'b', 'c', 'd', 'e'].map((letter) => `app/${letter}.v2-7d9f-abcde`),
    });
    expect(finding.message).toContain('and 2 more');
  });

  it('is silent for the fixed agent v1.3.2', () => {
    expect(findingsOfCheck(withAgent('v1.3.2', dotted), 'CFG-AGENT-BUG-DOTTED-POD-NAME')).toEqual([]);
  });
});

describe('CFG-AGENT-BUG-EXCEPT (aws/aws-network-policy-agent#78 and others)', () => {
  it('reports an agent before v1.2.4 when a PolicyEndpoint carries an except list', () => {
    const finding = onlyFinding(
      assess(withAgent('v1.2.3', { policyEndpoints: [EXCEPT_ENDPOINT] })),
      'CFG-AGENT-BUG-EXCEPT',
    );
    expect(finding.message).toContain('fixed in v1.2.4');
    expect(finding.actual).toMatchObject({ triggeredBy: ['app/default-deny-x7k2p'] });
  });

  it('is silent for the fwruleprocessor agent v1.2.4', () => {
    expect(
      findingsOfCheck(withAgent('v1.2.4', { policyEndpoints: [EXCEPT_ENDPOINT] }), 'CFG-AGENT-BUG-EXCEPT'),
    ).toEqual([]);
  });

  it('is silent for an affected agent when no PolicyEndpoint has an except', () => {
    const plain = policyEndpoint({ pods: [pod({ name: 'web-7d9f-abcde' })], egress: [{ cidr: '10.0.0.0/8' }] });
    expect(findingsOfCheck(withAgent('v1.0.8', { policyEndpoints: [plain] }), 'CFG-AGENT-BUG-EXCEPT')).toEqual([]);
  });
});

describe('known-bug checks without a known version', () => {
  it('are all not checked, never findings, when the agent image tag does not parse', () => {
    // Act
    const result = assess(withAgent('latest', { ...collidingPods(), policyEndpoints: [EXCEPT_ENDPOINT] }));

    // Assess
    expect(result.findings.filter((f) => BUG_IDS.includes(f.checkId))).toEqual([]);
    expect(skippedScopes(result)).toEqual(expect.arrayContaining(BUG_IDS));
  });

  it('are not checked on EKS Auto Mode', () => {
    const result = assess(healthyInventory({ eksCluster: eksCluster({ autoMode: true }) }));
    expect(skippedScopes(result)).toEqual(expect.arrayContaining(BUG_IDS));
  });
});

describe('the known-bug catalog', () => {
  it('defines each check from its catalog entry (same links)', () => {
    for (const { check, bug } of BUG_CHECKS) expect([check.id, check.upstream]).toEqual([check.id, bug.upstream]);
  });

  it.each(Object.entries(KNOWN_BUGS))('%s: the fixed release is outside the affected range', (_name, bug) => {
    expect(versionIn(bug.fixedIn, bug.affected)).toBe(false);
  });

  it.each(Object.entries(KNOWN_BUGS))(
    '%s: every VPC CNI release from fixedFromCni on ships a fixed agent (property over the table)',
    (_name, bug) => {
      const releases = fc
        .tuple(fc.integer({ min: 14, max: 24 }), fc.integer({ min: 0, max: 12 }))
        .map(([minor, patch]) => `1.${minor}.${patch}`)
        .filter((cni) => versionAtLeast(cni, bug.fixedFromCni) && shippedAgentFor(cni) !== undefined);
      fc.assert(
        fc.property(releases, (cni) => {
          expect([cni, versionAtLeast(shippedAgentFor(cni) ?? '0.0.0', bug.fixedIn)]).toEqual([cni, true]);
        }),
      );
    },
  );
});
