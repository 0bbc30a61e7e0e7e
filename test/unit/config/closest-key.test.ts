import { closestKey, editDistance } from '#engine/config/closest-key';
import { ADDON_NODE_AGENT_KEYS, ADDON_TOP_LEVEL_KEYS } from '#engine/facts/addon-keys';

describe('editDistance', () => {
  it.each([
    ['nodeAgent', 'nodeAgent', 0],
    ['nodeAgnet', 'nodeAgent', 1],
    ['enablePolicyEventLog', 'enablePolicyEventLogs', 1],
    ['', 'env', 3],
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3],
  ])('counts %p → %p as %p edits (a transposition is one)', (left, right, distance) => {
    expect(editDistance(left, right)).toBe(distance);
  });

  it('is symmetric', () => {
    expect(editDistance('enableNetworkPolicies', 'enableNetworkPolicy')).toBe(
      editDistance('enableNetworkPolicy', 'enableNetworkPolicies'),
    );
  });
});

describe('closestKey', () => {
  it('finds enablePolicyEventLogs for a dropped s under nodeAgent', () => {
    expect(closestKey('enablePolicyEventLog', ADDON_NODE_AGENT_KEYS)).toEqual({
      key: 'enablePolicyEventLogs',
      distance: 1,
      likelyTypo: true,
    });
  });

  it('ignores case when measuring, so a mis-cased misspelling still counts as close', () => {
    expect(closestKey('enablenetworkpolicies', ADDON_TOP_LEVEL_KEYS)).toMatchObject({
      key: 'enableNetworkPolicy',
      likelyTypo: true,
    });
  });

  it('names the nearest key but not as a typo when the key is far from all of them', () => {
    expect(closestKey('policyMode', ADDON_TOP_LEVEL_KEYS)?.likelyTypo).toBe(false);
  });

  it('has no answer without known keys', () => {
    expect(closestKey('anything', [])).toBeUndefined();
  });
});
