// Benchmark — scoring validity study (issue 14). Does the score order teams the way drill control would? The five
// simulated profiles behave as PROFILE_DESCRIPTIONS says (apps/drill-cli/src/simulate/profiles.ts; the study never
// changes how they behave), and every sample drill under scenarios/ is run with several seeds, ten teams each (two
// of every profile, rotated over the teams from one seed to the next). Per scenario it prints each profile's mean ± sd of the team percentages and the order, and
// checks the target: diligent > slow and partial > noisy > silent, each step at least 10 points apart in the mean.
// Run: npm run bench -- scoring-validity   (SEEDS=n to change the number of seeds, default 5)
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulation } from '../../apps/drill-cli/src/simulate/simulate.js';
import { PROFILE_NAMES, type ProfileName } from '../../apps/drill-cli/src/simulate/profiles.js';
import { REPO_ROOT } from '../support/cluster.js';
import { fmt, machine, report, sized, table } from './support/common.js';

const SEEDS = Number(process.env.SEEDS ?? sized(5, 1));
const SPEED = 1200; // a three-hour drill in nine seconds; bots still answer within a scenario minute or two
const GAP = 10;

interface Stat {
  mean: number;
  sd: number;
  n: number;
}

function stat(xs: number[]): Stat {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return { mean, sd, n: xs.length };
}

/** The target's steps, each with the gap between its means (positive = in the right order). */
export function steps(s: Record<ProfileName, Stat>): { step: string; gap: number }[] {
  return [
    { step: 'diligent > slow', gap: s.diligent.mean - s.slow.mean },
    { step: 'diligent > partial', gap: s.diligent.mean - s.partial.mean },
    { step: 'slow > noisy', gap: s.slow.mean - s.noisy.mean },
    { step: 'partial > noisy', gap: s.partial.mean - s.noisy.mean },
    { step: 'noisy > silent', gap: s.noisy.mean - s.silent.mean },
  ];
}

async function main() {
  const scenarios = readdirSync(join(REPO_ROOT, 'scenarios')).filter((f) => /\.ya?ml$/.test(f));
  const rows: (string | number)[][] = [];
  const verdicts: string[] = [];
  let allMet = true;
  const t0 = Date.now();
  for (const file of scenarios) {
    const per: Record<ProfileName, number[]> = { diligent: [], slow: [], partial: [], noisy: [], silent: [] };
    for (let seed = 1; seed <= SEEDS; seed++) {
      const dir = mkdtempSync(join(tmpdir(), 'validity-'));
      try {
        const result = await runSimulation(
          {
            scenario: join(REPO_ROOT, 'scenarios', file),
            teams: 10,
            speed: SPEED,
            seed,
            // Counterbalanced: which teams an inject targets is fixed by the scenario, so each seed deals the
            // profiles to the teams rotated by one; over five seeds every profile plays every team's injects.
            profiles: PROFILE_NAMES.map((_, i) => PROFILE_NAMES[(i + seed - 1) % PROFILE_NAMES.length]!),
            quiet: true,
            out: join(dir, 'out'),
            database: `sqlite:${join(dir, 'drill.sqlite')}`,
            logLevel: 'error',
          },
          { out: () => {}, err: (s: string) => process.stderr.write(`${file} seed ${seed}: ${s}\n`) },
        );
        for (const t of result.teams) per[t.profile].push(t.percent ?? 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      process.stderr.write(`${file}: seed ${seed} of ${SEEDS} done\n`);
    }
    const s = Object.fromEntries(PROFILE_NAMES.map((p) => [p, stat(per[p])])) as Record<ProfileName, Stat>;
    const order = [...PROFILE_NAMES].sort((a, b) => s[b].mean - s[a].mean);
    const st = steps(s);
    const met = st.every((x) => x.gap >= GAP);
    allMet &&= met;
    rows.push([
      file.replace(/\.ya?ml$/, ''),
      ...PROFILE_NAMES.map((p) => `${fmt(s[p].mean)} ± ${fmt(s[p].sd)}`),
      order.join(' > '),
      met ? 'met' : 'NOT met',
    ]);
    verdicts.push(
      `${file}: ${st.map((x) => `${x.step} by ${fmt(x.gap)}${x.gap >= GAP ? '' : ' ✗'}`).join('; ')} (n = ${s.diligent.n} teams per profile)`,
    );
  }
  report(
    'Scoring validity: team percentage by profile (mean ± sd)',
    [
      `${scenarios.length} sample drills × ${SEEDS} seeds × 10 teams (2 per profile, rotated over the teams by seed), speed ${SPEED}, default scoring. Target: diligent > slow and partial > noisy > silent, each step ≥ ${GAP} points in the mean. ${Math.round((Date.now() - t0) / 1000)} s. ${machine()}.`,
      '',
      table(['scenario', ...PROFILE_NAMES, 'order', 'target'], rows),
      '',
      ...verdicts.map((v) => `- ${v}`),
      '',
      allMet ? 'Target met in every scenario.' : 'Target NOT met in every scenario.',
    ].join('\n'),
  );
  if (!allMet) process.exitCode = 1;
}

await main();
