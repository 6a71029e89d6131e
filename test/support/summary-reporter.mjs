// Ends the run with coverage per library (when coverage is on) and then the plain `N passed, N failed, N skipped`
// line that CI reads. Both are written as the process exits: Jest's own summary and coverage reports come after the
// custom reporters, and the line CI reads must be the last.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Statements and branches per library (`libs/<name>`) and app (`apps/<name>`), from Jest's json-summary report.
 * @param {string} file coverage-summary.json
 * @param {string} root the repository
 */
function coverageByLibrary(file, root) {
  /** @type {Record<string, {statements: {total: number, covered: number}, branches: {total: number, covered: number}}>} */
  const summary = JSON.parse(readFileSync(file, 'utf8'));
  /** @type {Map<string, {s: number, sc: number, b: number, bc: number}>} */
  const groups = new Map();
  for (const [path, sum] of Object.entries(summary)) {
    const m = /^(libs|apps)\/([^/]+)\//.exec(relative(root, path));
    if (!m) continue;
    const key = `${m[1]}/${m[2]}`;
    const g = groups.get(key) ?? { s: 0, sc: 0, b: 0, bc: 0 };
    g.s += sum.statements.total;
    g.sc += sum.statements.covered;
    g.b += sum.branches.total;
    g.bc += sum.branches.covered;
    groups.set(key, g);
  }
  const pct = (covered, total) => (total ? ((100 * covered) / total).toFixed(2) : '100.00').padStart(7);
  const lines = ['', 'coverage by library       statements  branches'];
  for (const [key, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${key.padEnd(22)} ${pct(g.sc, g.s)}%  ${pct(g.bc, g.b)}%`);
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
        process.stdout.write(coverageByLibrary(summary, this.config.rootDir));
      }
      process.stdout.write(line);
    });
  }
}
