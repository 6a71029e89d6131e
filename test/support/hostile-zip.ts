import { crc32, deflateRawSync } from 'node:zlib';

// Zips written byte by byte, for the MSEL import's hostile-file tests: what exceljs would never write (a part that
// lies about its size, a ZIP64 marker, a wrong entry count).

export interface RawPart {
  name: string;
  deflated: Buffer;
  crc: number;
  size: number;
  /** The uncompressed size the zip claims; the true one unless the zip lies. */
  declared?: number;
  method?: number;
  flags?: number;
}

export const part = (name: string, data: Buffer): RawPart => ({
  name,
  deflated: deflateRawSync(data),
  crc: crc32(data) >>> 0,
  size: data.length,
});

export function zip(parts: readonly RawPart[], options: { zip64?: boolean; entries?: number } = {}): Buffer {
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const declared = p.declared ?? p.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(p.method ?? 8, 8);
    local.writeUInt32LE(p.crc, 14);
    local.writeUInt32LE(p.deflated.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(p.flags ?? 0, 8);
    entry.writeUInt16LE(p.method ?? 8, 10);
    entry.writeUInt32LE(p.crc, 16);
    entry.writeUInt32LE(p.deflated.length, 20);
    entry.writeUInt32LE(options.zip64 ? 0xffffffff : declared, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    out.push(local, name, p.deflated);
    central.push(entry, name);
    offset += 30 + name.length + p.deflated.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(options.entries ?? parts.length, 8);
  end.writeUInt16LE(options.entries ?? parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...out, directory, end]);
}
