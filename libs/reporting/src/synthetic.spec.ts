import { parse } from 'csv-parse/sync';
import { describe, expect, it } from '@jest/globals';
import { renderAarAll, syntheticAarInput } from './synthetic.js';

describe('syntheticAarInput / renderAarAll (what the benchmark times)', () => {
  it('builds a drill of the asked size and renders all three formats with the same figures', async () => {
    // 4 teams × 10 injects, one in ten informational (I-000): 4 × 9 scored pairs.
    const { aar, json, csv, html } = await renderAarAll(syntheticAarInput({ teams: 4, injects: 10 }));
    expect(aar.scorecards).toHaveLength(4);
    expect(aar.keyFigures.pairsScored).toBe(36);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(36);
    const parsed = JSON.parse(json);
    for (const row of rows) {
      const team = parsed.scorecards.find((t: { code: string }) => t.code === row.team_code);
      // The CSV rounds as documented in csv.ts: percentages to 2 places, scores to 3.
      expect(Number(row.team_percent)).toBe(Math.round(team.percent * 100) / 100);
      expect(Number(row.final_score)).toBe(
        Math.round(team.injects.find((i: { injectId: string }) => i.injectId === row.inject_id).final * 1000) / 1000,
      );
    }
    expect(html).toContain('<strong>DRAFT</strong>');
  });

  it('is deterministic for a seed', () => {
    const a = syntheticAarInput({ teams: 3, injects: 5, seed: 7 });
    const b = syntheticAarInput({ teams: 3, injects: 5, seed: 7 });
    expect(JSON.stringify(a.scores)).toBe(JSON.stringify(b.scores));
  });
});
