/** Unit, integration and end-to-end tests share one run; the embedded MongoDB is started once for all of them. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, module: 'commonjs', moduleResolution: 'node10', target: 'ES2022', esModuleInterop: true, resolveJsonModule: true } }],
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  collectCoverageFrom: ['functions/**/*.ts'],
  coverageThreshold: { './functions/': { lines: 90 } },
  coverageReporters: ['text-summary', 'lcov'],
  testTimeout: 30000,
};
