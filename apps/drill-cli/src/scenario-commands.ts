import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { FieldProblem } from '@drill/contracts';
import { exportMsel, importMsel, validateScenarioText } from '@drill/scenario';

/** Exit codes: 0 fine, 1 the input has problems, 2 the command could not run (usage, missing file). */
export const EXIT = { ok: 0, invalid: 1, failed: 2 } as const;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

function formatProblem(file: string, p: FieldProblem): string {
  const where = p.line !== undefined ? `${file}:${p.line}:${p.column ?? 1}` : file;
  return `${where}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

function read(file: string, io: Io): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (e) {
    io.err(`drill: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return undefined;
  }
}

export function validateCommand(file: string, io: Io): number {
  const data = read(file, io);
  if (!data) return EXIT.failed;
  const format = extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
  const { scenario, errors } = validateScenarioText(data.toString('utf8'), format);
  if (errors.length || !scenario) {
    for (const p of errors) io.err(formatProblem(file, p));
    io.err(`${file}: ${errors.length} problem${errors.length === 1 ? '' : 's'}`);
    return EXIT.invalid;
  }
  const conditional = scenario.injects.filter((i) => i.trigger).length;
  io.out(
    `${file}: valid — "${scenario.title}" (${scenario.id}), ${scenario.injects.length} injects (${conditional} conditional), ${scenario.objectives.length} objectives`,
  );
  return EXIT.ok;
}

export async function importCommand(
  file: string,
  opts: { output?: string; id?: string; title?: string },
  io: Io,
): Promise<number> {
  const ext = extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.xlsx') {
    io.err(`drill: ${file} is neither .csv nor .xlsx`);
    return EXIT.failed;
  }
  const data = read(file, io);
  if (!data) return EXIT.failed;
  const r = await importMsel(data, ext === '.csv' ? 'csv' : 'xlsx', { id: opts.id, title: opts.title });
  if (!r.yaml || !r.scenario || r.errors.length) {
    for (const p of r.errors) io.err(formatProblem(file, p));
    io.err(`${file}: ${r.errors.length} problem${r.errors.length === 1 ? '' : 's'}; nothing written`);
    return EXIT.invalid;
  }
  if (opts.output) {
    writeFileSync(opts.output, r.yaml);
    io.out(`${file}: ${r.scenario.injects.length} injects → ${opts.output}`);
  } else io.out(r.yaml);
  return EXIT.ok;
}

export async function exportCommand(file: string, opts: { format: string; output: string }, io: Io): Promise<number> {
  if (opts.format !== 'csv' && opts.format !== 'xlsx') {
    io.err('drill: --format must be csv or xlsx');
    return EXIT.failed;
  }
  const data = read(file, io);
  if (!data) return EXIT.failed;
  const { scenario, errors } = validateScenarioText(
    data.toString('utf8'),
    extname(file).toLowerCase() === '.json' ? 'json' : 'yaml',
  );
  if (!scenario || errors.length) {
    for (const p of errors) io.err(formatProblem(file, p));
    return EXIT.invalid;
  }
  writeFileSync(opts.output, await exportMsel(scenario, opts.format));
  io.out(`${file}: ${scenario.injects.length} injects → ${opts.output}`);
  return EXIT.ok;
}
