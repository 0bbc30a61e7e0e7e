import {
  cpEntryMismatchMessage,
  describeSlots,
  lpmEntryExtraMessage,
  lpmEntryMissingMessage,
  lpmKeysMissingMessage,
  lpmPortsMismatchMessage,
  podStateKeyMissingMessage,
  podStateMismatchMessage,
  podStateMismatchReason,
} from '#engine/node/compare/map-messages';

const subject = { mapLabel: 'ingress_map (map 93, maps/93.txt)', owners: 'pods shop/web-1' };
const tcp80 = { protocol: 6, startPort: 80, endPort: 0 };

describe('map check messages', () => {
  it('name the map, the pods, the key and its slots for a missing key', () => {
    expect(
      lpmEntryMissingMessage(subject, {
        key: '10.0.1.5/32 (node)',
        slots: [tcp80],
        origin: 'node-ip',
        posture: 'ingress posture isolated',
        policyEndpoints: ['allow-web-x1'],
      }),
    ).toBe(
      'ingress_map (map 93, maps/93.txt) of pods shop/web-1 lacks 10.0.1.5/32 (node) → TCP 80 (the node-IP key that admits kubelet probes) [ingress posture isolated; PolicyEndpoints allow-web-x1]',
    );
  });

  it('roll up the keys past the cap, ten by name', () => {
    const keys = Array.from({ length: 12 }, (_, i) => `10.0.0.${i}/32`);
    expect(lpmKeysMissingMessage(subject, keys)).toMatch(
      /lacks 12 more expected keys: 10\.0\.0\.0\/32, .* … and 2 more$/,
    );
  });

  it('say why an extra key is stale and when no PolicyEndpoint selects the pods', () => {
    expect(lpmEntryExtraMessage(subject, { key: '0.0.0.0/0', slots: [], line: 4, unselected: true })).toBe(
      'ingress_map (map 93, maps/93.txt) of pods shop/web-1 holds 0.0.0.0/0 → no slot (line 4), which no PolicyEndpoint asks for: a stale rule (e.g. a deselected pod, PR #645); no PolicyEndpoint selects these pods at all',
    );
  });

  it('compare the slots of a key and note leniency', () => {
    expect(
      lpmPortsMismatchMessage(subject, {
        key: '10.1.0.0/16',
        line: 7,
        actual: [tcp80],
        expected: [{ protocol: 17, startPort: 53, endPort: 0 }],
        lenient: 'subset',
        orderDependent: false,
      }),
    ).toBe(
      'ingress_map (map 93, maps/93.txt) of pods shop/web-1: key 10.1.0.0/16 (line 7) allows TCP 80, expected UDP 53 (subset)',
    );
    expect(describeSlots([{ protocol: 254, startPort: 0, endPort: 0 }])).toBe('ANY');
  });

  it('describe pod-state keys, missing or stale', () => {
    const key = { key: 0, meaning: 'NetworkPolicy', expectedName: 'DEFAULT_ALLOW' };
    expect(podStateKeyMissingMessage(subject, key, 'ingress')).toBe(
      'ingress_map (map 93, maps/93.txt) of pods shop/web-1 has no key 0 (NetworkPolicy state, expected DEFAULT_ALLOW): the ingress program drops every packet',
    );
    const reason = podStateMismatchReason(0, true, { policyEndpoints: [], clusterPolicyEndpoints: [] });
    expect(
      podStateMismatchMessage(subject, key, { state: 0, name: 'POLICIES_APPLIED', expectedState: 1, reason }),
    ).toBe(
      'ingress_map (map 93, maps/93.txt) of pods shop/web-1: key 0 (NetworkPolicy) is 0 POLICIES_APPLIED, expected 1 DEFAULT_ALLOW: no PolicyEndpoint selects these pods any more, yet the kernel still enforces rules (stale state)',
    );
  });

  it('list the differences of a cluster policy map', () => {
    expect(cpEntryMismatchMessage(subject, [], { missing: ['10.0.0.0/8'], extra: [], other: ['10.2.0.0/16'] })).toBe(
      'ingress_map (map 93, maps/93.txt) of pods shop/web-1 differs from ClusterPolicyEndpoints (none): missing 10.0.0.0/8; other slots on 10.2.0.0/16',
    );
  });
});
