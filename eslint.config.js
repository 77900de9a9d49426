// Lint rules: the recommended sets of ESLint and typescript-eslint, plus a few that guard the
// habits this project relies on (no floating promises, no unused code). The promise rules need
// type information, so the TypeScript files are linted against their own tsconfig (found by the
// project service: the root one for src/test/bench/scripts, the dashboard's and e2e's own).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Files that belong to a tsconfig project, linted with type information. */
const TYPED_FILES = [
  'src/**/*.ts',
  'test/**/*.ts',
  'bench/**/*.ts',
  'scripts/**/*.ts',
  'dashboard/src/**/*.ts',
  'dashboard/src/**/*.tsx',
  'dashboard/e2e/**/*.ts',
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'dashboard/dist/', 'dashboard/node_modules/', 'coverage/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: TYPED_FILES,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: dirname(fileURLToPath(import.meta.url)) } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's test()/describe()/hooks return a promise that never rejects (a failure
          // is reported by the runner), so calling them without await is how the API is used.
          // The names also cover the context's t.test(): a subtest left running when its parent
          // ends fails as "cancelled", so the runner reports that mistake too.
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
