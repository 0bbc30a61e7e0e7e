import fc from 'fast-check';
import { requiredAgentFor, shippedAgentFor } from '#engine/facts/agent-compatibility';
import { imageTag, parseVersion } from '#engine/facts/version';

describe('parseVersion', () => {
  it.each([
    ['v1.19.6-eksbuild.1', '1.19.6'],
    ['v1.14.0-eksbuild.3', '1.14.0'],
    ['1.23.1', '1.23.1'],
    ['v1.3.5', '1.3.5'],
    [' v1.21.0 ', '1.21.0'],
    ['v1.4.2-rc.1', '1.4.2'],
    ['1.2.7+build.5', '1.2.7'],
  ])('reads %s as %s', (raw, expected) => {
    // Act
    const version = parseVersion(raw);

    // Assess
    expect(version).toBe(expected);
  });

  it.each([
    'latest',
    '1.19',
    'v1',
    '',
    'sha256:abc',
    '1.19.6.1',
    'main-20260101',
    '1.2.x',
    'version 1.2.3',
    'v1.2.3-eksbuild.1 extra',
  ])('cannot judge %p', (raw) => {
    expect(parseVersion(raw)).toBeUndefined();
  });

  it('has nothing to judge without a value', () => {
    expect(parseVersion(undefined)).toBeUndefined();
  });

  it('drops any eksbuild number and keeps x.y.z (property)', () => {
    fc.assert(
      fc.property(fc.nat(50), fc.nat(50), fc.nat(50), fc.option(fc.nat(20)), (major, minor, patch, build) => {
        // Prepare
        const raw = `v${major}.${minor}.${patch}${build === null ? '' : `-eksbuild.${build}`}`;

        // Act / Assess
        expect(parseVersion(raw)).toBe(`${major}.${minor}.${patch}`);
      }),
    );
  });

  it('never throws on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const version = parseVersion(raw);
        expect(version === undefined || /^\d+\.\d+\.\d+$/.test(version)).toBe(true);
      }),
    );
  });
});

describe('imageTag', () => {
  it.each([
    ['602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.6-eksbuild.1', 'v1.19.6-eksbuild.1'],
    ['registry:5000/amazon/aws-network-policy-agent:v1.4.1', 'v1.4.1'],
    ['repo/agent:v1.4.1@sha256:0123abcd', 'v1.4.1'],
    ['registry:5000/amazon/aws-network-policy-agent', undefined],
    ['repo/agent@sha256:0123abcd', undefined],
    ['repo/agent:', undefined],
  ])('%s → %s', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});

describe('agent compatibility table', () => {
  it.each([
    ['1.14.0', '1.0.1'],
    ['1.14.3', '1.0.2'],
    ['1.16.0', '1.0.7'],
    ['1.19.6', '1.2.2'],
    ['1.21.1', '1.3.1'],
    ['1.22.0', '1.3.1'],
    ['1.22.2', '1.3.5'],
    ['1.23.0', '1.4.1'],
    ['1.23.1', '1.4.2'],
  ])('CNI %s ships agent %s', (cni, agent) => {
    expect(shippedAgentFor(cni)).toBe(agent);
  });

  it.each(['1.13.0', '1.19.1', '1.24.0'])('CNI %s is not in the table', (cni) => {
    expect(shippedAgentFor(cni)).toBeUndefined();
  });

  it('requires agent 1.4.1 from CNI 1.23.0 on, nothing before', () => {
    expect(requiredAgentFor('1.23.0')).toBe('1.4.1');
    expect(requiredAgentFor('1.24.2')).toBe('1.4.1');
    expect(requiredAgentFor('1.22.4')).toBeUndefined();
  });
});
