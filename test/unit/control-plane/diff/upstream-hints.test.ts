import { canonicalGroups, type EndpointLike } from '#engine/control-plane/diff/canonical';
import {
  buildHintIndexes,
  extraPodHint,
  isAllowAllCompanion,
  missingPolicyEndpointsHint,
  ruleHintsFor,
} from '#engine/control-plane/diff/upstream-hints';
import { inventory, networkPolicy, pod, podEndpoint, resolved, service } from './support';

function groups(entries: EndpointLike[]) {
  const result = new Map<string, ReturnType<typeof canonicalGroups> extends Map<string, infer G> ? G[] : never>();
  for (const group of canonicalGroups(entries).values())
    result.set(group.destinationKey, [...(result.get(group.destinationKey) ?? []), group]);
  return result;
}

function group(entry: EndpointLike) {
  const [only] = canonicalGroups([entry]).values();
  if (only === undefined) throw new Error('no group');
  return only;
}

const POLICY = resolved('app', 'web');

describe('upstream hints', () => {
  it('missing PEs: #199 only when other policies have PEs', () => {
    expect(missingPolicyEndpointsHint(3).upstreamIssue).toBe('aws/amazon-network-policy-controller-k8s#199');
    expect(missingPolicyEndpointsHint(0).upstreamIssue).toBeUndefined();
  });

  it('allow-all companion needs the other family with the same ports and no except', () => {
    // Prepare
    const expected = groups([{ cidr: '0.0.0.0/0', ports: [{ protocol: 'TCP', port: 80 }] }]);
    // Act / Assess
    expect(isAllowAllCompanion(group({ cidr: '::/0', ports: [{ protocol: 'TCP', port: 80 }] }), expected)).toBe(true);
    expect(isAllowAllCompanion(group({ cidr: '::/0', ports: [{ protocol: 'TCP', port: 81 }] }), expected)).toBe(false);
    expect(
      isAllowAllCompanion(
        group({ cidr: '::/0', except: ['fd00::/8'], ports: [{ protocol: 'TCP', port: 80 }] }),
        expected,
      ),
    ).toBe(false);
    expect(isAllowAllCompanion(group({ cidr: '10.0.0.0/8' }), expected)).toBe(false);
  });

  it('extra pods: hostNetwork before phase before selector', () => {
    // Prepare
    const indexes = buildHintIndexes(
      inventory({
        pods: [
          pod('app', 'h', { labels: { app: 'web' }, hostNetwork: true, phase: 'Failed' }),
          pod('app', 'f', { labels: { app: 'web' }, phase: 'Failed' }),
          pod('app', 'ok', { labels: { app: 'web' }, phase: 'Running' }),
        ],
      }),
    );
    // Act / Assess
    expect(extraPodHint(podEndpoint('app', 'h', '1.1.1.1'), POLICY, indexes)?.upstreamIssue).toBe(
      'aws/amazon-network-policy-controller-k8s#202',
    );
    expect(extraPodHint(podEndpoint('app', 'f', '1.1.1.2'), POLICY, indexes)?.upstreamIssue).toBe(
      'aws/amazon-network-policy-controller-k8s PR #190, PR #192',
    );
    expect(extraPodHint(podEndpoint('app', 'ok', '1.1.1.3'), POLICY, indexes)).toBeUndefined();
  });

  it('missing egress to a ClusterIP: a matched single-port Service is stale, a multi-port named-targetPort one points at #222; ingress gets no service hint', () => {
    // Prepare
    const indexes = buildHintIndexes(
      inventory({
        services: [
          service('a', 'single', '172.20.0.1'),
          service('a', 'multi', '172.20.0.2', [
            { port: 1, targetPort: 'x' },
            { port: 2, targetPort: 'y' },
          ]),
        ],
      }),
    );
    const hints = ruleHintsFor(POLICY, indexes);
    const none = new Map();
    // Act / Assess
    const single = hints.missingGroup('egress', group({ cidr: '172.20.0.1' }), none, none);
    expect(single?.upstreamIssue).toBeUndefined();
    expect(single?.note).toContain('a/single');
    expect(hints.missingGroup('egress', group({ cidr: '172.20.0.2' }), none, none)?.upstreamIssue).toBe(
      'aws/amazon-network-policy-controller-k8s#222',
    );
    expect(hints.missingGroup('ingress', group({ cidr: '172.20.0.1' }), none, none)).toBeUndefined();
  });

  it('named ports only hint ingress of policies that declare named ingress ports', () => {
    // Prepare
    const named = buildHintIndexes(
      inventory({
        networkPolicies: [networkPolicy('app', 'web', { spec: { ingress: [{ ports: [{ port: 'http' }] }] } })],
      }),
    );
    const numeric = buildHintIndexes(
      inventory({ networkPolicies: [networkPolicy('app', 'web', { spec: { ingress: [{ ports: [{ port: 80 }] }] } })] }),
    );
    const none = new Map();
    // Act / Assess
    expect(
      ruleHintsFor(POLICY, named).missingGroup('ingress', group({ cidr: '10.0.0.1' }), none, none)?.upstreamIssue,
    ).toBe('aws/amazon-network-policy-controller-k8s#71, aws/amazon-network-policy-controller-k8s#81');
    expect(ruleHintsFor(POLICY, named).missingGroup('egress', group({ cidr: '10.0.0.1' }), none, none)).toBeUndefined();
    expect(
      ruleHintsFor(POLICY, numeric).missingGroup('ingress', group({ cidr: '10.0.0.1' }), none, none),
    ).toBeUndefined();
  });

  it('except supersets on one CIDR → #121; narrower from all ports → #98/#197', () => {
    // Prepare
    const hints = ruleHintsFor(POLICY, buildHintIndexes(inventory()));
    const expected = groups([{ cidr: '10.0.0.0/8' }]);
    const actual = groups([{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }]);
    // Act / Assess
    expect(
      hints.extraGroup('egress', group({ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }), expected)?.upstreamIssue,
    ).toBe('aws/amazon-network-policy-controller-k8s#121');
    expect(hints.missingGroup('egress', group({ cidr: '10.0.0.0/8' }), actual, expected)?.upstreamIssue).toBe(
      'aws/amazon-network-policy-controller-k8s#121',
    );
    expect(hints.extraGroup('egress', group({ cidr: '10.9.0.0/16' }), expected)).toBeUndefined();
    expect(
      hints.narrowerPorts('egress', group({ cidr: 'x' }), group({ cidr: 'x', ports: [{ port: 1 }] }), new Map())
        ?.upstreamIssue,
    ).toBe('aws/amazon-network-policy-controller-k8s#98, aws/amazon-network-policy-controller-k8s#197');
  });
});
