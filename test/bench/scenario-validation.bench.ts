// How long a controller waits for a 500-inject scenario to validate (target: well under a second).
// Run: npx vitest bench --run --project unit test/bench/scenario-validation.bench.ts
// Baseline in the same run: parsing the same text with the yaml library alone, the floor any validator pays.
import { parse } from 'yaml';
import { bench, describe } from 'vitest';
import { validateScenarioText } from '@drill/scenario';

function scenario500(): string {
  const lines = ['id: bench-drill', 'title: Bench drill', 'summary: 500 injects', 'plannedDuration: "+10:00"', 'phases:', '  - {id: P1, title: One}', 'injects:'];
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

describe('validate a 500-inject scenario', () => {
  bench('baseline: yaml.parse only', () => {
    parse(text);
  });
  bench('validateScenarioText (YAML, with positions)', () => {
    validateScenarioText(text, 'yaml');
  });
  bench('validateScenarioText (JSON)', () => {
    validateScenarioText(json, 'json');
  });
});
