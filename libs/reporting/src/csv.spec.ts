import { parse } from 'csv-parse/sync';
import { describe, expect, it } from '@jest/globals';
import { buildAar } from './build.js';
import { CSV_COLUMNS, csvField, renderAarCsv } from './csv.js';
import { fixtureInput } from './spec-fixture.js';

describe('csvField (RFC 4180)', () => {
  it('quotes fields with commas, quotes or line breaks and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });

  it('defuses text a spreadsheet would run as a formula, but not numbers', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@cmd')).toBe("'@cmd");
    expect(csvField(-1)).toBe('-1');
  });

  it('writes numbers in full and leaves missing figures empty', () => {
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
  });
});

describe('renderAarCsv', () => {
  const input = fixtureInput();
  // A justification with a comma, quotes and a line break must survive the round trip.
  input.scores.teams.find((t) => t.teamId === 'tC')!.injects[0]!.override!.justification = 'Phoned, said "done"\nlater';
  const aar = buildAar(input);
  const csv = renderAarCsv(aar);
  const rows = parse(csv, { columns: true }) as Record<string, string>[];

  it('has a header and one CRLF-terminated row per team × scored inject', () => {
    expect(csv.startsWith(CSV_COLUMNS.join(',') + '\r\n')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(rows.map((r) => `${r.team_code}/${r.inject_id}`)).toEqual(['A/I-1', 'B/I-1', 'C/I-1']);
  });

  it('carries exactly the figures of the JSON', () => {
    for (const t of aar.scorecards) {
      for (const r of t.injects) {
        const row = rows.find((x) => x.team_code === t.code && x.inject_id === r.injectId)!;
        expect(Number(row.team_percent)).toBe(t.percent);
        expect(Number(row.final_score)).toBe(r.final);
        expect(Number(row.auto_score)).toBe(r.auto);
        expect(Number(row.timeliness)).toBe(r.timeliness);
        expect(Number(row.completeness)).toBe(r.completeness);
        expect(row.iocs === '' ? null : Number(row.iocs)).toBe(r.components.iocs);
        expect(row.classification).toBe(''); // not in the answer key
        expect(row.time_to_report_min === '' ? null : Number(row.time_to_report_min)).toBe(r.timeToReport);
      }
    }
  });

  it('round-trips the override with its justification', () => {
    const c = rows.find((r) => r.team_code === 'C')!;
    expect(c.override_completeness).toBe('0.5');
    expect(c.override_timeliness).toBe('');
    expect(c.override_by).toBe('Eva Luator');
    expect(c.override_justification).toBe('Phoned, said "done"\nlater');
    expect(rows.find((r) => r.team_code === 'A')!.override_justification).toBe('');
    expect(c.released_scenario_time).toBe('T+00:01:00');
  });
});
