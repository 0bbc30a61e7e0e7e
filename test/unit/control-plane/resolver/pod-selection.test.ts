import { resolveNetworkPolicies } from '#engine/control-plane/resolver/index';
import type { Pod } from '#engine/model/kubernetes';
import { inventory, namespace, networkPolicy, pod } from './builders';

function selectedEndpoints(pods: Pod[]) {
  const cluster = inventory({
    namespaces: [namespace('ns')],
    pods,
    networkPolicies: [networkPolicy('ns', 'np', { podSelector: { matchLabels: { app: 'a' } } })],
  });
  return resolveNetworkPolicies(cluster)[0]?.podSelectorEndpoints;
}

describe('§2.2 podSelectorEndpoints', () => {
  it('lists ready pods of the policy namespace matching spec.podSelector only', () => {
    // Prepare
    const pods = [
      pod('ns', 'a-1', { ip: '10.0.0.1', hostIP: '192.168.0.1', labels: { app: 'a' } }),
      pod('ns', 'b-1', { ip: '10.0.0.2', labels: { app: 'b' } }),
      pod('other', 'a-2', { ip: '10.0.0.3', labels: { app: 'a' } }),
    ];

    // Act
    const endpoints = selectedEndpoints(pods);

    // Assess
    expect(endpoints).toEqual([{ hostIP: '192.168.0.1', podIP: '10.0.0.1', name: 'a-1', namespace: 'ns' }]);
  });

  it('excludes Succeeded and Failed pods but keeps Pending, Unknown, no phase and terminating pods', () => {
    // Prepare
    const labels = { app: 'a' };
    const pods = [
      pod('ns', 'succeeded', { ip: '10.0.0.1', labels, phase: 'Succeeded' }),
      pod('ns', 'failed', { ip: '10.0.0.2', labels, phase: 'Failed' }),
      pod('ns', 'pending', { ip: '10.0.0.3', labels, phase: 'Pending' }),
      pod('ns', 'unknown', { ip: '10.0.0.4', labels, phase: 'Unknown' }),
      pod('ns', 'nophase', { ip: '10.0.0.5', labels, phase: '' }),
      pod('ns', 'terminating', { ip: '10.0.0.6', labels, deletionTimestamp: '2026-01-01T00:00:00Z' }),
    ];

    // Act
    const names = selectedEndpoints(pods)?.map((endpoint) => endpoint.name);

    // Assess
    expect(names).toEqual(['nophase', 'pending', 'terminating', 'unknown']);
  });

  it('excludes pods without an IP and hostNetwork pods', () => {
    // Prepare
    const pods = [
      pod('ns', 'no-ip', { labels: { app: 'a' } }),
      pod('ns', 'host', { ip: '192.168.0.9', labels: { app: 'a' }, hostNetwork: true }),
      pod('ns', 'ok', { ip: '10.0.0.1', labels: { app: 'a' } }),
    ];

    // Act
    const names = selectedEndpoints(pods)?.map((endpoint) => endpoint.name);

    // Assess
    expect(names).toEqual(['ok']);
  });

  it('takes the vpc.amazonaws.com/pod-ips annotation verbatim when status.podIP is empty, with hostIP ""', () => {
    // Prepare
    const pods = [
      pod('ns', 'annotated', { labels: { app: 'a' }, annotations: { 'vpc.amazonaws.com/pod-ips': '10.9.9.9' } }),
      pod('ns', 'both', {
        ip: '10.0.0.1',
        labels: { app: 'a' },
        annotations: { 'vpc.amazonaws.com/pod-ips': '10.8.8.8' },
      }),
    ];

    // Act
    const endpoints = selectedEndpoints(pods);

    // Assess
    expect(endpoints).toEqual([
      { hostIP: '', podIP: '10.9.9.9', name: 'annotated', namespace: 'ns' },
      { hostIP: '', podIP: '10.0.0.1', name: 'both', namespace: 'ns' },
    ]);
  });

  it('sorts by namespace, name and podIP and removes whole-struct duplicates', () => {
    // Prepare
    const duplicate = pod('ns', 'b', { ip: '10.0.0.2', labels: { app: 'a' } });
    const pods = [duplicate, pod('ns', 'a', { ip: '10.0.0.3', labels: { app: 'a' } }), duplicate];

    // Act
    const endpoints = selectedEndpoints(pods);

    // Assess
    expect(endpoints?.map((endpoint) => `${endpoint.name}/${endpoint.podIP}`)).toEqual(['a/10.0.0.3', 'b/10.0.0.2']);
  });
});

describe('§2.1 / §2.8 policyTypes and podSelector', () => {
  it.each([
    ['no egress', { podSelector: {} }, ['Ingress']],
    ['egress rules', { podSelector: {}, egress: [{}] }, ['Ingress', 'Egress']],
    ['empty egress list', { podSelector: {}, egress: [] }, ['Ingress']],
    ['explicit order kept', { podSelector: {}, policyTypes: ['Egress', 'Ingress'] }, ['Egress', 'Ingress']],
  ])('defaults podIsolation like the API server (%s)', (_name, spec, expected) => {
    // Prepare
    const cluster = inventory({ networkPolicies: [networkPolicy('ns', 'np', spec)] });

    // Act
    const [resolved] = resolveNetworkPolicies(cluster);

    // Assess
    expect(resolved?.podIsolation).toEqual(expected);
  });

  it('does not filter rules by policyTypes', () => {
    // Prepare
    const cluster = inventory({
      networkPolicies: [
        networkPolicy('ns', 'np', {
          podSelector: {},
          policyTypes: ['Ingress'],
          egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
        }),
      ],
    });

    // Act
    const [resolved] = resolveNetworkPolicies(cluster);

    // Assess
    expect(resolved?.podIsolation).toEqual(['Ingress']);
    expect(resolved?.egress).toEqual([{ cidr: '10.0.0.0/8' }]);
  });

  it('deny-all yields the selected pods and no entries', () => {
    // Prepare
    const cluster = inventory({
      pods: [pod('ns', 'p', { ip: '10.0.0.1' })],
      networkPolicies: [networkPolicy('ns', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })],
    });

    // Act
    const [resolved] = resolveNetworkPolicies(cluster);

    // Assess
    expect(resolved).toMatchObject({ podIsolation: ['Ingress', 'Egress'], ingress: [], egress: [], podSelector: {} });
    expect(resolved?.podSelectorEndpoints).toHaveLength(1);
  });
});
