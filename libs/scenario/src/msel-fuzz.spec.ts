import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import type { FieldProblem } from '@drill/contracts';
import { importMsel, type MselImport } from './index.js';
import { writeCsv } from './msel-csv.js';
import { packZip, unpackZip } from './msel-zip.js';

// Property-based fuzzing of the MSEL import, from random tables (CSV and XLSX), random cells of every kind a
// workbook holds, and damaged files: it never throws, never takes long, and every problem says where it is.

// A few seconds is far above what any of these small inputs needs; a hang or a quadratic walk shows as a failure.
const MAX_MS = 3000;

function wherePlace(e: FieldProblem): string | undefined {
  if (typeof e.message !== 'string' || e.message.trim() === '') return 'empty message';
  if (e.path === 'file' || e.path === 'header' || e.path.startsWith('/')) return undefined;
  const row = /^row (\d+)(?:, column "[^"]*")?$/s.exec(e.path);
  if (row) return e.line === Number(row[1]) ? undefined : `line ${e.line} is not row ${row[1]}`;
  const cell = /^(?:sheet "[^"]+", )?cell ([A-Z]+)(\d+)$/.exec(e.path);
  if (cell)
    return e.line === Number(cell[2]) && e.column !== undefined && e.message.includes(`${cell[1]}${cell[2]}`)
      ? undefined
      : `the message or position does not name ${cell[1]}${cell[2]}`;
  return `path '${e.path}' names no field, row or cell`;
}

/** The import's contract, whatever the input. */
async function importChecked(data: Buffer, format: 'csv' | 'xlsx'): Promise<MselImport> {
  const start = performance.now();
  const r = await importMsel(data, format, { id: 'fuzz', title: 'Fuzz' });
  const ms = performance.now() - start;
  expect(ms).toBeLessThan(MAX_MS);
  if (r.scenario) {
    expect(r.errors).toEqual([]);
    expect(typeof r.yaml).toBe('string');
  } else expect(r.errors.length).toBeGreaterThan(0);
  for (const e of r.errors) {
    expect([e, wherePlace(e)]).toEqual([e, undefined]);
    if (/at most/.test(e.message)) expect(e.message).toMatch(/\((MSEL_[A-Z_]+)\)/);
  }
  return r;
}

const HEADERS = [
  'Control Number',
  'ID',
  '#',
  'Move',
  'Phase',
  'Delivery Time',
  'Time',
  'T+',
  'Title',
  'Subject',
  'Description',
  'From',
  'To',
  'Targets',
  'Expected Actions',
  'Severity',
  'TLP',
  'Response Required',
  'Target Minutes',
  'Deadline Minutes',
  'Status',
  'Notes',
];
const WORDS = [
  '+00:10',
  'T+01:05',
  '0:45',
  '1:02:03',
  '999:59',
  '-1:00',
  'soon',
  'all',
  'SG, MY',
  'tag:tier1',
  'all, SG',
  's g',
  'high',
  'urgent',
  'TLP:AMBER',
  'amber',
  'yes',
  'maybe',
  '30',
  '-5',
  '1e3',
  '=A1',
  "'=cmd",
  '#REF!',
  'P1: Detection',
  'Move 1',
  ':',
  ' ',
  '',
];
const word = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HEADERS, ...WORDS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
);
/** A header-like first row makes most tables reach the row mapping, not just "no header row". */
const noise = fc
  .tuple(fc.array(fc.constantFrom(...HEADERS), { maxLength: 12 }), fc.array(fc.array(word, { maxLength: 14 })))
  .map(([header, rows]) => [header, ...rows.slice(0, 25)]);
/** An MSEL as drills write one, with a random share of blanks, bad values and odd characters. */
const msel = fc
  .tuple(
    fc.subarray(HEADERS.filter((h) => !/ID|Number|#|Time|T\+|Title|Subject/.test(h))),
    fc.array(
      fc.tuple(
        fc.constantFrom('+00:10', '0:45', 'T+01:05', '1:02:03', '+00:20', 'soon'),
        fc.oneof(fc.constantFrom('Phishing wave', 'Ransom note', 'Leak'), word),
        fc.array(fc.option(word, { nil: '' }), { maxLength: 8 }),
      ),
      { minLength: 1, maxLength: 20 },
    ),
  )
  .map(([optional, rows]) => [
    ['ID', 'Delivery Time', 'Title', ...optional],
    ...rows.map(([time, title, rest], i) => [`M-${i + 1}`, time, title, ...rest.slice(0, optional.length)]),
  ]);
const table = fc.oneof(noise, msel);

describe('MSEL import fuzz', () => {
  it('CSV: never throws, never hangs, names the place of every problem', async () => {
    const outcomes = { imported: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(table, fc.constantFrom(',', ';', '\t'), fc.boolean(), async (rows, delimiter, quoted) => {
        const text = quoted
          ? writeCsv(rows)
          : Buffer.from(rows.map((r) => r.join(delimiter)).join(delimiter === ',' ? '\r\n' : '\n'));
        outcomes[(await importChecked(text, 'csv')).scenario ? 'imported' : 'refused']++;
      }),
      { numRuns: 300 },
    );
    // The tables reach both ends: scenarios made, and problems reported.
    expect(outcomes.imported).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 60_000);

  type Cell =
    | { kind: 'value'; value: string | number | boolean | Date }
    | { kind: 'formula'; formula: string; result?: string | number }
    | { kind: 'error'; code: string }
    | { kind: 'rich'; parts: string[] }
    | { kind: 'link'; text: string };
  const cell: fc.Arbitrary<Cell> = fc.oneof(
    { weight: 6, arbitrary: word.map((value) => ({ kind: 'value' as const, value })) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.double({ noNaN: true }),
          fc.boolean(),
          fc.date({ min: new Date(Date.UTC(1899, 11, 30)), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }),
        )
        .map((value) => ({ kind: 'value' as const, value })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('A1&B1', 'NOW()', 'SUM(A1:A3)'),
          fc.option(fc.oneof(word, fc.integer()), { nil: undefined }),
        )
        .map(([formula, result]) => ({ kind: 'formula' as const, formula, ...(result !== undefined && { result }) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('#N/A', '#REF!', '#VALUE!', '#DIV/0!', '#NAME?', '#NUM!', '#NULL!')
        .map((code) => ({ kind: 'error' as const, code })),
    },
    {
      weight: 1,
      arbitrary: fc.array(word, { minLength: 1, maxLength: 3 }).map((parts) => ({ kind: 'rich' as const, parts })),
    },
    { weight: 1, arbitrary: word.map((text) => ({ kind: 'link' as const, text })) },
  );
  const position = fc.oneof(
    { weight: 20, arbitrary: fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 14 })) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 30_000 }), fc.integer({ min: 1, max: 200 })) },
  );
  const merge = fc
    .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 14 }), fc.nat(4), fc.nat(3))
    .map(([top, left, down, across]) => ({ top, left, bottom: top + down, right: left + across }));

  function toExcel(c: Cell): ExcelJS.CellValue {
    switch (c.kind) {
      case 'value':
        return c.value;
      case 'formula':
        return c.result === undefined
          ? { formula: c.formula, date1904: false }
          : { formula: c.formula, result: c.result, date1904: false };
      case 'error':
        return { error: c.code as ExcelJS.CellErrorValue['error'] };
      case 'rich':
        return { richText: c.parts.map((text) => ({ text })) };
      case 'link':
        return { text: c.text, hyperlink: 'https://example.org/' };
    }
  }

  it('XLSX: cells of every kind, anywhere, merged or not, 1900 or 1904 dates', async () => {
    const problems = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        table,
        fc.array(fc.tuple(position, cell), { maxLength: 12 }),
        fc.array(merge, { maxLength: 3 }),
        fc.boolean(),
        fc.constantFrom('MSEL', 'Inject list', 'Scenario'),
        async (rows, cells, merges, date1904, name) => {
          const wb = new ExcelJS.Workbook();
          wb.properties.date1904 = date1904;
          const ws = wb.addWorksheet(name);
          for (const r of rows) ws.addRow(r);
          for (const [[r, c], v] of cells) ws.getCell(r, c).value = toExcel(v);
          for (const m of merges) {
            try {
              ws.mergeCells(m.top, m.left, m.bottom, m.right);
            } catch {
              // Overlapping merges cannot be written; the next one may be.
            }
          }
          const r = await importChecked(Buffer.from(await wb.xlsx.writeBuffer()), 'xlsx');
          for (const e of r.errors)
            problems.add(/\((MSEL_[A-Z_]+)\)|(has no saved result)|(shows the error)/.exec(e.message)?.[0] ?? 'other');
        },
      ),
      { numRuns: 80, seed: 2026 },
    );
    // A fixed seed, so that the run is known to reach the limits and the unreadable cells it is meant to test.
    expect([...problems].sort()).toEqual(
      expect.arrayContaining(['(MSEL_MAX_ROWS)', 'has no saved result', 'shows the error']),
    );
  }, 120_000);

  it('damaged files: random bytes, flipped bytes, broken XML inside a valid zip', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('MSEL');
    ws.addRow(['ID', 'Move', 'Delivery Time', 'Title', 'Description']);
    ws.addRow(['1', 'P1: Detection', '+00:10', 'First', 'Body']);
    ws.addRow(['2', null, '+00:20', { richText: [{ text: 'Second' }] }, { text: 'link', hyperlink: 'https://x.org' }]);
    ws.mergeCells('B2:B3');
    const good = Buffer.from(await wb.xlsx.writeBuffer());
    expect((await importChecked(good, 'xlsx')).scenario).toBeDefined();
    const parts = unpackZip(good);

    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom('csv', 'xlsx'), async (bytes, format) => {
        await importChecked(Buffer.from(bytes), format as 'csv' | 'xlsx');
      }),
      { numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.nat(255)), { minLength: 1, maxLength: 8 }),
        async (flips) => {
          const bad = Buffer.from(good);
          for (const [at, byte] of flips) bad[at] = byte;
          await importChecked(bad, 'xlsx');
        },
      ),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat(parts.length - 1),
        fc.nat(),
        fc.nat(40),
        fc.string({ maxLength: 12 }),
        async (which, at, cut, insert) => {
          const broken = parts.map((p, i) => {
            if (i !== which) return p;
            const xml = p.data.toString();
            const from = at % (xml.length + 1);
            return { name: p.name, data: Buffer.from(xml.slice(0, from) + insert + xml.slice(from + cut)) };
          });
          await importChecked(packZip(broken), 'xlsx');
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
