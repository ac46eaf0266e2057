// Lint rules: typescript-eslint's recommended set, plus the layering rule of ARCHITECTURE.md —
// only src/teams/ and src/main.ts may know botbuilder, teams-ai and restify.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const teamsOnly = {
  patterns: [
    { group: ['botbuilder', 'botbuilder-*', 'botframework-*'], message: 'Only src/teams/ and src/main.ts may import botbuilder.' },
    { group: ['@microsoft/teams-ai', '@microsoft/teams-ai/*'], message: 'Only src/teams/ and src/main.ts may import teams-ai.' },
    { group: ['restify', 'restify/*'], message: 'Only src/teams/ and src/main.ts may import restify.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'docs/**', '.playground/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/teams/**', 'src/main.ts'],
    rules: { 'no-restricted-imports': ['error', teamsOnly] },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through src/config.ts.' }],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
);
