import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * Architecture walls (docs/architecture.md): who may import whom. Relative imports are matched by the folder they
 * reach, package imports by name. One `no-restricted-imports` per file group; a later group replaces the rule for
 * its files, so each group lists all of its walls.
 */
const outsideSystems = [
  {
    group: ['@aws-sdk/*', '@smithy/*', '@aws-lambda-powertools/*'],
    message: 'The engine is pure: AWS is reached through a port (ports.ts) implemented in lambdas/shared/adapters/.',
  },
  {
    group: ['@kubernetes/client-node'],
    message:
      'The engine is pure: Kubernetes is reached through a port (ports.ts) implemented in lambdas/shared/adapters/kubernetes/.',
  },
  {
    group: ['fs', 'fs/*', 'node:fs', 'node:fs/*'],
    message: 'The engine reads no files: inputs arrive through the ports (ports.ts).',
  },
];
const noAdapters = {
  regex: String.raw`^#adapters/|(^|/)adapters(/|$)`,
  message: 'The engine does not know its adapters; they implement the ports of ports.ts.',
};
const noCli = { group: ['**/cli', '**/cli/**', '**/bin/**'], message: 'Only bin/ drives the CLI command bodies.' };
const noHandlers = {
  regex: String.raw`^\.\./\.\./`,
  message:
    'Leaves the adapter folder: a Lambda handler (lambdas/<function>/) is not importable, and the engine and other adapters are reached as #engine and #adapters/*.',
};
const noLib = {
  group: ['**/lib', '**/lib/**'],
  message: 'lib/ (the CDK app) is infrastructure; runtime code does not import it.',
};
const frontDoorOnly = {
  regex: String.raw`^#engine/|(^|/)engine(/|$)`,
  message:
    'Use the front door: import from #engine (lambdas/shared/engine/index.ts). Only unit tests of internals use #engine/<module>.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'out/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    files: ['lambdas/shared/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...outsideSystems, noAdapters, noCli, noLib] }],
    },
  },
  {
    files: ['lambdas/shared/adapters/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noCli, noLib, noHandlers, frontDoorOnly] }] },
  },
  {
    files: ['lambdas/shared/cli/**/*.ts', 'bin/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [frontDoorOnly] }] },
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: String.raw`^#(engine|adapters)(?!/errors$)|(^|/)lambdas/(?!shared/engine/errors$)`,
              message:
                'lib/ (infrastructure) imports no runtime code except the error names of lambdas/shared/engine/errors.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
