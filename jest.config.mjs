// Jest runs our ES modules natively (`node --experimental-vm-modules`, see package.json) and compiles TypeScript
// with SWC (scripts/swc-options.mjs): Nest's dependency injection needs legacy decorators with emitted metadata,
// which SWC keeps and the TypeScript-stripping loaders drop. Two projects: `unit` (specs beside the code, in
// parallel workers) and `e2e` (servers, Redis, PostgreSQL, Chromium; one file at a time, see
// test/support/serial-runner.mjs; the web consoles are bundled before it starts).
import { SWC_OPTIONS } from './scripts/swc-options.mjs';

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', SWC_OPTIONS] },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  // `@drill/<lib>` is the library's index; a relative `./x.js` of our sources is `./x.ts` until it is built.
  moduleNameMapper: {
    '^@drill/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

// Thresholds sit at the figures measured when they were set (2026-12-01, `CI=true npm run test:cov`; exercise,
// persistence and drill-server raised 2026-12-02), less half a
// point for the paths whose coverage varies with timing (retries, reconnects), rounded down; 100 stays 100. Raise
// them when coverage rises; never lower them.
const coverageThreshold = {
  './libs/auth/src/': { statements: 100, branches: 100 },
  // capacity: set 2026-12-02 from its unit spec alone (capacity.ts, csv.ts, from-aar.ts: 100 % statements, 92 % branches).
  './libs/capacity/src/': { statements: 97, branches: 88 },
  './libs/contracts/src/': { statements: 100, branches: 100 },
  './libs/exercise/src/': { statements: 98, branches: 93 },
  './libs/ioc/src/': { statements: 98, branches: 90 },
  './libs/ism/src/': { statements: 99, branches: 93 },
  './libs/persistence/src/': { statements: 97, branches: 97 },
  './libs/reporting/src/': { statements: 99, branches: 91 },
  './libs/scenario/src/': { statements: 96, branches: 84 },
  './libs/scoring/src/': { statements: 98, branches: 95 },
  './apps/drill-server/src/': { statements: 97, branches: 86 },
  './apps/drill-cli/src/': { statements: 88, branches: 81 },
};

/** @type {import('jest').Config} */
export default {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.mjs'],
  coverageProvider: 'v8',
  collectCoverageFrom: ['libs/*/src/**/*.ts', 'apps/*/src/**/*.ts', '!**/*.spec.ts'],
  coverageReporters: ['text-summary', 'json-summary', 'lcov'],
  coverageThreshold,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
      // The browser tests load the consoles as the server serves them: bundled from web/src, built fresh here.
      globalSetup: '<rootDir>/scripts/build-web.mjs',
      // e2e files start servers and share Redis; one file at a time keeps timing tests honest on 2 cores.
      runner: '<rootDir>/test/support/serial-runner.mjs',
    },
  ],
};
