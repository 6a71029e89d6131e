import type { Reporter, TestModule } from 'vitest/node';

/** Ends the run with the plain `N passed, N failed, N skipped` line that CI reads. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    const n = { passed: 0, failed: 0, skipped: 0 };
    for (const m of modules) {
      let failedTests = 0;
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') n.passed += 1;
        else if (s === 'failed') failedTests += 1;
        else n.skipped += 1;
      }
      n.failed += failedTests;
      // A file that failed to load, or whose beforeAll/afterAll failed (its tests then show as skipped), has no
      // failed test of its own but must count as a failure.
      if (m.state() === 'failed' && failedTests === 0) n.failed += 1;
    }
    n.failed += errors.length;
    process.stdout.write(`\ntests: ${n.passed} passed, ${n.failed} failed, ${n.skipped} skipped\n`);
  }
}
