/**
 * Test tiers by suffix: *.spec.ts (pure, fast), *.int-spec.ts (real
 * databases), *.e2e-spec.ts (the running app over HTTP). Real servers are
 * detected once per run in test/global-setup.ts.
 */
const moduleNameMapper = {
  '^@crm/([a-z-]+)$': '<rootDir>/libs/$1/src',
  '^@crm/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] };
// Real databases on a loaded 2-core machine: hooks and tests get 30 s by default.
const common = {
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  moduleNameMapper,
  testEnvironment: 'node',
  testTimeout: 30_000,
};

module.exports = {
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  maxWorkers: 2,
  testTimeout: 30_000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e-spec.ts'] },
  ],
};
