import { identifierFormFor, podIdentifier } from '#engine/control-plane/static-limits/pod-identifier';

describe('agent pod identifier (agent.md §2.1)', () => {
  it.each([
    ['nginx-5d8b9f7c6d-x2x7q', 'shop', '1.3.2', 'nginx-5d8b9f7c6d-shop'],
    ['nginx-5d8b9f7c6d-x2x7q', 'shop', 'v1.4.0-eksbuild.1', 'nginx-5d8b9f7c6d@shop'],
    ['web-0', 'db', '1.4.1', 'web@db'],
    ['busybox', 'default', '1.3.0', 'busybox-default'],
    ['a.b-1', 'ns', '1.2.0', 'a_b-ns'],
    ['a.b-1', 'ns', '1.1.6', 'a.b-ns'],
  ])('%s in %s on agent %s → %s', (name, namespace, version, identifier) => {
    expect(podIdentifier(name, namespace, identifierFormFor(version))).toBe(identifier);
  });

  it('assumes the older form when the version is unknown or unparsable', () => {
    // Act
    const unknown = identifierFormFor(undefined);
    const garbage = identifierFormFor('latest');
    // Assess
    expect(unknown).toEqual({ separator: '-', replaceDots: true, assumed: true });
    expect(garbage.assumed).toBe(true);
    expect(identifierFormFor('1.4.0').assumed).toBe(false);
  });

  it('collides across namespaces with the - separator only (aws/aws-network-policy-agent#576)', () => {
    // Prepare
    const old = identifierFormFor('1.3.7');
    const current = identifierFormFor('1.4.0');
    // Act / Assess
    expect(podIdentifier('deny-me-x', 'ns1', old)).toBe(podIdentifier('deny-y', 'me-ns1', old));
    expect(podIdentifier('deny-me-x', 'ns1', current)).not.toBe(podIdentifier('deny-y', 'me-ns1', current));
  });
});
