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

// client-node is ESM-only: ts-jest transforms it.
const clientNodeTransform = {
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
};

module.exports = {
  projects: [
    // CLI tests audit whole examples in-process; on a loaded 2-core machine the first one (module loading) takes >5 s.
    project('unit', ['<rootDir>/test/unit'], { testTimeout: 30_000 }),
    // The synthesized CDK stack: Template assertions, the state machine definition under asl-validator.
    project('infra', ['<rootDir>/test/infra']),
    // Real kernel: network namespaces, veths, tc and pinned BPF maps, the real aws-eks-na-cli. Needs root and
    // scripts/install-node-test-deps.sh.
    project('integration-node', ['<rootDir>/test/integration/node-collector']),
    // report.html in headless Chromium (the Debian package; scripts/install-node-test-deps.sh), driven by playwright-core.
    project('integration-html', ['<rootDir>/test/integration/html']),
    // Real kube-apiserver + etcd (scripts/test-cluster.sh, without the controller: the tests write PolicyEndpoints).
    // Needs scripts/build-test-components.sh etcd kube-apiserver.
    project('integration-kubernetes', ['<rootDir>/test/integration/kubernetes'], {
      ...clientNodeTransform,
      globalSetup: '<rootDir>/test/integration/kubernetes/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/kubernetes/global-teardown.ts',
    }),
    // The real network policy controller v1.1.7 (built from ../shared/upstream) on the same kube-apiserver + etcd:
    // the differential test and the end-to-end control-plane audit. Needs scripts/build-test-components.sh.
    project('integration-controller', ['<rootDir>/test/integration/controller'], {
      ...clientNodeTransform,
      globalSetup: '<rootDir>/test/integration/controller/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/controller/global-teardown.ts',
    }),
    // The real network policy agent v1.4.1 (scripts/build-agent.sh) as the node agent of a test node, with the
    // real kube-apiserver (and the real controller when built), real packets between pod network namespaces.
    project('integration-agent', ['<rootDir>/test/integration/agent'], clientNodeTransform),
    // The service's handlers against moto in server mode (scripts/install-python-test-deps.sh), the collector
    // script as the SSM agent's stand-in; workflow-run-kube reads a real kube-apiserver + etcd (client-node);
    // workflow-run-kernel collects the real-kernel lab node (root, scripts/install-node-test-deps.sh).
    project('integration-service', ['<rootDir>/test/integration/service'], clientNodeTransform),
  ],
};
