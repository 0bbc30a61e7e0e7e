import { podIdentifier, podIdentifierCandidates, podIdentifierWith } from '#engine/facts/pod-identifier';
import { agentBehaviour } from '#engine/facts/agent-behaviour';

describe('podIdentifier (agent.md §2.1)', () => {
  it.each([
    ['nginx-5d8b9f7c6d-x2x7q', 'shop', 'nginx-5d8b9f7c6d-shop', 'nginx-5d8b9f7c6d@shop'],
    ['web-0', 'db', 'web-db', 'web@db'],
    ['busybox', 'default', 'busybox-default', 'busybox@default'],
  ])('%s in %s → %s up to v1.3.x and %s from v1.4.0', (name, namespace, legacy, current) => {
    // Prepare
    const versions = { before: '1.3.7', from: '1.4.0' };

    // Act
    const before = podIdentifier(name, namespace, versions.before);
    const from = podIdentifier(name, namespace, versions.from);

    // Assess
    expect(before).toBe(legacy);
    expect(from).toBe(current);
  });

  it('gives the seed nginx pod the identifier the article greps for (v1.2.x)', () => {
    // Prepare
    const version = '1.2.7';

    // Act
    const identifier = podIdentifier('nginx-f8d9c6576-8b4vf', 'default', version);

    // Assess
    expect(identifier).toBe('nginx-f8d9c6576-default');
  });

  it('replaces dots with underscores from v1.2.0 only', () => {
    // Prepare
    const name = 'app.v2-7c9f-abcde';

    // Act
    const v11 = podIdentifier(name, 'ns', '1.1.6');
    const v12 = podIdentifier(name, 'ns', '1.2.0');
    const v14 = podIdentifier(name, 'ns', '1.4.1');

    // Assess
    expect(v11).toBe('app.v2-7c9f-ns');
    expect(v12).toBe('app_v2-7c9f-ns');
    expect(v14).toBe('app_v2-7c9f@ns');
  });

  it('accepts tags with a v prefix and an EKS build suffix', () => {
    // Prepare
    const tags = ['v1.4.0', '1.4.0-eksbuild.1', 'v1.3.5-eksbuild.2'];

    // Act
    const identifiers = tags.map((tag) => podIdentifier('web-0', 'db', tag));

    // Assess
    expect(identifiers).toEqual(['web@db', 'web@db', 'web-db']);
  });

  it('falls back to the newest form for an unknown version and offers every historical form', () => {
    // Prepare
    const name = 'a.b-0';

    // Act
    const fallback = podIdentifier(name, 'ns', undefined);
    const unparsable = podIdentifier(name, 'ns', 'latest');
    const candidates = podIdentifierCandidates(name, 'ns', undefined);
    const known = podIdentifierCandidates(name, 'ns', '1.3.0');

    // Assess
    expect(fallback).toBe('a_b@ns');
    expect(unparsable).toBe('a_b@ns');
    expect(candidates).toEqual(['a.b-ns', 'a_b-ns', 'a_b@ns']);
    expect(known).toEqual(['a_b-ns']);
    expect(agentBehaviour('latest').assumptions[0]).toMatch(/unparsable/);
  });

  it('uses one form per version for the whole engine: an unknown version is the newest release', () => {
    // Prepare
    const name = 'a.b-0';
    const newest = agentBehaviour(undefined);

    // Act
    const unknown = podIdentifier(name, 'ns', undefined);
    const withProfile = podIdentifierWith(name, 'ns', newest);
    const candidates = podIdentifierCandidates(name, 'ns', 'not-a-version');

    // Assess
    expect(newest).toMatchObject({ identifierSeparator: '@', replacesDotsInPodName: true, versionKnown: false });
    expect(withProfile).toBe(unknown);
    expect(candidates).toContain(unknown);
  });

  it('makes the #576 cross-namespace collision disappear with the @ separator', () => {
    // Prepare
    const left = { name: 'deny-me-0', namespace: 'ns1' };
    const right = { name: 'deny-0', namespace: 'me-ns1' };

    // Act
    const legacy = [
      podIdentifier(left.name, left.namespace, '1.3.7'),
      podIdentifier(right.name, right.namespace, '1.3.7'),
    ];
    const current = [
      podIdentifier(left.name, left.namespace, '1.4.0'),
      podIdentifier(right.name, right.namespace, '1.4.0'),
    ];

    // Assess
    expect(legacy[0]).toBe(legacy[1]);
    expect(current[0]).not.toBe(current[1]);
  });
});
