// How long a controller waits for a 500-inject scenario to validate (target: well under a second).
// Baseline in the same run: parsing the same text with the yaml library alone, the floor any validator pays.
// Run: npm run bench -- validation
import { parse } from 'yaml';
import { validateScenarioText } from '@drill/scenario';
import { fmt, machine, ratio, report, summarize, table, time } from './support/common.js';

function scenario500(): string {
  const lines = [
    'id: bench-drill',
    'title: Bench drill',
    'summary: 500 injects',
    'plannedDuration: "+10:00"',
    'phases:',
    '  - {id: P1, title: One}',
    'injects:',
  ];
  for (let i = 0; i < 500; i++) {
    lines.push(
      `  - id: I-${i}`,
      `    offset: "+${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}"`,
      '    phase: P1',
      `    title: Inject ${i}`,
      '    body: |',
      `      Something happened at host-${i}.example.`,
      '    targets: {teams: [SG, MY], tags: [tier1]}',
      '    severity: high',
      '    tlp: TLP:AMBER',
      '    responseRequired: true',
      '    targetMinutes: 30',
      '    deadlineMinutes: 60',
      '    answerKey:',
      '      iocs:',
      `        - {type: ip-dst, value: "198.51.100[.]${i % 250}", weight: 2, critical: true}`,
      `        - {type: domain, value: "c2-${i}[.]example"}`,
      '      decoys: [{type: domain, value: update.example}]',
      '      classification: {class: malicious-code, type: infected-system}',
      '      actions: [{code: BLOCK, keywords: [block]}]',
    );
    if (i > 0 && i % 5 === 0) lines.push('    trigger:', `      after: {inject: I-${i - 1}, delayMinutes: 1}`);
  }
  return lines.join('\n') + '\n';
}

const text = scenario500();
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
