// Benchmark 4 — scoring and after-action report generation for 30 teams × 200 injects.
//   - scoring: scoreExercise over 30,000 reports (support/scoring-data.ts), alone and
//     with explainInjectScore for every (team, inject) as the scorecards endpoint does; baseline: touching every
//     report once.
//   - AAR: @drill/reporting's synthetic 30 × 200 drill, model (buildAar) and every rendering (HTML with SVG charts,
//     CSV, JSON); baseline: serialising the AAR input to JSON once.
// Targets: scoring under 1 s, AAR under 5 s. Run: npm run bench -- scoring
import { buildAar, renderAarAll, renderAarCsv, renderAarHtml, syntheticAarInput } from '@drill/reporting';
import { explainInjectScore, scoreExercise } from '@drill/scoring';
import { fmt, machine, ratio, report, summarize, table, time } from './support/common.js';
import { INJECTS, input, REPORTS_PER_PAIR, TEAMS } from './support/scoring-data.js';

let sink = 0;

async function main() {
  const started = Date.now();
  const rows: (string | number)[][] = [];
  const add = (what: string, ms: number[], baseMs: number, target?: number) => {
    const s = summarize(ms);
    rows.push([
      what,
      s.n,
      fmt(s.p50),
      fmt(s.max),
      Number.isFinite(baseMs) ? ratio(s.p50, baseMs) : '—',
      target === undefined ? '' : s.p50 < target ? `✅ < ${target} ms` : `❌ ≥ ${target} ms`,
    ]);
    process.stderr.write(`scoring: ${what}: median ${fmt(s.p50)} ms, max ${fmt(s.max)} ms\n`);
  };

  const touch = await time(() => {
    let s = 0;
    for (const r of input.reports) s += r.atScenarioMin + (r.iocs?.length ?? 0) + r.injectIds.length;
    sink += s;
  }, 50);
  const touchMs = summarize(touch).p50;
  add(`baseline: touch each of ${input.reports.length} reports once`, touch, touchMs);
  add(
    'scoreExercise (full recompute)',
    await time(() => (sink += scoreExercise(input).teams.length), 10),
    touchMs,
    1000,
  );
  add(
    'scoreExercise + explainInjectScore for every (team, inject)',
    await time(() => {
      for (const t of scoreExercise(input).teams) for (const s of t.injects) sink += explainInjectScore(s).final.length;
    }, 10),
    touchMs,
    1000,
  );

  const aarInput = syntheticAarInput({ teams: TEAMS, injects: INJECTS });
  const serialise = await time(() => (sink += JSON.stringify(aarInput).length), 10);
  const baseMs = summarize(serialise).p50;
  add('baseline: JSON.stringify the AAR input once', serialise, baseMs);
  const aar = buildAar(aarInput);
  add('AAR model (buildAar)', await time(() => (sink += buildAar(aarInput) ? 1 : 0), 5, 1), baseMs);
  add(
    'AAR HTML with SVG charts (renderAarHtml)',
    await time(async () => (sink += (await renderAarHtml(aar)).length), 3, 1),
    baseMs,
  );
  add('AAR CSV (renderAarCsv)', await time(() => (sink += renderAarCsv(aar).length), 5, 1), baseMs);
  add(
    'AAR end to end: model + HTML + CSV + JSON (renderAarAll)',
    await time(async () => (sink += (await renderAarAll(aarInput)).html.length), 3, 1),
    baseMs,
    5000,
  );
  const all = await renderAarAll(aarInput);
  const aarNote = `AAR input: @drill/reporting syntheticAarInput(${TEAMS} teams × ${INJECTS} injects), already scored; the HTML is ${(all.html.length / 1024).toFixed(0)} KiB.`;

  report(
    `Scoring and after-action report: ${TEAMS} teams × ${INJECTS} injects`,
    `Scoring data: ${input.reports.length} reports (${REPORTS_PER_PAIR} per team and inject, ~6 IOCs each), deterministic. ` +
      `Median of repeated runs after warm-up, single process. ${aarNote} ${((Date.now() - started) / 1000).toFixed(0)} s. ${machine()}.\n\n` +
      table(['what', 'runs', 'median ms', 'max ms', 'vs baseline', 'target'], rows),
  );
  if (sink === -1) process.stdout.write('');
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`scoring: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
