// ESLint: layer boundaries as restricted imports, no import cycles, 120 columns, typescript-eslint's recommended set.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import svelte from 'eslint-plugin-svelte';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const ELECTRON = 'Only the thin Electron layer (main/index.ts, main/modules/) imports electron.';

/** Bare Node built-ins ('fs') as well as 'node:fs'. */
const NODE_BUILTINS = builtinModules.filter((m) => !m.startsWith('_'));

/** One no-restricted-imports setting for a layer: later settings replace earlier ones, so each lists all its bans. */
function layer({ main = false, renderer = false, preload = false, node = false, electron = false, testing = false }) {
  const folder = (name, why) => ({ regex: `(^|/)${name}/`, message: why });
  const patterns = [
    main && folder('main', 'main/ is the Node process: reach it through the preload API or move the code to common/.'),
    renderer && folder('renderer', 'renderer/ is the web side: share code through common/.'),
    preload && folder('preload', 'preload/ is the bridge: share code through common/.'),
    testing && folder('testing', 'testing/ is test support: production code may not depend on it.'),
    node && { regex: '^node:', message: 'Node modules are not available on this side of the process split.' },
  ].filter(Boolean);
  const paths = [
    ...(node ? NODE_BUILTINS.map((name) => ({ name, message: 'Node modules are not available here.' })) : []),
    ...(electron ? [{ name: 'electron', message: ELECTRON }] : []),
  ];
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

const TESTS = ['**/*.test.ts', '**/*.spec.ts'];

export default defineConfig(
  {
    ignores: [
      'dist/',
      'release/',
      'test-results/',
      'playwright-report/',
      'e2e/artifacts/',
      'models/python/',
      'renderer/public/',
      'pulse-studio-results/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  svelte.configs.recommended,
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    plugins: { '@stylistic': stylistic },
    rules: {
      // Prettier wraps code at 120; this catches what it cannot: comments. Long strings (SQL, messages a user may
      // search the code for) stay whole, as do URLs and regular expressions.
      '@stylistic/max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true, ignoreStrings: true, ignoreTemplateLiterals: true },
      ],
      // `_name` marks a parameter kept for its position (handler signatures, callbacks).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `ok && run()` and `a ? f() : g()` as statements are house style.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // Plain Set/Map in stores and components is deliberate: nothing renders from them, or they are replaced whole.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    // File-level import cycles (runtime imports; `import type` is free). Adds about a second to the run.
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js', '.mjs'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['**/*.svelte'],
    // prettier-plugin-svelte owns the markup; what it leaves long is text and attribute values it cannot break.
    rules: { '@stylistic/max-len': 'off' },
  },
  {
    files: ['renderer/**', 'preload/browser.ts', 'testing/capture-harness/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: [...TESTS, 'e2e/**', 'faults/**', 'scripts/test-summary.ts'],
    rules: {
      // Tests reach into untyped places (window globals, JSON reports, mocks); a cast to a full type adds nothing.
      '@typescript-eslint/no-explicit-any': 'off',
      // Playwright fixtures that use no other fixture must still destructure `{}` as their first argument.
      'no-empty-pattern': 'off',
    },
  },

  // Layer boundaries (folder-level cycles in main/ are main/architecture.test.ts's job).
  {
    files: ['renderer/**', 'preload/browser.ts'],
    rules: layer({ main: true, node: true, electron: true, testing: true }),
  },
  {
    files: ['common/**'],
    rules: layer({ main: true, renderer: true, preload: true, node: true, electron: true, testing: true }),
  },
  {
    files: ['main/**'],
    rules: {
      ...layer({ renderer: true, electron: true, testing: true }),
      // no-restricted-imports does not see import(): the same ban for a dynamic import.
      'no-restricted-syntax': ['error', { selector: "ImportExpression[source.value='electron']", message: ELECTRON }],
    },
  },
  {
    files: ['main/index.ts', 'main/modules/**'],
    rules: { ...layer({ renderer: true, testing: true }), 'no-restricted-syntax': 'off' },
  },
  { files: ['preload/index.ts', 'scripts/**'], rules: layer({ testing: true }) },
  // Tests keep the layer rules but may use test support (and Node, to read fixtures, in common/).
  { files: ['renderer/**/*.test.ts'], rules: layer({ main: true, node: true, electron: true }) },
  { files: ['common/**/*.test.ts'], rules: layer({ main: true, renderer: true, preload: true, electron: true }) },
  { files: ['main/**/*.test.ts'], rules: layer({ renderer: true, electron: true }) },
  { files: TESTS.map((t) => `main/modules/${t}`), rules: layer({ renderer: true }) },
  { files: ['scripts/**/*.test.ts'], rules: layer({}) },
);
