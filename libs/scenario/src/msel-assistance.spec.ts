import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { exportMsel, importMsel, validateScenarioText, type Scenario } from './index.js';
import { writeCsv } from './msel-csv.js';

// Scripted requests for assistance in MSEL spreadsheets: the RFA columns, and cooperation targets in the
// "Scenario" sheet.
const csv = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');

const SCENARIO = [
  'id: rfa-drill',
  'title: RFA drill',
  'plannedDuration: "+02:00"',
  'cooperation: { respondMinutes: 20, fulfilMinutes: 90 }',
  'injects:',
  '  - id: I-01',
  '    offset: "+00:10"',
  '    title: Phishing site in your country',
  '    from: "JPCERT/CC (simulated)"',
  '    targets: { teams: [SG] }',
  '    assistance:',
  '      kind: takedown',
  '      text: "Please have it suspended.\\nSecond line."',
  '      iocs:',
  '        - { type: domain, value: "Login-Bank[.]example" }',
  '        - { type: url, value: "hxxps://login-bank[.]example/a;b" }',
  '        - { type: ip-dst|port, value: "198.51.100[.]7:8443" }',
  '      expect: { status: fulfilled, respondMinutes: 15, fulfilMinutes: 60.5, mentions: [suspended, "taken; down"] }',
  '  - id: I-02',
  '    offset: "+00:30"',
  '    title: A request to refuse',
  '    from: "Unverified liaison (simulated)"',
  '    assistance: { kind: other, expect: { status: declined, mentions: [verify, tlp] } }',
  '  - id: I-03',
  '    offset: "+00:40"',
  '    title: No request here',
  '',
].join('\n');

const scenario = (): Scenario => {
  const r = validateScenarioText(SCENARIO, 'yaml');
  expect(r.errors).toEqual([]);
  return r.scenario!;
};

const HEAD = 'Control Number,Delivery Time,Title,From';

describe('MSEL — scripted requests for assistance', () => {
  for (const format of ['csv', 'xlsx'] as const) {
    it(`export → import keeps every request (${format})`, async () => {
      const s = scenario();
      const back = await importMsel(await exportMsel(s, format), format, { id: s.id, title: s.title });
      expect(back.errors).toEqual([]);
      expect(back.scenario!.injects.map((i) => [i.id, i.from, i.assistance])).toEqual(
        s.injects.map((i) => [i.id, i.from, i.assistance]),
      );
      // The XLSX "Scenario" sheet carries the cooperation targets; a CSV has no place for scenario-wide fields.
      expect(back.scenario!.cooperation).toEqual(format === 'xlsx' ? s.cooperation : undefined);
      expect(back.yaml).toContain('assistance:');
    });
  }

  it('writes the RFA columns only for a scenario that scripts requests', async () => {
    const sheet = async (s: Scenario) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await exportMsel(s, 'xlsx')) as unknown as ExcelJS.Buffer);
      return wb.getWorksheet('MSEL')!;
    };
    const header = async (s: Scenario) => ((await sheet(s)).getRow(1).values as unknown[]).slice(1);
    const s = scenario();
    expect((await header(s)).slice(-7)).toEqual([
      'RFA Kind',
      'RFA Text',
      'RFA IOCs',
      'RFA Expect',
      'RFA Respond Minutes',
      'RFA Fulfil Minutes',
      'RFA Mentions',
    ]);
    const ws = await sheet(s);
    const at = (h: string) => ws.getRow(2).getCell((ws.getRow(1).values as unknown[]).indexOf(h)).value;
    expect(at('RFA IOCs')).toBe(
      'domain: Login-Bank[.]example\nurl: hxxps://login-bank[.]example/a;b\nip-dst|port: 198.51.100[.]7:8443',
    );
    expect(at('RFA Mentions')).toBe('suspended\ntaken; down'); // a ";" in a mention: one a line
    expect(at('RFA Fulfil Minutes')).toBe(60.5);
    const plain = { ...s, injects: s.injects.map(({ assistance: _, ...i }) => i) };
    expect(await header(plain)).not.toContain('RFA Kind');
  });

  it('reads RFA columns as drills would type them', async () => {
    const r = await importMsel(
      csv(
        `${HEAD},RFA Kind,RFA IOCs,Assistance Expect,RFA Mentions,RFA Respond Minutes`,
        'I-1,+00:10,Check logs,KrCERT/CC (simulated),Log Check,"ip-src: 203.0.113[.]5; Domain: Evil[.]example",Fulfilled,netflow; flows,15',
        'I-2,+00:20,Nothing asked,,,,,,',
      ),
      'csv',
      { id: 'typed', title: 'Typed' },
    );
    expect(r.errors).toEqual([]);
    expect(r.scenario!.injects[0]!.assistance).toEqual({
      kind: 'log-check',
      iocs: [
        { type: 'ip-src', value: '203.0.113.5', original: '203.0.113[.]5' },
        { type: 'domain', value: 'evil.example', original: 'Evil[.]example' },
      ],
      expect: { status: 'fulfilled', respondMinutes: 15, mentions: ['netflow', 'flows'] },
    });
    expect(r.scenario!.injects[1]!.assistance).toBeUndefined();
  });

  it('names the row and RFA column of each problem', async () => {
    const r = await importMsel(
      csv(
        `${HEAD},RFA Kind,RFA IOCs,RFA Expect,RFA Respond Minutes,RFA Fulfil Minutes`,
        'I-1,+00:10,A,X (simulated),ddos,,fulfilled,,',
        'I-2,+00:20,B,X (simulated),block,,,,',
        'I-3,+00:30,C,X (simulated),block,evil.example,fulfilled,,',
        'I-4,+00:40,D,X (simulated),block,ip-dst: 999.1.1.1,fulfilled,0,',
        'I-5,+00:50,E,,block,,accepted,,',
        'I-6,+01:00,F,X (simulated),block,,fulfilled,60,30',
        'I-7,+01:10,G,X (simulated),,,,,45',
      ),
      'csv',
      { id: 'bad', title: 'Bad' },
    );
    const at = r.errors.map((e) => [e.line, e.path]);
    expect(at).toEqual([
      [2, 'row 2, column "RFA Kind"'],
      [3, 'row 3, column "RFA Expect"'],
      [4, 'row 4, column "RFA IOCs"'],
      [5, 'row 5, column "RFA Respond Minutes"'],
      [6, 'row 6, column "From"'],
      [7, 'row 7, column "RFA Fulfil Minutes"'],
      [8, 'row 8, column "RFA Kind"'],
      [8, 'row 8, column "RFA Expect"'],
    ]);
    const message = (line: number) => r.errors.filter((e) => e.line === line).map((e) => e.message);
    expect(message(2)).toEqual(["'ddos' must be one of takedown, sinkhole, block, log-check, analysis, other"]);
    expect(message(3)[0]).toMatch(/^"RFA Expect" is empty/);
    expect(message(4)[0]).toMatch(/^'evil\.example' is not an indicator: write one a line as type: value/);
    expect(message(5)).toEqual(["'0' must be a number of minutes above 0"]);
    expect(message(6)[0]).toMatch(/^an inject with assistance needs 'from'/);
    expect(message(7)).toEqual(['fulfilMinutes (30) is before respondMinutes (60)']);
    expect(r.errors.find((e) => e.line === 5)!.column).toBe(8);
    expect(r.scenario).toBeUndefined();
  });

  it('reports an indicator the normaliser refuses at the RFA IOCs column', async () => {
    const r = await importMsel(
      csv(`${HEAD},RFA Kind,RFA IOCs,RFA Expect`, 'I-1,+00:10,A,X (simulated),block,ip-dst: 999.1.1.1,fulfilled'),
      'csv',
      { id: 'bad', title: 'Bad' },
    );
    expect(r.errors).toEqual([expect.objectContaining({ path: 'row 2, column "RFA IOCs"', line: 2, column: 6 })]);
    expect(r.errors[0]!.message).toMatch(/^ip-dst value '999\.1\.1\.1' is invalid/);
  });

  it('keeps every sample drill’s requests through XLSX', async () => {
    for (const file of [
      'acid-gov-impersonation-scam.yaml',
      'acid-ransomware-health-bank.yaml',
      'acid-supply-chain-vendor.yaml',
    ]) {
      const s = validateScenarioText(
        readFileSync(new URL(`../../../scenarios/${file}`, import.meta.url), 'utf8'),
        'yaml',
      ).scenario!;
      const back = await importMsel(await exportMsel(s, 'xlsx'), 'xlsx');
      expect(back.errors).toEqual([]);
      expect(back.scenario!.injects.map((i) => i.assistance)).toEqual(s.injects.map((i) => i.assistance));
    }
  });

  it('never throws on RFA cells of any kind, and places every problem at its row and column', async () => {
    const RFA = ['RFA Kind', 'RFA Text', 'RFA IOCs', 'RFA Expect', 'RFA Respond Minutes', 'RFA Fulfil Minutes'];
    const word = fc.oneof(
      fc.constantFrom(
        '',
        'takedown',
        'Log Check',
        'ddos',
        'fulfilled',
        'Declined',
        'maybe',
        '0',
        '15',
        '-3',
        'x',
        'domain: evil[.]example',
        'ip-dst: 999.1.1.1',
        'url: hxxp://a[.]example/x;domain: b[.]example',
        'evil.example',
        'sha256:',
        'AS: 64500',
      ),
      fc.string({ maxLength: 12 }),
    );
    const rows = fc.array(
      fc.tuple(
        fc.constantFrom('', 'X (simulated)'),
        fc.oneof(
          fc.constant(['', '', '', '', '', '']),
          fc.constant(['block', '', 'domain: evil[.]example', 'fulfilled', '15', '']),
          fc.array(word, { minLength: 6, maxLength: 6 }),
        ),
      ),
      {
        minLength: 1,
        maxLength: 6,
      },
    );
    let imported = 0;
    await fc.assert(
      fc.asyncProperty(rows, async (rs) => {
        const table = [
          ['ID', 'Delivery Time', 'Title', 'From', ...RFA],
          ...rs.map(([from, cells], i) => [`I-${i + 1}`, '+00:10', 'T', from, ...cells]),
        ];
        const r = await importMsel(writeCsv(table), 'csv', { id: 'fuzz', title: 'Fuzz' });
        if (r.scenario) imported++;
        else expect(r.errors.length).toBeGreaterThan(0);
        for (const e of r.errors) {
          const m = /^row (\d+), column "([^"]+)"$/.exec(e.path);
          expect([e.path, m && Number(m[1]) === e.line]).toEqual([e.path, true]);
          if (m![2] !== 'From') expect(e.column).toBe(table[0]!.indexOf(m![2]!) + 1);
        }
      }),
      { numRuns: 200 },
    );
    expect(imported).toBeGreaterThan(0);
  }, 60_000);
});
