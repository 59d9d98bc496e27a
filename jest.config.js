/**
 * Three lanes, one run. `make test` runs them all together (one worker pool, coverage on functions/);
 * `make test-unit` runs only the first, which needs no database and starts in seconds.
 *
 * - unit: one module's logic in this process. No database, no child process, no network, no build,
 *   no Terraform (test/support/unit-lane.ts fails a unit test that opens a socket or starts a process).
 * - integration: everything else outside test/e2e: the functions on the embedded MongoDB, the
 *   embedded MongoDB itself, the local gateway's processes, bundles and zips, the Terraform checks.
 *   A new test file lands here unless it is listed as a unit test.
 * - e2e: the whole API over HTTP on real bundles, as `make dev` serves it.
 */

/** Pure tests that sit beside the integration tests of their subsystem, named one by one. */
const UNIT_ELSEWHERE = [
  'test/bench/bundles.test.ts',
  'test/bench/connection-log.test.ts',
  'test/bench/forgot-timing.test.ts',
  'test/bench/format.test.ts',
  'test/bench/load.test.ts',
  'test/bench/report.test.ts',
  'test/bench/run.test.ts',
  'test/bench/scenario.test.ts',
  'test/bench/stats.test.ts',
  'test/contract/contract.test.ts',
  'test/gateway/api.test.ts',
  'test/gateway/definition.test.ts',
  'test/gateway/dev-config.test.ts',
  'test/gateway/gateway-response-headers.test.ts',
  'test/gateway/gateway-responses.test.ts',
  'test/gateway/policy.test.ts',
];

const escape = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** @type {import('jest').Config} */
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    // The email templates, bundled as strings by esbuild's text loader.
    '^.+\\.(html|txt)$': '<rootDir>/test/support/text-file-transform.cjs',
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: {
          isolatedModules: true,
          module: 'commonjs',
          moduleResolution: 'node10',
          target: 'ES2022',
          esModuleInterop: true,
          resolveJsonModule: true,
        },
      },
    ],
  },
  // In every lane, so that each file switches the unit lane's guard on or off for itself.
  setupFilesAfterEnv: ['<rootDir>/test/support/unit-lane.ts'],
  collectCoverageFrom: ['functions/**/*.ts'],
};

/** Starts the embedded MongoDB once per run, and only when a selected test is in a lane that needs it. */
const withDatabase = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', ...UNIT_ELSEWHERE.map((path) => `<rootDir>/${path}`)],
      globals: { unitLane: true },
    },
    {
      ...common,
      ...withDatabase,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/test/unit/',
        '<rootDir>/test/e2e/',
        ...UNIT_ELSEWHERE.map((path) => `<rootDir>/${escape(path)}$`),
      ],
    },
    {
      ...common,
      ...withDatabase,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
    },
  ],
  // Options jest reads only here, not from a project.
  testTimeout: 30000,
  collectCoverageFrom: common.collectCoverageFrom,
  coverageThreshold: { './functions/': { lines: 90 } },
  coverageReporters: ['text-summary', 'lcov'],
};
