// How long a controller waits for a 500-inject scenario to validate (target: well under a second).
// Baseline in the same run: parsing the same text with the yaml library alone, the floor any validator pays.
// Run: npm run bench -- validation
import { parse } from 'yaml';
import { syntheticScenarioYaml, validateScenarioText } from '@drill/scenario';
import { fmt, machine, ratio, report, summarize, table, time } from './support/common.js';

// The text the validation tests bound (libs/scenario/src/validate.spec.ts).
const text = syntheticScenarioYaml(500);
const json = JSON.stringify(parse(text));
if (validateScenarioText(text, 'yaml').errors.length) throw new Error('the bench scenario must be valid');

async function main() {
  const rows: (string | number)[][] = [];
  const add = (what: string, ms: number[], baseMs: number, target?: number) => {
    const s = summarize(ms);
    rows.push([
      what,
      s.n,
      fmt(s.p50, 2),
      fmt(s.p99, 2),
      ratio(s.p50, baseMs),
      target === undefined ? '' : s.p50 < target ? `✅ < ${target} ms` : `❌ ≥ ${target} ms`,
    ]);
    process.stderr.write(`validation: ${what}: median ${fmt(s.p50, 2)} ms\n`);
  };
  const base = await time(() => parse(text), 50, 5);
  const baseMs = summarize(base).p50;
  add('baseline: yaml.parse only', base, baseMs);
  add(
    'validateScenarioText (YAML, with positions)',
    await time(() => validateScenarioText(text, 'yaml'), 50, 5),
    baseMs,
    1000,
  );
  add('validateScenarioText (JSON)', await time(() => validateScenarioText(json, 'json'), 50, 5), baseMs, 1000);
  report(
    'Scenario validation: 500 injects',
    `${(text.length / 1024).toFixed(0)} KiB of YAML, 100 triggers. Median of 50 runs after 5 warm-up runs, single process. ${machine()}.\n\n` +
      table(['what', 'runs', 'median ms', 'p99 ms', 'vs baseline', 'target'], rows),
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`validation: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
