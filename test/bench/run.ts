// `npm run bench [-- name…]`: runs the benchmarks under test/bench one after another, each in a fresh process (so
// memory and timer figures do not leak between them), prints their tables, and writes the whole report with the
// commit, command, machine, Node version and load to test/artifacts/bench-results.md. That file is committed with
// the README tables pasted from it, so a reader can tell which code and which run each figure came from.
// Names: adapter, fanout, scheduler, ingest, scoring, scoring-validity, validation, memory, soak. Needs Redis and PostgreSQL on 127.0.0.1 for the
// cluster figures (without them those rows are left out). `soak` (a 30-team drill at ×60 for 10 minutes with one
// server kill; SOAK_MINUTES=2 for a short run) takes about 10½ minutes on its own. Not part of `npm test`.
// BENCH_QUICK=1 runs every benchmark at toy sizes (seconds each) to check the bench code itself; the header says so.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/cluster.js';

const ALL: Record<string, string> = {
  adapter: 'test/bench/adapter.ts',
  fanout: 'test/bench/fanout.ts',
  scheduler: 'test/bench/scheduler.ts',
  ingest: 'test/bench/ingest.ts',
  scoring: 'test/bench/scoring-aar.ts',
  'scoring-validity': 'test/bench/scoring-validity.ts',
  validation: 'test/bench/validation.ts',
  memory: 'test/bench/memory.ts',
  soak: 'test/bench/soak.ts',
};

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    /* not Linux */
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** The commit the figures come from, and whether the working tree differed from it (then they are not its figures). */
function commit(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  try {
    const sha = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no');
    return dirty ? `${sha} + uncommitted changes (${dirty.split('\n').length} files modified)` : `${sha} (clean tree)`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function runOne(
  name: string,
  file: string,
): Promise<{ name: string; code: number; sections: string[]; seconds: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', './scripts/ts-register.mjs', file], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      process.stdout.write(b);
    });
    child.on('exit', (code) => {
      const sections = [...out.matchAll(/<!-- bench:begin -->\n([\s\S]*?)\n<!-- bench:end -->/g)].map((m) => m[1]!);
      resolve({ name, code: code ?? 1, sections, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !ALL[w]);
  if (unknown.length)
    throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; choose from ${Object.keys(ALL).join(', ')}`);
  const names = wanted.length ? wanted : Object.keys(ALL);
  const startedAt = new Date();
  const commitAtStart = commit();
  const loadBefore = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const results = [];
  for (const n of names) {
    process.stderr.write(`\n=== bench ${n} ===\n`);
    results.push(await runOne(n, ALL[n]!));
  }
  const loadAfter = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const quick = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';
  const header = [
    `Commit: ${commitAtStart}${commitAtStart === commit() ? '' : ` at the start, ${commit()} at the end`}.`,
    '',
    `Command: \`${quick ? 'BENCH_QUICK=1 ' : ''}npm run bench${wanted.length ? ` -- ${wanted.join(' ')}` : ''}\` — ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.` +
      (quick ? ' **Quick mode: toy sizes, to check the bench code; these figures mean nothing.**' : ''),
    '',
    `Machine: ${cpus().length} CPU (nproc), ${cpuModel()}, Node ${process.version}, ${process.platform}; load average ${loadBefore} before, ${loadAfter} after (1/5/15 min).`,
    '',
  ];
  // A benchmark that misses its target exits 1 but still prints its table: the figures are what tells why.
  const body = results.flatMap((r) =>
    r.code === 0
      ? r.sections
      : [
          ...r.sections,
          `### ${r.name}\n\nFAILED (exit ${r.code}) after ${r.seconds.toFixed(0)} s; see the output above.`,
        ],
  );
  const text = [...header, ...body.map((s) => s + '\n')].join('\n');
  const dir = join(REPO_ROOT, 'test/artifacts');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bench-results.md'), text);
  process.stdout.write(
    `\n\n${text}\nwritten to test/artifacts/bench-results.md; ${results.map((r) => `${r.name} ${r.seconds.toFixed(0)} s`).join(', ')}\n`,
  );
  process.exit(results.every((r) => r.code === 0) ? 0 : 1);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exit(1);
});
