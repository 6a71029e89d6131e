// Ends the run with coverage per library (when coverage is on) and then the plain `N passed, N failed, N skipped`
// line that CI reads. Both are written as the process exits: Jest's own summary and coverage reports come after the
// custom reporters, and the line CI reads must be the last.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * Statements and branches per library (`libs/<name>`) and app (`apps/<name>`), from Jest's json-summary report,
 * with the directory thresholds of the config that are not met.
 * @param {string} file coverage-summary.json
 * @param {import('@jest/types').Config.GlobalConfig} config
 */
function coverageByLibrary(file, config) {
  /** @type {Record<string, {statements: {total: number, covered: number}, branches: {total: number, covered: number}}>} */
  const summary = JSON.parse(readFileSync(file, 'utf8'));
  const files = Object.entries(summary).filter(([path]) => path !== 'total');
  /** @param {(path: string) => boolean} take */
  const sum = (take) => {
    const g = { s: 0, sc: 0, b: 0, bc: 0 };
    for (const [, f] of files.filter(([path]) => take(path))) {
      g.s += f.statements.total;
      g.sc += f.statements.covered;
      g.b += f.branches.total;
      g.bc += f.branches.covered;
    }
    return { statements: g.s ? (100 * g.sc) / g.s : 100, branches: g.b ? (100 * g.bc) / g.b : 100 };
  };
  const keys = [...new Set(files.map(([path]) => /^(?:libs|apps)\/[^/]+/.exec(relative(config.rootDir, path))?.[0]))];
  const lines = ['', 'coverage by library       statements  branches'];
  for (const key of keys.filter((k) => k !== undefined).sort()) {
    const c = sum((path) => relative(config.rootDir, path).startsWith(`${key}/`));
    lines.push(`  ${key.padEnd(22)} ${c.statements.toFixed(2).padStart(7)}%  ${c.branches.toFixed(2).padStart(7)}%`);
  }
  for (const [dir, want] of Object.entries(config.coverageThreshold ?? {})) {
    if (dir === 'global') continue;
    const c = sum((path) => path.startsWith(resolve(config.rootDir, dir)));
    for (const kind of /** @type {const} */ (['statements', 'branches'])) {
      const min = want[kind];
      if (min !== undefined && c[kind] < min)
        lines.push(`  below threshold: ${dir} ${kind} ${c[kind].toFixed(2)}% < ${min}%`);
    }
  }
  return lines.join('\n') + '\n';
}

/** @implements {import('@jest/reporters').Reporter} */
export default class SummaryReporter {
  /** @param {import('@jest/types').Config.GlobalConfig} globalConfig */
  constructor(globalConfig) {
    this.config = globalConfig;
  }

  /**
   * @param {Set<unknown>} _contexts
   * @param {import('@jest/test-result').AggregatedResult} results
   */
  onRunComplete(_contexts, results) {
    // A file that failed to load, or whose beforeAll failed before any test ran, has no failed test of its own but
    // must count as a failure.
    const brokenFiles = results.testResults.filter((f) => f.testExecError != null && f.numFailingTests === 0).length;
    const failed = results.numFailedTests + brokenFiles;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `\ntests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`;
    const summary = join(this.config.coverageDirectory, 'coverage-summary.json');
    const startedAt = results.startTime;
    process.once('exit', () => {
      // Pipes and files are written synchronously on Linux, so these lines are out before the process ends.
      // Only this run's report, never one left by an earlier run.
      if (this.config.collectCoverage && existsSync(summary) && statSync(summary).mtimeMs >= startedAt) {
        process.stdout.write(coverageByLibrary(summary, this.config));
      }
      process.stdout.write(line);
    });
  }
}
