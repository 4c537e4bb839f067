import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', 'runs/**', '.dfl/**', 'tmp/**', '**/*.js', '**/*.cjs', '**/*.mjs', 'apps/leaderboard/web/dist/**', 'libs/native-engine/build/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      // Apps never import each other; libs never reach into an app. Tags live in each project's package.json.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          // Command files import libs lazily (inside the action) so `dfl --help` stays fast; that is not the
          // "lazy-loaded library" pattern this check guards (bundle splitting), so it is off for every lib.
          checkDynamicDependenciesExceptions: ['.*'],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:lib'] },
          ],
        },
      ],
      // A lib is used only through its public index.ts.
      'no-restricted-imports': ['error', { patterns: [{ group: ['@dfl/*/*'], message: 'Import a lib only through its index (e.g. @dfl/data).' }] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
