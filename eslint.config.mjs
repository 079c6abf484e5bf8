// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Packages the pure domain code must never import: frameworks, drivers, clients, I/O. */
const INFRASTRUCTURE = [
  '@nestjs/*',
  'typeorm',
  'typeorm/*',
  'pg',
  'pg-*',
  '@eventstore/*',
  '@kurrent/*',
  '@electric-sql/*',
  'express',
  'class-validator',
  'class-transformer',
  'rxjs',
  '@crm/event-store',
  '@crm/event-store/*',
  '@crm/projections',
  '@crm/projections/*',
  '@crm/catalog',
  'node:*',
  'fs',
  'net',
  'http',
  'crypto',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.crm-data/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-throw-literal': 'off',
      '@typescript-eslint/only-throw-error': 'error',
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Boundary: domain folders hold pure decide/evolve code.
    files: ['libs/*/src/domain/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: INFRASTRUCTURE,
              message: 'domain code imports no framework, driver, client or I/O (style.md); keep it pure',
            },
            {
              regex: '^@crm/platform(?!/domain$)',
              message: 'domain code may import only @crm/platform/domain from the platform',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'time comes in with the command; the domain reads no clock' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'ids come in with the command' },
      ],
    },
  },
);
