import { boolFlag, envValue, flagValue } from '#engine/config/aws-node';
import type { Container } from '#engine/model/kubernetes';

const agent = (args: string[], command?: string[]): Container => ({ name: 'aws-eks-nodeagent', args, command });

describe('flagValue / boolFlag', () => {
  it.each([
    [['--enable-network-policy=true'], true],
    [['--enable-network-policy', 'true'], true],
    [['--enable-network-policy'], true],
    [['--enable-network-policy', '--enable-ipv6=false'], true],
    [['-enable-network-policy=True'], true],
    [['--enable-network-policy=false'], false],
    [['--enable-network-policy', 'false'], false],
    [['--enable-network-policy=true', '--enable-network-policy=false'], false],
    [['--enable-ipv6=true'], false],
    [[], false],
  ])('%j → %p', (args, expected) => {
    expect(boolFlag(agent(args), 'enable-network-policy')).toBe(expected);
  });

  it('does not confuse a longer flag with the same prefix', () => {
    expect(flagValue(agent(['--enable-network-policy-controller=true']), 'enable-network-policy')).toEqual({
      present: false,
    });
  });

  it('reads flags from the command tail too', () => {
    expect(boolFlag(agent([], ['/controller', '--enable-network-policy=true']), 'enable-network-policy')).toBe(true);
  });

  it('gives undefined for a value that is not a Go bool', () => {
    expect(boolFlag(agent(['--enable-network-policy=yes']), 'enable-network-policy')).toBeUndefined();
  });
});

describe('envValue', () => {
  it('distinguishes unset, declared without value, and set', () => {
    const container: Container = { name: 'aws-node', env: [{ name: 'A' }, { name: 'B', value: 'x' }] };
    expect(envValue(container, 'A')).toBe('');
    expect(envValue(container, 'B')).toBe('x');
    expect(envValue(container, 'C')).toBeUndefined();
  });
});
