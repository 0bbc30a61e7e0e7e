/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node', isolatedModules: true } }];

const project = (displayName, roots, extra = {}) => ({
  displayName,
  testEnvironment: 'node',
  roots,
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': tsJest },
  ...extra,
});

module.exports = {
  projects: [
    project('unit', ['<rootDir>/test/unit']),
    // Real kernel: network namespaces, veths, tc and pinned BPF maps, the real aws-eks-na-cli. Needs root and
    // scripts/install-node-test-deps.sh.
    project('integration-node', ['<rootDir>/test/integration/node-collector']),
  ],
};
