import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** DESIGN.md §1: who may import whom. Each package lists the internal packages it must not import. */
const FORBIDDEN = {
  'packages/protocol': [
    '@nexus/reactor',
    '@nexus/sandbox',
    '@nexus/kernel',
    '@nexus/os',
    '@nexus/trilog',
    '@nexus/studio',
  ],
  'packages/sandbox': ['@nexus/reactor', '@nexus/kernel', '@nexus/os', '@nexus/trilog', '@nexus/studio'],
  'packages/os': ['@nexus/reactor', '@nexus/sandbox', '@nexus/kernel', '@nexus/trilog', '@nexus/studio'],
  'packages/trilog': ['@nexus/reactor', '@nexus/sandbox', '@nexus/kernel', '@nexus/os', '@nexus/studio'],
  'packages/reactor': ['@nexus/sandbox', '@nexus/kernel', '@nexus/os', '@nexus/trilog', '@nexus/studio'],
  'packages/kernel': ['@nexus/studio'],
  'apps/studio': ['@nexus/sandbox', '@nexus/kernel', '@nexus/os', '@nexus/trilog'],
}

const boundaries = Object.entries(FORBIDDEN).map(([dir, names]) => ({
  files: [`${dir}/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: names.map((name) => ({ name, message: `${dir} may not import ${name} (DESIGN.md §1)` })),
        patterns: [
          { group: ['@nexus/*/src/*', '@nexus/*/src'], message: 'Import a package through its public entry only' },
          {
            group: ['../../packages/*', '../../../packages/*', '../../apps/*'],
            message: 'Import other packages by name',
          },
        ],
      },
    ],
  },
}))

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', window: 'readonly', document: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='eval']",
          message: 'Never eval: user text goes through the reactor interpreter or the sandbox',
        },
        { selector: "NewExpression[callee.name='Function']", message: 'Never new Function outside the sandbox' },
      ],
    },
  },
  ...boundaries,
)
