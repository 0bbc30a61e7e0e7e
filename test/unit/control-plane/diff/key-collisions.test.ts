import { diffPolicyEndpoints } from '#engine/control-plane/diff/diff-policy-endpoints';
import { controllerKeyText, KEY_COLLISION_LINKS } from '#engine/control-plane/diff/key-collisions';
import type { EndpointInfo } from '#engine/model/kubernetes';
import type { ResolvedPolicy } from '#engine/model/resolved-policy';
import { inventory, networkPolicy, policyEndpoint, resolved } from './support';

const RANGE_80_81: EndpointInfo = { cidr: '10.1.0.9', ports: [{ protocol: 'TCP', port: 80, endPort: 81 }] };
const SINGLE_8081: EndpointInfo = { cidr: '10.1.0.9', ports: [{ protocol: 'TCP', port: 8081 }] };

function diff(expected: ResolvedPolicy, actual: Partial<ResolvedPolicy>) {
  return diffPolicyEndpoints(
    inventory({
      networkPolicies: [networkPolicy('app', 'web', { uid: 'uid-web' })],
      policyEndpoints: [policyEndpoint(expected, 'a', { ingress: [...(actual.ingress ?? [])] })],
    }),
    [expected],
  );
}

describe('controllerKeyText (getEndpointInfoKey of controller v1.1.7)', () => {
  it('writes 80-81 and 8081 on one CIDR as the same text', () => {
    expect(controllerKeyText(RANGE_80_81)).toBe('10.1.0.9TCP8081');
    expect(controllerKeyText(SINGLE_8081)).toBe(controllerKeyText(RANGE_80_81));
  });

  it('writes 1-234 and 12-34 as the same text, and excepts without separators', () => {
    const wide: EndpointInfo = {
      cidr: '10.0.0.0/8',
      except: ['10.1.0.0/16'],
      ports: [{ protocol: 'TCP', port: 1, endPort: 234 }],
    };
    const narrow: EndpointInfo = { ...wide, ports: [{ protocol: 'TCP', port: 12, endPort: 34 }] };
    expect(controllerKeyText(wide)).toBe('10.0.0.0/810.1.0.0/16TCP1234');
    expect(controllerKeyText(narrow)).toBe(controllerKeyText(wide));
  });
});

describe('CP-PE-ENTRY-KEY-COLLISION', () => {
  const expected = resolved('app', 'web', { ingress: [RANGE_80_81, SINGLE_8081] });

  it('range 80-81 lost to single port 8081: names the lost entry, the kept one, the version and the upstream links', () => {
    // Act
    const findings = diff(expected, { ingress: [SINGLE_8081] });
    // Assess
    expect(findings.map((finding) => finding.checkId)).toEqual(['CP-PE-ENTRY-KEY-COLLISION']);
    const [finding] = findings;
    expect(finding?.severity).toBe('medium');
    expect(finding?.upstreamIssue).toBe(
      'aws/amazon-network-policy-controller-k8s#260, aws/amazon-network-policy-controller-k8s#261, aws/amazon-network-policy-controller-k8s#263',
    );
    expect(finding?.expected).toEqual({
      direction: 'ingress',
      entry: { cidr: '10.1.0.9', ports: [{ protocol: 'TCP', port: 80, endPort: 81 }] },
    });
    expect(finding?.actual).toEqual({
      collidesWith: [{ cidr: '10.1.0.9', ports: [{ protocol: 'TCP', port: 8081 }] }],
      controllerKeyText: '10.1.0.9TCP8081',
      controllerVersion: 'v1.1.7',
      upstream: KEY_COLLISION_LINKS,
    });
    expect(finding?.message).toContain('10.1.0.9 TCP/80-81 never reached the PolicyEndpoints');
  });

  it('single port 8081 lost to range 80-81 is named the other way round', () => {
    const findings = diff(expected, { ingress: [RANGE_80_81] });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.expected).toEqual({ direction: 'ingress', entry: SINGLE_8081 });
  });

  it('both colliding entries present: no finding', () => {
    expect(diff(expected, { ingress: [RANGE_80_81, SINGLE_8081] })).toEqual([]);
  });

  it('both colliding entries missing is not explained by the collision: ordinary missing-entry drift', () => {
    const findings = diff(expected, { ingress: [] });
    expect(findings.map((finding) => finding.checkId)).toEqual(['CP-PE-INGRESS-MISSING']);
  });

  it('a collision loss beside another difference reports both, each once', () => {
    const other: EndpointInfo = { cidr: '10.1.0.10', ports: [{ protocol: 'UDP', port: 53 }] };
    const findings = diff(resolved('app', 'web', { ingress: [RANGE_80_81, SINGLE_8081, other] }), {
      ingress: [SINGLE_8081],
    });
    expect(findings.map((finding) => finding.checkId).sort()).toEqual([
      'CP-PE-ENTRY-KEY-COLLISION',
      'CP-PE-INGRESS-MISSING',
    ]);
  });
});
