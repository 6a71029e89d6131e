import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateScenarioText } from './index.js';

const files = ['acid-ransomware-health-bank.yaml', 'acid-gov-impersonation-scam.yaml', 'acid-supply-chain-vendor.yaml'];

describe('sample scenarios', () => {
  for (const f of files) {
    it(f, () => {
      let text: string;
      try { text = readFileSync(new URL(`../../../scenarios/${f}`, import.meta.url), 'utf8'); } catch { console.log(`${f}: missing`); return; }
      const r = validateScenarioText(text, 'yaml');
      for (const e of r.errors) console.log(`${f}:${e.line ?? '?'}:${e.column ?? '?'} ${e.path} — ${e.message}`);
      if (r.scenario) {
        const s = r.scenario;
        const trig = s.injects.filter((i) => i.trigger).map((i) => `${i.id}:${i.trigger!.kind}->${i.trigger!.inject}`);
        const targets = s.injects.map((i) => ('all' in i.targets && i.targets.all) ? 'all' : JSON.stringify(i.targets));
        console.log(`${f}: OK ${s.injects.length} injects, ${s.plannedDurationMinutes} min; triggers ${trig.join(', ')}`);
        console.log(`  targets: ${targets.join(' | ')}`);
        for (const i of s.injects) for (const x of [...(i.answerKey?.iocs ?? []), ...(i.answerKey?.decoys ?? [])]) console.log(`  ${i.id} ${x.type} ${x.original} -> ${x.value}`);
      }
      expect(r.errors).toEqual([]);
    });
  }
});
