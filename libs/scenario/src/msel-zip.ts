import { crc32, inflateRawSync } from 'node:zlib';
import {
  formatBytes,
  formatExcess,
  MSEL_MAX_COLUMNS,
  MSEL_MAX_MERGED_CELLS,
  MSEL_MAX_MERGES,
  MSEL_MAX_ROWS,
  MSEL_MAX_UNPACKED_BYTES,
  MSEL_MAX_ZIP_ENTRIES,
  MselRefusal,
  columnLetter,
} from './msel-limits.js';

// An XLSX is a zip. exceljs inflates every part without a bound, trusting the sizes the zip declares, so the
// workbook is unzipped here first: the central directory's sizes are checked before anything is inflated, every
// part is inflated with its declared size as a hard ceiling (a zip can lie), and exceljs gets a re-packed copy
// whose parts are stored, not compressed, so that it has nothing left to inflate.

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_MARK = 0xffffffff;

export interface ZipPart {
  name: string;
  data: Buffer;
}

const refuse = (message: string): MselRefusal => new MselRefusal({ path: 'file', message });

/** The parts of a zip, inflated within the MSEL limits; throws MselRefusal over a limit, Error when damaged. */
export function unpackZip(zip: Buffer): ZipPart[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > zip.length || zip.readUInt32LE(eocd) !== EOCD)
    throw new Error('not a zip file (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (zip.readUInt16LE(eocd + 4) !== 0 || zip.readUInt16LE(eocd + 6) !== 0 || zip.readUInt16LE(eocd + 8) !== count)
    throw new Error('a zip split over several disks is not an XLSX file');
  if (count === 0xffff || cdOffset === ZIP64_MARK || cdSize === ZIP64_MARK)
    throw refuse(`the workbook is a ZIP64 archive; an MSEL is far smaller than that format is for`);
  if (count > MSEL_MAX_ZIP_ENTRIES)
    throw refuse(
      `the workbook has ${count} parts; an MSEL workbook may have at most ${MSEL_MAX_ZIP_ENTRIES} (MSEL_MAX_ZIP_ENTRIES)`,
    );
  if (cdOffset + cdSize > eocd) throw new Error('the zip central directory lies outside the file');

  interface Entry {
    name: string;
    method: number;
    crc: number;
    compressed: number;
    size: number;
    local: number;
  }
  const entries: Entry[] = [];
  let declared = 0;
  for (let i = 0, p = cdOffset; i < count; i++) {
    if (p + 46 > eocd || zip.readUInt32LE(p) !== CENTRAL) throw new Error('the zip central directory is damaged');
    const flags = zip.readUInt16LE(p + 8);
    const nameLength = zip.readUInt16LE(p + 28);
    const name = zip.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength);
    const e: Entry = {
      name,
      method: zip.readUInt16LE(p + 10),
      crc: zip.readUInt32LE(p + 16),
      compressed: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      local: zip.readUInt32LE(p + 42),
    };
    p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
    if (flags & 0x1) throw refuse('the workbook is encrypted; save it without a password and import it again');
    if (e.compressed === ZIP64_MARK || e.size === ZIP64_MARK || e.local === ZIP64_MARK)
      throw refuse(`${name} is stored as ZIP64; an MSEL is far smaller than that format is for`);
    if (e.method !== 0 && e.method !== 8) throw new Error(`${name} is compressed with method ${e.method}, not deflate`);
    if (entries.some((x) => x.name === name)) throw new Error(`the zip holds two parts named ${name}`);
    declared += e.size;
    entries.push(e);
  }
  if (declared > MSEL_MAX_UNPACKED_BYTES)
    throw refuse(
      `the workbook unpacks to ${formatExcess(declared, MSEL_MAX_UNPACKED_BYTES)}; an MSEL workbook may unpack to at most ${formatBytes(MSEL_MAX_UNPACKED_BYTES)} (MSEL_MAX_UNPACKED_BYTES)`,
    );

  const parts: ZipPart[] = [];
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    if (e.local + 30 > zip.length || zip.readUInt32LE(e.local) !== LOCAL) throw new Error(`${e.name} is damaged`);
    const start = e.local + 30 + zip.readUInt16LE(e.local + 26) + zip.readUInt16LE(e.local + 28);
    if (start + e.compressed > zip.length) throw new Error(`${e.name} is cut short`);
    const raw = zip.subarray(start, start + e.compressed);
    let data: Buffer;
    if (e.method === 0) data = raw;
    else {
      try {
        // The declared size is the ceiling: declared sizes were checked against the limit above.
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
          throw refuse(
            `${e.name} inflates to more than the ${formatBytes(e.size)} its zip entry declares; the file is damaged or crafted (MSEL_MAX_UNPACKED_BYTES)`,
          );
        throw new Error(`${e.name}: ${(err as Error).message}`, { cause: err });
      }
    }
    if (data.length !== e.size) throw new Error(`${e.name} is ${data.length} bytes, not the ${e.size} declared`);
    if (crc32(data) >>> 0 !== e.crc) throw new Error(`${e.name} fails its checksum`);
    parts.push({ name: e.name, data });
  }
  return parts;
}

/** A zip of the parts, stored without compression. */
export function packZip(parts: readonly ZipPart[]): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const crc = crc32(part.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(part.data.length, 18);
    local.writeUInt32LE(part.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(CENTRAL, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x800, 8);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(part.data.length, 20);
    entry.writeUInt32LE(part.data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    chunks.push(local, name, part.data);
    central.push(entry, name);
    offset += 30 + name.length + part.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}

// ───────────────────────────── worksheet parts ─────────────────────────────

// exceljs matches worksheet parts by this pattern, unanchored; so does the clean-up.
const WORKSHEET_PART = /xl\/worksheets\/sheet\d+\.xml/;
const A1 = /^\$?([A-Z]{1,3})\$?(\d{1,7})$/;

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/**
 * What exceljs would spend unbounded work on in a worksheet, removed or bounded before it loads:
 * - data validations, which it expands cell by cell (a drop-down on a whole column is a million entries) and the
 *   import does not use;
 * - column widths (`<cols>`), for which it makes one object per column up to any `max`, and which hold no values;
 * - merged ranges, which it applies cell by cell and checks pairwise: ranges are clipped to the MSEL area (no value
 *   may lie beyond it anyway) and their number is capped.
 */
export function boundWorksheets(parts: readonly ZipPart[]): ZipPart[] {
  let merges = 0;
  let merged = 0;
  return parts.map((part) => {
    if (!WORKSHEET_PART.test(part.name)) return part;
    let xml = part.data.toString('utf8');
    xml = xml
      .replace(/<dataValidations\b[^>]*\/>|<dataValidations\b[\s\S]*?<\/dataValidations>/g, '')
      .replace(/<cols\b[^>]*\/>|<cols\b[\s\S]*?<\/cols>/g, '')
      .replace(/<mergeCell\b([^>]*?)(?:\/>|>\s*<\/mergeCell>)/g, (_all, attributes: string) => {
        if (++merges > MSEL_MAX_MERGES)
          throw refuse(
            `the workbook has more than ${MSEL_MAX_MERGES} merged ranges; an MSEL workbook may have at most ${MSEL_MAX_MERGES} (MSEL_MAX_MERGES)`,
          );
        const clipped = clipRange(/\bref="([^"]*)"/.exec(attributes)?.[1] ?? '');
        if (clipped === undefined) return '';
        merged += clipped.cells;
        if (merged > MSEL_MAX_MERGED_CELLS)
          throw refuse(
            `the merged ranges of the workbook cover more than ${MSEL_MAX_MERGED_CELLS} cells of A1:${columnLetter(MSEL_MAX_COLUMNS)}${MSEL_MAX_ROWS}; an MSEL workbook may merge at most ${MSEL_MAX_MERGED_CELLS} (MSEL_MAX_MERGED_CELLS)`,
          );
        return `<mergeCell ref="${clipped.ref}"/>`;
      });
    return { name: part.name, data: Buffer.from(xml, 'utf8') };
  });
}

/** The range within A1:CV5000 and its size, or undefined when nothing of it (or only one cell) is left. */
function clipRange(ref: string): { ref: string; cells: number } | undefined {
  const [a, b = a] = ref.split(':');
  const tl = A1.exec(a ?? '');
  const br = A1.exec(b ?? '');
  if (!tl || !br) return undefined;
  const top = Number(tl[2]);
  const left = columnNumber(tl[1]!);
  const bottom = Math.min(Number(br[2]), MSEL_MAX_ROWS);
  const right = Math.min(columnNumber(br[1]!), MSEL_MAX_COLUMNS);
  if (top > bottom || left > right || (top === bottom && left === right)) return undefined;
  return {
    ref: `${columnLetter(left)}${top}:${columnLetter(right)}${bottom}`,
    cells: (bottom - top + 1) * (right - left + 1),
  };
}
