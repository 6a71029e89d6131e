import { parse } from 'csv-parse/sync';
import { describe, expect, it } from '@jest/globals';
import { buildAar } from './build.js';
import { CSV_COLUMNS, csvField, renderAarCsv, roundTo } from './csv.js';
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

describe('roundTo', () => {
  it('rounds half away from zero to the nearest double of the decimal figure', () => {
    expect(roundTo(2.4899999999999998, 2)).toBe(2.49);
    expect(String(roundTo(2.4899999999999998, 2))).toBe('2.49');
    expect(roundTo(1.005, 2)).toBe(1.01); // 1.005 is stored as 1.00499999…: rounded as written
    expect(roundTo(0.90625, 3)).toBe(0.906);
    expect(roundTo(0.9065, 3)).toBe(0.907);
    expect(roundTo(-2.345, 2)).toBe(-2.35);
    expect(Object.is(roundTo(-0.0001, 2), 0)).toBe(true); // no "-0"
    expect(roundTo(null, 2)).toBeNull();
    expect(roundTo(undefined, 2)).toBeUndefined();
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

  it("carries the JSON's figures, rounded as documented: scores to 3 places, percentages and minutes to 2", () => {
    // Worked out here independently of roundTo: the HTML prints scores with at most three decimals.
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    const r2 = (x: number) => Math.round(x * 100) / 100;
    for (const t of aar.scorecards) {
      for (const r of t.injects) {
        const row = rows.find((x) => x.team_code === t.code && x.inject_id === r.injectId)!;
        expect(Number(row.team_percent)).toBe(r2(t.percent!));
        expect(Number(row.final_score)).toBe(r3(r.final));
        expect(Number(row.auto_score)).toBe(r3(r.auto));
        expect(Number(row.timeliness)).toBe(r3(r.timeliness));
        expect(Number(row.completeness)).toBe(r3(r.completeness));
        expect(row.iocs === '' ? null : Number(row.iocs)).toBe(
          r.components.iocs === null ? null : r3(r.components.iocs),
        );
        expect(row.classification).toBe(''); // not in the answer key
        expect(row.time_to_report_min === '' ? null : Number(row.time_to_report_min)).toBe(
          r.timeToReport === null ? null : r2(r.timeToReport),
        );
      }
    }
  });

  it('never writes a binary-floating-point tail such as 2.4899999999999998', () => {
    const noisy = buildAar(fixtureInput());
    const a = noisy.scorecards.find((t) => t.code === 'A')!;
    a.percent = 93.43750000000001;
    a.injects[0]!.timeToReport = 2.4899999999999998;
    a.injects[0]!.timeToAcknowledge = 0.1 + 0.2;
    a.injects[0]!.final = 0.30000000000000004;
    const text = renderAarCsv(noisy);
    const row = (parse(text, { columns: true }) as Record<string, string>[]).find((r) => r.team_code === 'A')!;
    expect(row).toMatchObject({
      team_percent: '93.44',
      time_to_report_min: '2.49',
      time_to_ack_min: '0.3',
      final_score: '0.3',
    });
    expect(text).not.toMatch(/\d\.\d{4,}/); // no figure with more than three decimals anywhere
  });

  it('carries the report’s TLP marking on every row, TLP:AMBER unless the evaluator chose another', () => {
    expect(rows.every((r) => r.report_tlp === 'TLP:AMBER')).toBe(true);
    const red = parse(renderAarCsv(buildAar({ ...fixtureInput(), marking: 'TLP:RED' })), { columns: true }) as Record<
      string,
      string
    >[];
    expect(red.length).toBeGreaterThan(0);
    expect(red.every((r) => r.report_tlp === 'TLP:RED')).toBe(true);
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
