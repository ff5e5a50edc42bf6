// Lint: the layer rules of STYLE §7.2 (who may import whom), plus a small set of checks that
// catch bugs (typescript-eslint's recommended set, the rules of hooks). No style or formatting
// rules: the type-checker and review cover the rest. Test files, test tooling and e2e/ are
// exempt from the layer rules (they may reach anything they test).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

/** Imports by path, matched on the import string (relative paths end in the folder's name). */
const layer = (name) => `(^|/)${name}(/|$)`;

const BAN = {
  react: {
    regex: '^react(-dom)?(/|$)',
    message: 'React belongs in src/views and src/app; this layer must run in the worker and in Node without it.',
  },
  reactDom: {
    regex: '^react-dom(/|$)',
    message: 'react-dom is mounted by src/app only; the store holds state, it does not render.',
  },
  zustand: {
    regex: '^zustand(/|$)',
    message: 'zustand lives only in src/store: views read state through its hooks (useInspector), so the store can change its library in one folder.',
  },
  node: {
    regex: `^(node:|(${builtinModules.filter((m) => !m.startsWith('_')).join('|')})(/|$))`,
    message: 'src/core must stay free of Node, React and the DOM so it runs unchanged in the worker, the page and the CLI (see src/core/README.md); the CLI and test tooling own the I/O.',
  },
  outOfCore: {
    regex: `^\\.\\./(\\.\\./)*(${['views', 'store', 'worker', 'app', 'cli'].join('|')})(/|$)`,
    message: 'src/core imports only src/core: the app, the worker and the CLI build on it, never the other way round (see src/core/README.md).',
  },
  cliReach: {
    regex: `${layer('(worker|store|views|app)')}`,
    message: 'The CLI runs in Node on the core alone: the worker, the store, the views and the app are browser code (see src/cli/README.md).',
  },
  workerReach: {
    regex: `^\\.\\./(\\.\\./)*(store|views|app)(/|$)`,
    message: 'The worker owns the log and answers requests; it must not know the store, the views or the app (see src/worker/README.md).',
  },
  logClient: {
    regex: `${layer('worker')}(?!protocol$)`,
    message: 'Only src/app connects the worker (connect-client); the store and views see the worker through the types of worker/protocol alone.',
  },
  protocolValues: {
    regex: `${layer('worker')}protocol$`,
    allowTypeImports: true,
    message: 'The worker protocol is imported for its types only (import type): the main thread never runs worker code.',
  },
  storeReach: {
    regex: `^\\.\\./(\\.\\./)*(views|app)(/|$)`,
    message: 'The store holds state for the views; it must not import the views or the app (arrows point down).',
  },
  viewsReach: {
    regex: `^\\.\\./(\\.\\./)*app(/|$)`,
    message: 'Views receive the app\'s commands through context (views/shared/entry-source); they do not import src/app.',
  },
};

/** One no-restricted-imports per folder: flat config replaces a rule's options, it does not merge them. */
function restrict(files, ...bans) {
  return {
    files,
    ignores: ['**/*.test.ts', '**/*.test.tsx', 'src/core/testing/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: bans }] },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-regex-spaces': 'off', // style: a literal '  ' in a test's expected text reads fine
    },
  },
  // Globals in TypeScript are the type-checker's business (each layer's tsconfig has its libs).
  { files: ['**/*.{ts,tsx}'], rules: { 'no-undef': 'off' } },
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: globals.node } },
  // Its page.evaluate callbacks run in the browser.
  { files: ['scripts/bench-browser.mjs'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  {
    files: ['src/{app,views,store}/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  // Layers (STYLE §7.2). The last matching block wins, so each folder has exactly one.
  restrict(['src/**/*.{ts,tsx}'], BAN.zustand),
  restrict(['src/core/**/*.ts'], BAN.react, BAN.zustand, BAN.node, BAN.outOfCore),
  restrict(['src/cli/**/*.ts'], BAN.react, BAN.zustand, BAN.cliReach),
  restrict(['src/worker/**/*.ts'], BAN.react, BAN.zustand, BAN.workerReach),
  restrict(['src/store/**/*.ts'], BAN.reactDom, BAN.storeReach, BAN.logClient, BAN.protocolValues),
  restrict(['src/views/**/*.{ts,tsx}'], BAN.zustand, BAN.viewsReach, BAN.logClient, BAN.protocolValues),
);
