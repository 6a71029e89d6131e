// Full-exercise recompute cost: 30 teams × 200 injects × 5 reports per (team, inject) = 30 000 reports.
// Run: npx vitest bench --run --project unit test/bench/scoring.bench.ts
// The baseline touches every report once (the floor any scorer pays); vitest prints the ratios in its summary.
import { bench, describe } from 'vitest';
import { explainInjectScore, scoreExercise } from '@drill/scoring';
import { INJECTS, input, REPORTS_PER_PAIR, TEAMS } from './support/scoring-data.js';

let sink = 0;
describe(`scoreExercise: ${TEAMS} teams × ${INJECTS} injects × ${REPORTS_PER_PAIR} reports (${input.reports.length} reports)`, () => {
  bench(
    'baseline: touch every report once',
    () => {
      let s = 0;
      for (const r of input.reports) s += r.atScenarioMin + (r.iocs?.length ?? 0) + r.injectIds.length;
      sink += s;
    },
    { time: 1000 },
  );
  bench(
    'scoreExercise (full recompute, structured reasons)',
    () => {
      sink += scoreExercise(input).teams.length;
    },
    { time: 3000 },
  );
  // Rendering prose for every score is what a full AAR does; scorecards render only what they show.
  bench(
    'scoreExercise + explainInjectScore for every (team, inject)',
    () => {
      for (const t of scoreExercise(input).teams) for (const s of t.injects) sink += explainInjectScore(s).final.length;
    },
    { time: 3000 },
  );
});
