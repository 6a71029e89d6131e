import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { exportCommand, importCommand, validateCommand, type Io } from './scenario-commands.js';

function capture(): Io & { outText: () => string; errText: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    outText: () => out.join('\n'),
    errText: () => err.join('\n'),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'drill-cli-'));
const fixture = join(process.cwd(), 'test/fixtures/runtime-drill.yaml');

describe('drill validate', () => {
  it('exits 0 for a valid scenario and says what it holds', () => {
    const io = capture();
    expect(validateCommand(fixture, io)).toBe(0);
    expect(io.outText()).toContain('valid — "Runtime test drill" (runtime-test-drill), 5 injects');
  });

  it('exits 1 listing every problem as file:line:column', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      readFileSync(fixture, 'utf8')
        .replace('offset: "+00:02"', 'offset: "2 minutes"')
        .replace('severity: low', 'severity: apocalyptic'),
    );
    const io = capture();
    expect(validateCommand(file, io)).toBe(1);
    const lines = readFileSync(file, 'utf8').split('\n');
    const offsetLine = lines.findIndex((l) => l.includes('"2 minutes"')) + 1;
    const sevLine = lines.findIndex((l) => l.includes('apocalyptic')) + 1;
    expect(io.errText()).toContain(`${file}:${offsetLine}:`);
    expect(io.errText()).toContain(`${file}:${sevLine}:`);
    expect(io.errText()).toContain('2 problems');
  });

  it('exits 2 when the file cannot be read', () => {
    const io = capture();
    expect(validateCommand(join(dir, 'missing.yaml'), io)).toBe(2);
    expect(io.errText()).toContain('cannot read');
  });
});

describe('drill import and export', () => {
  it('round-trips a scenario through an MSEL spreadsheet and back to YAML that validates', async () => {
    for (const format of ['csv', 'xlsx'] as const) {
      const sheet = join(dir, `msel.${format}`);
      const out = join(dir, `from-${format}.yaml`);
      const io = capture();
      expect(await exportCommand(fixture, { format, output: sheet }, io)).toBe(0);
      expect(
        await importCommand(sheet, { output: out, id: 'runtime-test-drill', title: 'Runtime test drill' }, io),
      ).toBe(0);
      const check = capture();
      expect(validateCommand(out, check)).toBe(0);
      expect(readFileSync(out, 'utf8')).toContain('Ransomware note found at a hospital');
    }
  });

  it('exits 1 with row-numbered problems for a bad MSEL and writes nothing', async () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(
      csv,
      'Control Number,Delivery Time,Title,Description,To\nI-1,+00:10,First,Body,all\nI-2,yesterday,Second,Body,all\n',
    );
    const out = join(dir, 'never.yaml');
    const io = capture();
    expect(await importCommand(csv, { output: out }, io)).toBe(1);
    expect(io.errText()).toMatch(/:3:\d+: .*yesterday|row 3/);
    expect(() => readFileSync(out)).toThrow();
  });
});
