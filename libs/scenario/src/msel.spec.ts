import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from '@jest/globals';
import { exportMsel, importMsel, validateScenarioText, type Inject, type Scenario } from './index.js';

const csv = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');

async function xlsx(build: (ws: ExcelJS.Worksheet, wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb.addWorksheet('Inject list'), wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** What the MSEL columns carry of an inject. */
function mselFields(i: Inject) {
  return {
    id: i.id,
    phase: i.phase,
    offset: i.offset,
    title: i.title,
    body: i.body,
    from: i.from,
    targets: i.targets,
    expectedActions: i.expectedActions,
    severity: i.severity,
    tlp: i.tlp,
    responseRequired: i.responseRequired,
    targetMinutes: i.targetMinutes,
    deadlineMinutes: i.deadlineMinutes,
    extraColumns: i.extraColumns,
  };
}

describe('importMsel — CSV', () => {
  it('reads the columns drills use, whatever their case and spelling, below a title row', async () => {
    const r = await importMsel(
      csv(
        'ACID 2026 MSEL,,,,,,,,,,,',
        '  control number ,MOVE,T+,subject,details,From Org,Assigned To,expected actions,severity,tlp,Status,',
        '1,Move 1,T+00:20,Ransomware at bank,"Logs attached, see below.\nSecond line with ""quotes""",Bank CSIRT,All teams,Isolate,High,amber,Planned,',
        '2,P2: Containment,0:45,Follow-up,,,"sg; MY",,,TLP:WHITE,,kept',
        '3,Move 1,01:05:30,Tagged,,,"SG, tag:Tier1",,low,,,',
        ',,,,,,,,,,,',
        '4,P2: Containment,+02:00,Last,,,,,critical,TLP:RED,Draft,',
      ),
      'csv',
      { title: 'ACID 2026 drill' },
    );
    expect(r.errors).toEqual([]);
    const s = r.scenario!;
    expect(s.id).toBe('acid-2026-drill'); // from the title
    expect(s.title).toBe('ACID 2026 drill');
    expect(s.plannedDurationMinutes).toBe(120); // last offset +02:00, whole hours
    expect(s.phases).toEqual([
      { id: 'Move-1', title: 'Move 1' },
      { id: 'P2', title: 'Containment' },
    ]);
    expect(s.injects.map(mselFields)).toEqual([
      {
        id: '1',
        phase: 'Move-1',
        offset: '+00:20',
        title: 'Ransomware at bank',
        body: 'Logs attached, see below.\nSecond line with "quotes"',
        from: 'Bank CSIRT',
        targets: { all: true },
        expectedActions: 'Isolate',
        severity: 'high',
        tlp: 'TLP:AMBER',
        responseRequired: false,
        targetMinutes: undefined,
        deadlineMinutes: undefined,
        extraColumns: { Status: 'Planned' },
      },
      {
        id: '2',
        phase: 'P2',
        offset: '+00:45',
        title: 'Follow-up',
        body: '',
        from: undefined,
        targets: { teams: ['SG', 'MY'], tags: [] },
        expectedActions: undefined,
        severity: 'medium',
        tlp: 'TLP:CLEAR',
        responseRequired: false,
        targetMinutes: undefined,
        deadlineMinutes: undefined,
        extraColumns: { 'Column L': 'kept' }, // an untitled column holding data is kept too
      },
      {
        id: '3',
        phase: 'Move-1',
        offset: '+01:05:30',
        title: 'Tagged',
        body: '',
        from: undefined,
        targets: { teams: ['SG'], tags: ['tier1'] },
        expectedActions: undefined,
        severity: 'low',
        tlp: 'TLP:AMBER',
        responseRequired: false,
        targetMinutes: undefined,
        deadlineMinutes: undefined,
        extraColumns: undefined,
      },
      {
        id: '4',
        phase: 'P2',
        offset: '+02:00',
        title: 'Last',
        body: '',
        from: undefined,
        targets: { all: true },
        expectedActions: undefined,
        severity: 'critical',
        tlp: 'TLP:RED',
        responseRequired: false,
        targetMinutes: undefined,
        deadlineMinutes: undefined,
        extraColumns: { Status: 'Draft' },
      },
    ]);
  });

  it('reads semicolon-separated CSV (decimal-comma locales)', async () => {
    const r = await importMsel(csv('ID;Time;Title;To', '1;+00:10;First;SG, MY'), 'csv', { id: 'semi' });
    expect(r.errors).toEqual([]);
    expect(r.scenario!.injects[0]!.targets).toEqual({ teams: ['SG', 'MY'], tags: [] });
  });

  it('reports problems by spreadsheet row and column, all at once', async () => {
    const r = await importMsel(
      csv(
        'Control Number,Delivery Time,Title,To,Severity,TLP,Target Minutes,Deadline Minutes',
        '1,+00:20,Good,all,high,amber,30,60',
        '2,soon,Bad time,all,,,,',
        '3,+00:30,,all,,,,',
        '1,+00:40,Dup,all,,,,',
        '4,+00:50,Sev,all,urgent,TLP:PINK,,',
        '5,+01:00,Team,S G,,,,',
        '6,+01:10,Late,all,,,30,20',
        '7,+01:20,Mins,all,,,half,',
      ),
      'csv',
    );
    expect(r.scenario).toBeUndefined();
    expect(r.yaml).toBeUndefined();
    expect(r.errors).toEqual([
      {
        path: 'row 3, column "Delivery Time"',
        message: "'soon' is not an offset; write +HH:MM, T+HH:MM, HH:MM or H:MM:SS",
        line: 3,
        column: 2,
      },
      { path: 'row 4, column "Title"', message: '"Title" is empty', line: 4, column: 3 },
      {
        path: 'row 5, column "Control Number"',
        message: "duplicate inject id '1' (first defined at row 2)",
        line: 5,
        column: 1,
      },
      {
        path: 'row 6, column "Severity"',
        message: "severity 'urgent' must be low, medium, high or critical",
        line: 6,
        column: 5,
      },
      {
        path: 'row 6, column "TLP"',
        message: "'TLP:PINK' is not a TLP label (TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED)",
        line: 6,
        column: 6,
      },
      {
        path: 'row 7, column "To"',
        message: "team code 'S G' must be 2–32 upper-case letters, digits, '-' or '_' (e.g. SG, MYCERT)",
        line: 7,
        column: 4,
      },
      {
        path: 'row 8, column "Deadline Minutes"',
        message: 'deadlineMinutes (20) is before targetMinutes (30)',
        line: 8,
        column: 8,
      },
      {
        path: 'row 9, column "Target Minutes"',
        message: "'half' must be a whole number of minutes",
        line: 9,
        column: 7,
      },
    ]);
  });

  it('refuses "all" mixed with team codes', async () => {
    const r = await importMsel(csv('ID,Time,Title,To', '1,+00:10,First,"all, SG"'), 'csv');
    expect(r.errors).toEqual([
      {
        path: 'row 2, column "To"',
        message: "'all' cannot be combined with team codes or tags in 'all, SG'",
        line: 2,
        column: 4,
      },
    ]);
  });

  it('names a missing column', async () => {
    const r = await importMsel(csv('ID,Title', '1,First'), 'csv');
    expect(r.errors).toEqual([
      { path: 'header', message: 'missing column "Delivery Time" (or Time, Offset, T+, Simulated Time)', line: 1 },
    ]);
  });

  it('says when it finds no header row', async () => {
    const r = await importMsel(csv('foo,bar', '1,2'), 'csv');
    expect(r.errors).toEqual([
      {
        path: 'header',
        message: 'no header row found: expected columns such as Control Number, Delivery Time and Title',
      },
    ]);
  });

  it('produces YAML that validates back to the same scenario', async () => {
    const r = await importMsel(
      csv('ID,Move,Time,Title,Description,To,TLP', '1,P1: Detection,+00:10,First,"Line 1\nLine 2\n",SG,green'),
      'csv',
      {
        id: 'from-csv',
        title: 'From CSV',
      },
    );
    expect(r.errors).toEqual([]);
    const back = validateScenarioText(r.yaml!, 'yaml');
    expect(back.errors).toEqual([]);
    expect(back.scenario).toEqual(r.scenario);
  });
});

describe('importMsel — XLSX', () => {
  it('reads time cells, numbers and rich text from the first sheet', async () => {
    const data = await xlsx((ws) => {
      ws.addRow(['ACID 2026 — MSEL']);
      ws.addRow([]);
      ws.addRow([
        'Inject ID',
        'Phase',
        'Simulated Time',
        'Subject',
        'Body',
        'From Org',
        'Targets',
        'Expected Action',
        'Severity',
        'TLP',
        'Notes',
      ]);
      const r4 = ws.addRow([
        1,
        'Move 1',
        new Date(Date.UTC(1899, 11, 30, 0, 20)),
        { richText: [{ text: 'Ransom' }, { font: { bold: true }, text: 'ware' }] },
        'Body text',
        'Bank',
        'All teams',
        'Isolate',
        'Critical',
        'TLP:WHITE',
        'check logs',
      ]);
      r4.getCell(3).numFmt = 'h:mm';
      ws.addRow([2, 'Move 1', 45 / 1440, 'Follow-up', null, null, 'sg; tag:Tier1']);
    });
    const r = await importMsel(data, 'xlsx', { id: 'xlsx-drill' });
    expect(r.errors).toEqual([]);
    const s = r.scenario!;
    expect(s.id).toBe('xlsx-drill');
    expect(s.plannedDurationMinutes).toBe(60);
    expect(s.phases).toEqual([{ id: 'Move-1', title: 'Move 1' }]);
    expect(s.injects.map(mselFields)).toEqual([
      {
        id: '1',
        phase: 'Move-1',
        offset: '+00:20',
        title: 'Ransomware',
        body: 'Body text',
        from: 'Bank',
        targets: { all: true },
        expectedActions: 'Isolate',
        severity: 'critical',
        tlp: 'TLP:CLEAR',
        responseRequired: false,
        targetMinutes: undefined,
        deadlineMinutes: undefined,
        extraColumns: { Notes: 'check logs' },
      },
      {
        id: '2',
        phase: 'Move-1',
        offset: '+00:45',
        title: 'Follow-up',
        body: '',
        from: undefined,
        targets: { teams: ['SG'], tags: ['tier1'] },
        expectedActions: undefined,
        severity: 'medium',
        tlp: 'TLP:AMBER',
        responseRequired: false,
        targetMinutes: undefined,
        deadlineMinutes: undefined,
        extraColumns: undefined,
      },
    ]);
  });

  it('refuses a calendar date in the time column, by row', async () => {
    const data = await xlsx((ws) => {
      ws.addRow(['ID', 'Delivery Time', 'Title']);
      ws.addRow(['1', new Date(Date.UTC(2026, 4, 1, 9, 20)), 'Dated']);
    });
    const r = await importMsel(data, 'xlsx');
    expect(r.errors).toEqual([
      {
        path: 'row 2, column "Delivery Time"',
        message: '2026-05-01T09:20:00.000Z is a date, not an offset from the start; write the offset as +HH:MM',
        line: 2,
        column: 2,
      },
    ]);
  });

  it('reports a file that is not a workbook', async () => {
    const r = await importMsel(Buffer.from('not a zip'), 'xlsx');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.path).toBe('file');
    expect(r.errors[0]!.message).toMatch(/^not a readable XLSX file: /);
  });
});

describe('exportMsel', () => {
  const small: Scenario = {
    id: 'small',
    title: 'Small',
    summary: '',
    plannedDurationMinutes: 60,
    objectives: [],
    phases: [{ id: 'P1', title: 'P1' }],
    injects: [
      {
        id: '1',
        offset: '+00:20',
        offsetSeconds: 1200,
        phase: 'P1',
        title: 'Alert, "urgent"',
        body: 'Line 1\nLine 2',
        from: '=cmd',
        artefacts: [],
        targets: { teams: ['SG', 'MY'], tags: ['tier1'] },
        severity: 'high',
        tlp: 'TLP:AMBER+STRICT',
        responseRequired: true,
        targetMinutes: 30,
        deadlineMinutes: 60,
        expectedActions: '-',
        extraColumns: { Status: 'Planned' },
      },
    ],
  };

  it('writes RFC 4180 CSV with a BOM and defuses formula-like cells', async () => {
    const out = await exportMsel(small, 'csv');
    expect([...out.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(out.subarray(3).toString('utf8')).toBe(
      'Control Number,Move,Delivery Time,Title,Description,From,To,Expected Actions,Severity,TLP,Response Required,Target Minutes,Deadline Minutes,Status\r\n' +
        '1,P1,T+00:20,"Alert, ""urgent""","Line 1\nLine 2",\'=cmd,"SG, MY, tag:tier1",\'-,high,TLP:AMBER+STRICT,yes,30,60,Planned\r\n',
    );
    // …and reads the defused cells back as they were.
    const back = await importMsel(out, 'csv', { id: 'small', title: 'Small' });
    expect(back.errors).toEqual([]);
    expect(back.scenario!.injects[0]!.from).toBe('=cmd');
    expect(back.scenario!.injects[0]!.expectedActions).toBe('-');
  });

  it('leaves ordinary apostrophes alone and round-trips an apostrophe before a formula sign', async () => {
    const s = structuredClone(small);
    s.injects[0]!.title = "'Tis the season";
    s.injects[0]!.from = "'=x";
    const text = (await exportMsel(s, 'csv')).subarray(3).toString('utf8');
    expect(text).toContain(",'Tis the season,");
    expect(text).toContain(",''=x,");
    const back = await importMsel(Buffer.from(text), 'csv');
    expect(back.scenario!.injects[0]!.title).toBe("'Tis the season");
    expect(back.scenario!.injects[0]!.from).toBe("'=x");
  });

  it('writes an XLSX workbook with the MSEL sheet first', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportMsel(small, 'xlsx')) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['MSEL', 'Scenario']);
    const ws = wb.getWorksheet('MSEL')!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([
      'Control Number',
      'Move',
      'Delivery Time',
      'Title',
      'Description',
      'From',
      'To',
      'Expected Actions',
      'Severity',
      'TLP',
      'Response Required',
      'Target Minutes',
      'Deadline Minutes',
      'Status',
    ]);
    expect(ws.getRow(2).getCell(3).value).toBe('T+00:20');
    expect(ws.getRow(2).getCell(6).value).toBe('=cmd'); // a string cell, not a formula: no escaping needed
    expect(ws.getRow(2).getCell(12).value).toBe(30);
  });
});

describe('MSEL round trip', () => {
  const fixture = readFileSync(new URL('../../../scenarios/fixtures/minimal.yaml', import.meta.url), 'utf8');
  const original = (): Scenario => {
    const s = validateScenarioText(fixture, 'yaml').scenario!;
    s.injects[1]!.extraColumns = { Status: 'Planned', 'Measure of Performance': 'Peer warned within 15 min' };
    s.injects[2]!.body = 'Ends with a newline\n';
    return s;
  };

  for (const format of ['csv', 'xlsx'] as const) {
    it(`export → import keeps every field the MSEL columns carry (${format})`, async () => {
      const s = original();
      const back = await importMsel(await exportMsel(s, format), format, { id: s.id, title: s.title });
      expect(back.errors).toEqual([]);
      expect(back.scenario!.injects.map(mselFields)).toEqual(s.injects.map(mselFields));
      expect(back.scenario!.phases).toEqual(s.phases.map(({ id, title }) => ({ id, title })));
    });
  }

  it('keeps id, title, summary and planned duration through XLSX without being told', async () => {
    const s = original();
    const back = (await importMsel(await exportMsel(s, 'xlsx'), 'xlsx')).scenario!;
    expect({
      id: back.id,
      title: back.title,
      summary: back.summary,
      plannedDurationMinutes: back.plannedDurationMinutes,
    }).toEqual({
      id: 'fixture-minimal',
      title: 'Fixture — ransomware at a bank',
      summary:
        'A bank in country A reports ransomware; teams analyse the logs, share indicators and warn their peers.\n',
      plannedDurationMinutes: 120,
    });
  });

  it('an imported scenario survives export and re-import unchanged', async () => {
    const first = await importMsel(
      csv(
        'ID,Move,Time,Title,Description,To,Severity,Notes',
        '1,Move 1,T+00:10,A,"x, y",SG,high,n1',
        '2,Detection: first signs,00:40:15,B,,tag:tier1,,',
      ),
      'csv',
      { id: 'again', title: 'Again' },
    );
    expect(first.errors).toEqual([]);
    for (const format of ['csv', 'xlsx'] as const) {
      const second = await importMsel(await exportMsel(first.scenario!, format), format, {
        id: 'again',
        title: 'Again',
      });
      expect(second.errors).toEqual([]);
      expect(second.scenario).toEqual(first.scenario);
    }
  });
});
