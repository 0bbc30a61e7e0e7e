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
    // The synthesized CDK stack: Template assertions, the state machine definition under asl-validator.
    project('infra', ['<rootDir>/test/infra']),
    // Real kernel: network namespaces, veths, tc and pinned BPF maps, the real aws-eks-na-cli. Needs root and
    // scripts/install-node-test-deps.sh.
    project('integration-node', ['<rootDir>/test/integration/node-collector']),
    // Real kube-apiserver + etcd (scripts/test-cluster.sh; the AWS controller cannot be built here, see README).
    // Needs scripts/build-test-components.sh etcd kube-apiserver. client-node is ESM-only: ts-jest transforms it.
    project('integration-kubernetes', ['<rootDir>/test/integration/kubernetes'], {
      transform: {
        '^.+\\.[tj]sx?$': [
          'ts-jest',
          {
            tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node', isolatedModules: true },
            diagnostics: false,
          },
        ],
      },
      transformIgnorePatterns: ['/node_modules/(?!(@kubernetes/client-node|openid-client|oauth4webapi|jose)/)'],
      globalSetup: '<rootDir>/test/integration/kubernetes/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/kubernetes/global-teardown.ts',
    }),
  ],
};
