import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import drizzle from 'eslint-plugin-drizzle';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { BROWSER_SAFE_SERVER_MODULES } from './app/browser-safe-server-modules.mjs';

const framework = ['next', 'next/*', 'react', 'react-dom', 'react/*'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', 'data/**', 'drizzle/migrations/**', 'test-results/**', 'playwright-report/**', '.scratch/**', 'next-env.d.ts', 'e2e/.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.mjs', 'server/cli/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node, ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { drizzle },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-definitions': 'off',
      '@typescript-eslint/prefer-nullish-coalescing': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Handlers and callbacks are async by contract even when a given one does not await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
      'drizzle/enforce-delete-with-where': ['error', { drizzleObjectName: ['db', 'tx', 'ex'] }],
      'drizzle/enforce-update-with-where': ['error', { drizzleObjectName: ['db', 'tx', 'ex'] }],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, 'react-hooks/refs': 'off', 'react-hooks/set-state-in-effect': 'off' },
  },
  {
    // a function a newcomer can hold in their head; tests' describe blocks group cases and are not counted
    files: ['server/**/*.ts', 'worker/**/*.ts', 'drizzle/**/*.ts', 'e2e/**/*.ts'],
    ignores: ['**/*.test.ts', 'e2e/**/*.spec.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  {
    // the browser bundle: values from server/ only through the modules that never reach the
    // database layer; everything else as types (which vanish from the bundle)
    files: ['app/_components/**/*.{ts,tsx}', 'app/_hooks/**/*.{ts,tsx}', 'app/_trpc/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^@/server/(?!(${BROWSER_SAFE_SERVER_MODULES.map((m) => m.slice('@/server/'.length)).join('|')})$)`,
              allowTypeImports: true,
              message: 'The browser imports values from server/ only through app/browser-safe-server-modules.mjs (schemas, constants, pure helpers); import other things as types.',
            },
            { group: ['drizzle-orm', 'drizzle-orm/*', 'better-sqlite3', '@/drizzle/*'], allowTypeImports: true, message: 'The browser bundle never holds the database layer.' },
          ],
        },
      ],
    },
  },
  // Boundaries: the core never knows the web framework; the worker never reaches into tRPC or the UI.
  {
    files: ['server/**/*.ts'],
    // serve.ts is the web process's entry point: it starts Next.js behind the gate
    ignores: ['server/trpc/**', 'server/web/serve.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: [...framework, '@trpc/*'], message: 'server/ is framework-free: no next, react or tRPC outside server/trpc.' }] }],
    },
  },
  {
    // the core is below the worker: the worker calls into server/, never the other way (tests may
    // drive both sides)
    files: ['server/**/*.ts'],
    ignores: ['server/**/*.test.ts', 'server/trpc/**', 'server/web/serve.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: [...framework, '@trpc/*'], message: 'server/ is framework-free: no next, react or tRPC outside server/trpc.' },
            { group: ['@/worker/*', '@/worker', '**/worker/**'], message: 'server/ never imports worker/: the worker depends on the core, not the reverse.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/trpc/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: framework, message: 'server/ never imports next or react.' }] }] },
  },
  {
    files: ['worker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...framework, '@/server/trpc/*', '@/server/trpc', '@/app/*', '**/app/**', '**/server/trpc/**'],
              message: 'The worker never imports server/trpc, app or the web framework.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
