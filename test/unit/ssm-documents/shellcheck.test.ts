import { spawnSync } from 'node:child_process';
import { SCRIPT_PATH } from './document';

describe('collect-node-policy-state.sh under shellcheck', () => {
  test('has no finding at any severity (-S style)', () => {
    // Act
    const result = spawnSync('shellcheck', ['-S', 'style', '-s', 'bash', '-f', 'gcc', SCRIPT_PATH], {
      encoding: 'utf8',
    });

    // Assess
    if (result.error !== undefined)
      throw new Error(
        `shellcheck is needed (Debian package shellcheck, installed by scripts/install-node-test-deps.sh): ${result.error.message}`,
      );
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
