import { constants, crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from '@jest/globals';
import {
  importMsel,
  MSEL_MAX_CELL_CHARS,
  MSEL_MAX_COLUMNS,
  MSEL_MAX_FILE_BYTES,
  MSEL_MAX_MERGED_CELLS,
  MSEL_MAX_MERGES,
  MSEL_MAX_ROWS,
  MSEL_MAX_UNPACKED_BYTES,
  MSEL_MAX_ZIP_ENTRIES,
  parseMselTime,
  type MselImport,
} from './index.js';
import { packZip, unpackZip } from './msel-zip.js';
import { part, zip, type RawPart } from '../../../test/support/hostile-zip.js';

// Hostile and unusual MSEL files, each built here: a sheet with one far-away value, oversize files and cells, zip
// bombs (honest and lying about their size), and the cell kinds a workbook holds besides plain values.

async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const sheet = (build: (ws: ExcelJS.Worksheet) => void) => workbook((wb) => build(wb.addWorksheet('MSEL')));

async function timed(data: Buffer, format: 'csv' | 'xlsx'): Promise<MselImport & { ms: number }> {
  const start = performance.now();
  const r = await importMsel(data, format, { id: 'hostile', title: 'Hostile' });
  return { ...r, ms: performance.now() - start };
}

// ───────────── zips made by hand: what exceljs would never write ─────────────

/** `head`, then `mb` MiB of 'A', then `tail`, deflated piecewise: a 300 MB part costs 300 KB and no 300 MB buffer. */
function bombPart(name: string, head: string, mb: number, tail: string): RawPart {
  const chunk = Buffer.alloc(1024 * 1024, 'A');
  const flushed = (b: Buffer) => deflateRawSync(b, { finishFlush: constants.Z_SYNC_FLUSH });
  const block = flushed(chunk);
  let crc = crc32(head);
  for (let i = 0; i < mb; i++) crc = crc32(chunk, crc);
  crc = crc32(tail, crc);
  return {
    name,
    deflated: Buffer.concat([flushed(Buffer.from(head)), ...Array<Buffer>(mb).fill(block), deflateRawSync(tail)]),
    crc: crc >>> 0,
    size: Buffer.byteLength(head) + mb * chunk.length + Buffer.byteLength(tail),
  };
}

/** The parts of a real workbook, to rebuild it with one part changed. */
async function partsOf(data: Buffer): Promise<RawPart[]> {
  return unpackZip(data).map((p) => part(p.name, p.data));
}

/** A small valid MSEL whose sheet1.xml gets `inject` before </sheetData> (cells) or after it (sheet features). */
async function withSheetXml(edit: (xml: string) => string): Promise<Buffer> {
  const base = await sheet((ws) => {
    ws.addRow(['ID', 'Delivery Time', 'Title']);
    ws.addRow(['1', '+00:10', 'First']);
  });
  return packZip(
    unpackZip(base).map((p) =>
      p.name === 'xl/worksheets/sheet1.xml' ? { name: p.name, data: Buffer.from(edit(p.data.toString())) } : p,
    ),
  );
}

/** The 300 MB cell the attacker sent, in a workbook of 300 KB; `declared` makes the zip lie about its size. */
async function zipBomb(declared?: number): Promise<Buffer> {
  const parts = await partsOf(
    await sheet((ws) => {
      ws.addRow(['ID', 'Delivery Time', 'Title']);
    }),
  );
  const i = parts.findIndex((p) => p.name === 'xl/worksheets/sheet1.xml');
  const xml = unpackZip(zip([parts[i]!]))[0]!.data.toString();
  const [before, after] = xml.split('</sheetData>') as [string, string];
  const bomb = bombPart(
    parts[i]!.name,
    `${before}<row r="2"><c r="C2" t="inlineStr"><is><t>`,
    300,
    `</t></is></c></row></sheetData>${after}`,
  );
  parts[i] = { ...bomb, ...(declared !== undefined && { declared }) };
  return zip(parts);
}

// ───────────────────────────── limits ─────────────────────────────

describe('MSEL limits', () => {
  it('reads a sheet in one pass: a value in Z20000 is refused at once, naming the cell and the row limit', async () => {
    const data = await sheet((ws) => {
      ws.getCell('Z20000').value = 'x';
    });
    expect(data.length).toBeLessThan(10_000);
    const r = await timed(data, 'xlsx');
    expect(r.errors).toEqual([
      {
        path: 'cell Z20000',
        message: `Z20000 holds a value in row 20000; an MSEL may use at most ${MSEL_MAX_ROWS} rows (MSEL_MAX_ROWS)`,
        line: 20000,
        column: 26,
      },
    ]);
    expect(r.ms).toBeLessThan(2000);
  });

  it('reads a sparse sheet up to the limits in time linear in its cells', async () => {
    // The old reader asked exceljs for the column count (a walk over every row) once per column of every row.
    const data = await sheet((ws) => {
      ws.addRow(['ID', 'Delivery Time', 'Title']);
      ws.addRow(['1', '+00:10', 'First']);
      ws.getRow(MSEL_MAX_ROWS).values = ['2', '+00:20', 'Last'];
      ws.getCell(MSEL_MAX_ROWS, MSEL_MAX_COLUMNS).value = 'note';
    });
    const r = await timed(data, 'xlsx');
    expect(r.errors).toEqual([]);
    expect(r.scenario!.injects.map((i) => [i.title, i.extraColumns])).toEqual([
      ['First', undefined],
      ['Last', { 'Column CV': 'note' }],
    ]);
    expect(r.ms).toBeLessThan(2000);
  });

  it('refuses a value beyond the last column, in XLSX and in CSV', async () => {
    const xlsx = await timed(
      await sheet((ws) => {
        ws.addRow(['ID', 'Delivery Time', 'Title']);
        ws.getCell(2, MSEL_MAX_COLUMNS + 1).value = 'far right';
      }),
      'xlsx',
    );
    const message = `CW2 holds a value in column CW; an MSEL may use at most ${MSEL_MAX_COLUMNS} columns, A to CV (MSEL_MAX_COLUMNS)`;
    expect(xlsx.errors).toEqual([{ path: 'cell CW2', message, line: 2, column: 101 }]);
    const csv = await timed(Buffer.from(`ID,Delivery Time,Title\n${','.repeat(MSEL_MAX_COLUMNS)}far right\n`), 'csv');
    expect(csv.errors).toEqual([{ path: 'cell CW2', message, line: 2, column: 101 }]);
    // Empty cells beyond the limit (a trailing run of separators) are no value.
    const empty = await importMsel(Buffer.from(`ID,Delivery Time,Title\n1,+00:10,A${','.repeat(200)}\n`), 'csv');
    expect(empty.errors).toEqual([]);
  });

  it('refuses a row beyond the last in CSV, and ignores empty rows there', async () => {
    const rows = ['ID,Delivery Time,Title', '1,+00:10,A', ...Array<string>(MSEL_MAX_ROWS).fill(',,')];
    expect((await importMsel(Buffer.from(rows.join('\n')), 'csv')).errors).toEqual([]);
    rows.push('2,+00:20,B');
    const r = await importMsel(Buffer.from(rows.join('\n')), 'csv');
    expect(r.errors).toEqual([
      {
        path: `cell A${MSEL_MAX_ROWS + 3}`,
        message: `A${MSEL_MAX_ROWS + 3} holds a value in row ${MSEL_MAX_ROWS + 3}; an MSEL may use at most ${MSEL_MAX_ROWS} rows (MSEL_MAX_ROWS)`,
        line: MSEL_MAX_ROWS + 3,
        column: 1,
      },
    ]);
  });

  it('refuses a cell longer than Excel allows, naming it', async () => {
    const long = 'x'.repeat(MSEL_MAX_CELL_CHARS + 1);
    const message = `C2 holds ${MSEL_MAX_CELL_CHARS + 1} characters; a cell may hold at most ${MSEL_MAX_CELL_CHARS} (MSEL_MAX_CELL_CHARS)`;
    const csv = await importMsel(Buffer.from(`ID,Delivery Time,Title\n1,+00:10,${long}\n`), 'csv');
    expect(csv.errors).toEqual([{ path: 'cell C2', message, line: 2, column: 3 }]);
    const xlsx = await importMsel(
      await sheet((ws) => {
        ws.addRow(['ID', 'Delivery Time', 'Title']);
        ws.addRow(['1', '+00:10', { richText: [{ text: long }] }]);
      }),
      'xlsx',
    );
    expect(xlsx.errors).toEqual([{ path: 'cell C2', message, line: 2, column: 3 }]);
    const fits = await importMsel(Buffer.from(`ID,Delivery Time,Title\n1,+00:10,${long.slice(1)}\n`), 'csv');
    expect(fits.errors).toEqual([]);
  });

  it('refuses a file over the size limit before parsing it', async () => {
    const line = '1,+00:10,' + 'x'.repeat(1000) + '\n';
    const big = Buffer.from('ID,Delivery Time,Title\n' + line.repeat(Math.ceil(MSEL_MAX_FILE_BYTES / line.length)));
    const r = await timed(big, 'csv');
    expect(r.errors).toEqual([
      {
        path: 'file',
        message: `the file is ${big.length} bytes; an MSEL file may be at most 8 MB (MSEL_MAX_FILE_BYTES)`,
      },
    ]);
    expect(r.ms).toBeLessThan(100);
  });

  it('refuses a zip bomb by the sizes its zip declares, before inflating anything', async () => {
    const bomb = await zipBomb();
    expect(bomb.length).toBeLessThan(400_000);
    const heap = process.memoryUsage().heapUsed;
    const r = await timed(bomb, 'xlsx');
    expect(r.errors).toEqual([
      {
        path: 'file',
        message: `the workbook unpacks to 300 MB; an MSEL workbook may unpack to at most ${MSEL_MAX_UNPACKED_BYTES / 1024 / 1024} MB (MSEL_MAX_UNPACKED_BYTES)`,
      },
    ]);
    expect(r.ms).toBeLessThan(500);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(50e6);
  });

  it('refuses a zip bomb that lies about its size, stopping the inflate at the size it declared', async () => {
    const r = await timed(await zipBomb(1000), 'xlsx');
    expect(r.errors).toEqual([
      {
        path: 'file',
        message:
          'xl/worksheets/sheet1.xml inflates to more than the 1000 bytes its zip entry declares; the file is damaged or crafted (MSEL_MAX_UNPACKED_BYTES)',
      },
    ]);
    expect(r.ms).toBeLessThan(1000);
  });

  it('refuses zips that are not plain XLSX zips, each with its reason', async () => {
    const parts = await partsOf(await sheet((ws) => ws.addRow(['ID', 'Delivery Time', 'Title'])));
    const read = async (data: Buffer) => (await importMsel(data, 'xlsx')).errors.map((e) => e.message);
    const tooMany = Array.from({ length: MSEL_MAX_ZIP_ENTRIES + 1 }, (_, i) => part(`x/${i}.xml`, Buffer.from('<x/>')));
    expect(await read(zip(tooMany))).toEqual([
      `the workbook has ${MSEL_MAX_ZIP_ENTRIES + 1} parts; an MSEL workbook may have at most ${MSEL_MAX_ZIP_ENTRIES} (MSEL_MAX_ZIP_ENTRIES)`,
    ]);
    expect(await read(zip(parts, { zip64: true }))).toEqual([
      expect.stringMatching(/^\[Content_Types\]\.xml is stored as ZIP64/),
    ]);
    expect(await read(zip(parts, { entries: 0xffff }))).toEqual([expect.stringMatching(/is a ZIP64 archive/)]);
    expect(await read(zip([{ ...parts[0]!, flags: 1 }]))).toEqual([
      'the workbook is encrypted; save it without a password and import it again',
    ]);
    expect(await read(zip([{ ...parts[0]!, method: 12 }]))).toEqual([
      'not a readable XLSX file: [Content_Types].xml is compressed with method 12, not deflate',
    ]);
    expect(await read(zip([parts[0]!, parts[0]!]))).toEqual([
      'not a readable XLSX file: the zip holds two parts named [Content_Types].xml',
    ]);
    expect(await read(zip([{ ...parts[0]!, crc: (parts[0]!.crc + 1) >>> 0 }]))).toEqual([
      'not a readable XLSX file: [Content_Types].xml fails its checksum',
    ]);
    expect(await read(zip([{ ...parts[0]!, declared: parts[0]!.size + 5 }]))).toEqual([
      `not a readable XLSX file: [Content_Types].xml is ${parts[0]!.size} bytes, not the ${parts[0]!.size + 5} declared`,
    ]);
    expect(await read(zip([{ ...parts[0]!, deflated: Buffer.from([0xff, 0xff, 0xff]) }]))).toEqual([
      expect.stringMatching(/^not a readable XLSX file: \[Content_Types\]\.xml: /),
    ]);
    const good = zip(parts);
    expect(await read(good.subarray(0, good.length - 30))).toEqual([
      'not a readable XLSX file: not a zip file (no end of central directory)',
    ]);
    const cut = Buffer.concat([good.subarray(0, 10), good.subarray(good.length - 22)]);
    expect(await read(cut)).toEqual(['not a readable XLSX file: the zip central directory lies outside the file']);
    const split = Buffer.from(good);
    split.writeUInt16LE(1, split.length - 22 + 4);
    expect(await read(split)).toEqual(['not a readable XLSX file: a zip split over several disks is not an XLSX file']);
    const broken = Buffer.from(good);
    broken.writeUInt32LE(0, broken.readUInt32LE(broken.length - 6)); // the first central directory signature
    expect(await read(broken)).toEqual(['not a readable XLSX file: the zip central directory is damaged']);
    const moved = Buffer.from(good);
    moved.writeUInt32LE(0, 0); // the first local header signature
    expect(await read(moved)).toEqual(['not a readable XLSX file: [Content_Types].xml is damaged']);
    const short = zip([{ ...parts[0]!, method: 0, deflated: Buffer.alloc(4) }]);
    short.writeUInt32LE(parts[0]!.size, short.length - 22 - 46 - 19 + 20); // compressed size beyond the data
    expect(await read(short)).toEqual(['not a readable XLSX file: [Content_Types].xml is cut short']);
  });

  it('bounds what exceljs expands cell by cell: validations, column widths and merged ranges', async () => {
    const wide = await withSheetXml((xml) =>
      xml
        .replace('<sheetData>', '<cols><col min="1" max="2000000000" width="9" customWidth="1"/></cols><sheetData>')
        .replace(
          '</sheetData>',
          '</sheetData><mergeCells count="2"><mergeCell ref="D2:D1048576"/><mergeCell ref="Z9999:AB9999"></mergeCell></mergeCells>' +
            '<dataValidations count="1"><dataValidation type="list" sqref="A1:XFD1048576"><formula1>"a,b"</formula1></dataValidation></dataValidations>',
        ),
    );
    const r = await timed(wide, 'xlsx');
    expect(r.errors).toEqual([]);
    expect(r.scenario!.injects).toHaveLength(1);
    expect(r.ms).toBeLessThan(2000);

    const area = await withSheetXml((xml) =>
      xml.replace('</sheetData>', '</sheetData><mergeCells><mergeCell ref="E10:XFD1048576"/></mergeCells>'),
    );
    expect((await timed(area, 'xlsx')).errors).toEqual([
      {
        path: 'file',
        message: `the merged ranges of the workbook cover more than ${MSEL_MAX_MERGED_CELLS} cells of A1:CV${MSEL_MAX_ROWS}; an MSEL workbook may merge at most ${MSEL_MAX_MERGED_CELLS} (MSEL_MAX_MERGED_CELLS)`,
      },
    ]);
    const merges = Array.from({ length: MSEL_MAX_MERGES + 1 }, (_, i) => `<mergeCell ref="E${i + 3}:F${i + 3}"/>`);
    const many = await withSheetXml((xml) =>
      xml.replace('</sheetData>', `</sheetData><mergeCells>${merges.join('')}</mergeCells>`),
    );
    expect((await timed(many, 'xlsx')).errors).toEqual([
      {
        path: 'file',
        message: `the workbook has more than ${MSEL_MAX_MERGES} merged ranges; an MSEL workbook may have at most ${MSEL_MAX_MERGES} (MSEL_MAX_MERGES)`,
      },
    ]);
  });
});

// ───────────────────────────── cells ─────────────────────────────

describe('MSEL cells for what they are', () => {
  it('refuses a formula without a saved result, naming the cell and the formula', async () => {
    const data = await sheet((ws) => {
      ws.addRow(['ID', 'Delivery Time', 'Title']);
      ws.addRow(['1', '+00:10', 'First']);
      ws.addRow(['2', '+00:20', { formula: 'A1&B1' } as ExcelJS.CellFormulaValue]);
    });
    expect((await importMsel(data, 'xlsx')).errors).toEqual([
      {
        path: 'row 3, column "Title"',
        message: 'C3: formula =A1&B1 has no saved result; open and save the file in Excel, or type the value',
        line: 3,
        column: 3,
      },
    ]);
  });

  it('takes the saved result of a formula: text, number, time', async () => {
    const data = await sheet((ws) => {
      ws.addRow(['ID', 'Delivery Time', 'Title', 'Target Minutes']);
      const r = ws.addRow([
        { formula: '"M-"&1', result: 'M-1' },
        { formula: 'TIME(0,20,0)', result: 20 / 1440 },
        { formula: 'UPPER("a")', result: 'A' },
        { formula: '10*3', result: 30 },
      ] as ExcelJS.CellFormulaValue[]);
      r.getCell(2).numFmt = 'h:mm';
    });
    const r = await importMsel(data, 'xlsx');
    expect(r.errors).toEqual([]);
    expect(r.scenario!.injects[0]).toMatchObject({ id: 'M-1', offset: '+00:20', title: 'A', targetMinutes: 30 });
  });

  it('refuses error cells and formulas whose result is an error, by cell', async () => {
    const data = await sheet((ws) => {
      ws.addRow(['ID', 'Delivery Time', 'Title', 'Notes']);
      ws.addRow(['1', { error: '#N/A' }, 'First']);
      ws.addRow(['2', '+00:20', { formula: 'A1/0', result: { error: '#DIV/0!' } }]);
      ws.addRow(['3', '+00:30', 'Third', { error: '#REF!' }]);
    });
    const r = await importMsel(data, 'xlsx');
    expect(r.scenario).toBeUndefined();
    expect(r.errors.map((e) => [e.path, e.message.split(';')[0]])).toEqual([
      ['row 2, column "Delivery Time"', 'B2: the cell shows the error #N/A'],
      ['row 3, column "Title"', 'C3: the cell shows the error #DIV/0!'],
      ['row 4, column "Notes"', 'D4: the cell shows the error #REF!'],
    ]);
  });

  it('ignores an unreadable cell above the header (a title block), but not in the Scenario sheet', async () => {
    const title = await sheet((ws) => {
      ws.addRow([{ formula: 'CONCAT("MSEL ",YEAR(TODAY()))' } as ExcelJS.CellFormulaValue]);
      ws.addRow(['ID', 'Delivery Time', 'Title']);
      ws.addRow(['1', '+00:10', 'First']);
    });
    expect((await importMsel(title, 'xlsx')).errors).toEqual([]);
    const meta = await workbook((wb) => {
      const ws = wb.addWorksheet('MSEL');
      ws.addRow(['ID', 'Delivery Time', 'Title']);
      ws.addRow(['1', '+00:10', 'First']);
      const s = wb.addWorksheet('Scenario');
      s.addRow(['Field', 'Value']);
      s.addRow(['Title', { error: '#NAME?' }]);
    });
    expect((await importMsel(meta, 'xlsx')).errors).toEqual([
      {
        path: 'sheet "Scenario", cell B2',
        message: expect.stringMatching(/^Scenario!B2: the cell shows the error #NAME\?/),
        line: 2,
        column: 2,
      },
    ]);
  });

  it('reads times of a 1904-dated workbook (older Mac Excel) from the right epoch', async () => {
    const data = await workbook((wb) => {
      wb.properties.date1904 = true;
      const ws = wb.addWorksheet('MSEL');
      ws.addRow(['ID', 'Delivery Time', 'Title']);
      ws.addRow(['1', new Date(Date.UTC(1904, 0, 1, 0, 20)), 'Clock time']).getCell(2).numFmt = 'h:mm';
      ws.addRow(['2', 45 / 1440, 'Plain fraction']);
    });
    const back = new ExcelJS.Workbook();
    await back.xlsx.load(data as unknown as ExcelJS.Buffer);
    expect(back.properties.date1904).toBe(true);
    const r = await importMsel(data, 'xlsx');
    expect(r.errors).toEqual([]);
    expect(r.scenario!.injects.map((i) => i.offset)).toEqual(['+00:20', '+00:45']);

    const dated = await workbook((wb) => {
      wb.properties.date1904 = true;
      const ws = wb.addWorksheet('MSEL');
      ws.addRow(['ID', 'Delivery Time', 'Title']);
      ws.addRow(['1', new Date(Date.UTC(2026, 4, 1, 9, 20)), 'Dated']).getCell(2).numFmt = 'yyyy-mm-dd h:mm';
    });
    expect((await importMsel(dated, 'xlsx')).errors[0]!.message).toBe(
      '2026-05-01T09:20:00.000Z is a date, not an offset from the start; write the offset as +HH:MM',
    );
  });

  it('finds the MSEL sheet when it is not the first: by name, else the first sheet with a header row', async () => {
    const injects = (ws: ExcelJS.Worksheet, title: string) => {
      ws.addRow(['ID', 'Delivery Time', 'Title']);
      ws.addRow(['1', '+00:10', title]);
    };
    const notes = await workbook((wb) => {
      wb.addWorksheet('Instructions').addRow(['Read me first: the injects are on the next sheet.']);
      wb.addWorksheet('Scenario').addRow(['Field', 'Value']);
      injects(wb.addWorksheet('Inject list'), 'From the second sheet');
    });
    expect((await importMsel(notes, 'xlsx')).scenario!.injects[0]!.title).toBe('From the second sheet');
    const named = await workbook((wb) => {
      injects(wb.addWorksheet('Draft'), 'Draft');
      injects(wb.addWorksheet(' msel '), 'Named MSEL');
    });
    expect((await importMsel(named, 'xlsx')).scenario!.injects[0]!.title).toBe('Named MSEL');
    const none = await workbook((wb) => {
      wb.addWorksheet('Scenario').addRow(['Field', 'Value']);
      wb.addWorksheet('Notes').addRow(['nothing here']);
    });
    expect((await importMsel(none, 'xlsx')).errors[0]!.path).toBe('header');
  });

  it('merged cells: a Move merged down fills its rows; a title merged across leaves the covered columns empty', async () => {
    const data = await sheet((ws) => {
      ws.addRow(['MSEL — merged title across the header columns']);
      ws.mergeCells('A1:E1');
      ws.addRow(['ID', 'Move', 'Delivery Time', 'Title', 'Notes']);
      ws.addRow(['1', 'P1: Detection', '+00:10', 'Wide title', null]);
      ws.addRow(['2', null, '+00:20', 'Second', 'n2']);
      ws.addRow(['3', null, '+00:30', 'Third', 'n3']);
      ws.addRow([]);
      ws.mergeCells('B3:B6');
      ws.mergeCells('D3:E3');
    });
    const r = await importMsel(data, 'xlsx');
    expect(r.errors).toEqual([]);
    expect(r.scenario!.phases).toEqual([{ id: 'P1', title: 'Detection' }]);
    expect(
      r.scenario!.injects.map((i) => ({ id: i.id, phase: i.phase, title: i.title, extra: i.extraColumns })),
    ).toEqual([
      { id: '1', phase: 'P1', title: 'Wide title', extra: undefined },
      { id: '2', phase: 'P1', title: 'Second', extra: { Notes: 'n2' } },
      { id: '3', phase: 'P1', title: 'Third', extra: { Notes: 'n3' } },
    ]);
  });

  it('reads the text of hyperlink and rich text cells', async () => {
    const data = await sheet((ws) => {
      ws.addRow(['ID', 'Delivery Time', 'Title', 'Description']);
      ws.addRow([
        '1',
        '+00:10',
        { text: 'Advisory CVE-2026-0001', hyperlink: 'https://example.org/advisory' },
        { richText: [{ text: 'Patch ' }, { text: 'now', font: { bold: true } }] },
      ]);
    });
    const r = await importMsel(data, 'xlsx');
    expect(r.errors).toEqual([]);
    expect(r.scenario!.injects[0]).toMatchObject({ title: 'Advisory CVE-2026-0001', body: 'Patch now' });
  });
});

describe('zip parts', () => {
  it('packs parts so that they unpack unchanged', () => {
    const parts = [
      { name: 'a.xml', data: Buffer.from('<a/>') },
      { name: 'dir/é.txt', data: Buffer.from('données') },
    ];
    expect(unpackZip(packZip(parts))).toEqual(parts);
  });
});

describe('parseMselTime', () => {
  it('takes a formula result and counts dates from the workbook epoch', () => {
    expect(parseMselTime({ formula: 'TIME(0,20,0)', result: 20 / 1440 })).toEqual({ offset: '+00:20' });
    expect(parseMselTime(new Date(Date.UTC(1904, 0, 1, 1, 5)), { date1904: true })).toEqual({ offset: '+01:05' });
    expect(parseMselTime(new Date(Date.UTC(1904, 0, 1, 1, 5)))).toEqual({
      error: '1904-01-01T01:05:00.000Z is a date, not an offset from the start; write the offset as +HH:MM',
    });
  });
});
