// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import prettierConfig from 'eslint-config-prettier';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every package declares what it imports: a file may import only what its own package.json lists
 * (dependencies; devDependencies too in tests, benchmarks and test kits), plus the monorepo's
 * tooling (the root's devDependencies: vitest, fast-check …) in tests. Type-only imports count:
 * the compiler needs the package as much as the runtime does.
 */
const root = import.meta.dirname;
/** @type {string[]} */
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
// The CDK app is a deploy tool run from a developer's or CI's machine, never shipped: all of it may
// use its devDependencies (which keeps aws-cdk-lib out of `npm ci --omit=dev`, hence out of the images).
const devFiles = (/** @type {string} */ dir) =>
  (dir === 'infra/cdk'
    ? ['**']
    : ['**/*.test.ts', '**/*.test-support.ts', 'test/**', 'bench/**', 'testing/**', 'src/testing/**', '*.config.ts']
  ).map((g) => `${dir}/${g}`);
export const declaredImports = [
  ...workspaces.map((dir) => ({
    files: [`${dir}/**/*.ts`],
    rules: {
      'import-x/no-extraneous-dependencies': [
        'error',
        {
          packageDir: [join(root, dir), root],
          devDependencies: devFiles(dir).map((g) => join(root, g)),
          includeTypes: true,
          includeInternal: true,
        },
      ],
    },
  })),
  {
    // The repository's own tests (tests/) and configuration: the root manifest.
    files: ['tests/**/*.ts', '*.config.ts'],
    rules: {
      'import-x/no-extraneous-dependencies': [
        'error',
        { packageDir: [root], devDependencies: true, includeTypes: true, includeInternal: true },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', '**/*.js', '!eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@coattail/*/src/*', '@coattail/*/src'],
              message: "Import a package through its public surface ('@coattail/x'), not its internals.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/bench/**/*.ts', 'tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  ...declaredImports,
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  // The formatter owns layout; no lint rule may disagree with it.
  prettierConfig,
);
