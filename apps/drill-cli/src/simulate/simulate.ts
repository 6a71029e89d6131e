import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { generateToken } from '@drill/auth';
import { validateScenarioText, type Scenario } from '@drill/scenario';
import { EXIT, type Io } from '../scenario-commands.js';
import { ApiError, DrillApi } from './api.js';
import { Bot, type BotStats } from './bot.js';
import { DEFAULTS } from './defaults.js';
import { dealDrifts, driftedBehaviour, type Drift } from './drift.js';
import { startEmbeddedServer, type EmbeddedServer } from './embedded.js';
import { Prng } from './prng.js';
import { PROFILE_NAMES, type ProfileName } from './profiles.js';
import { buildRoster, MAX_TEAMS, TEAM_CATALOGUE, type TeamPlan } from './roster.js';
import { scenarioClock } from './responder.js';

export interface SimulateOptions {
  /** Scenario file (YAML or JSON). */
  scenario: string;
  teams?: number;
  speed?: number;
  /** A running server; without it one is started in this process. */
  server?: string;
  /** Controller token for `server`. */
  token?: string;
  out?: string;
  seed?: number;
  quiet?: boolean;
  /** Profiles dealt to the teams in roster order, cycled. */
  profiles?: ProfileName[];
  /** Embedded server only: DATABASE_URL (default a fresh SQLite file under ./data). */
  database?: string;
  /** Embedded server only: LOG_LEVEL (default warn). */
  logLevel?: string;
  progressEverySeconds?: number;
  /** Runs this many drills in a row against the same teams, their behaviour drifting between drills (runHistory). */
  history?: number;
  /** Aborting it (Ctrl-C) aborts the exercise and stops the run. */
  signal?: AbortSignal;
}

/** Which drill of a history this run is: the drifts are dealt from the history's seed, so they hold across drills. */
export interface HistoryStep {
  index: number;
  of: number;
  driftSeed: number;
}

export const MAX_HISTORY = 20;

export interface TeamOutcome {
  rank: number;
  teamId: string;
  code: string;
  name: string;
  profile: ProfileName;
  /** In a history: how the team's behaviour moves from drill to drill. */
  drift?: Drift;
  percent: number | null;
  injects: number;
  answered: number;
  afterDeadline: number;
  decoysReported: number;
  /** Cooperation score 0..1 as the asked party (null: asked nothing, or a server without requests for assistance). */
  cooperation: number | null;
  stats: BotStats;
}

export interface SimulationResult {
  exerciseId: string;
  serverUrl: string;
  outDir: string;
  files: string[];
  /** False when the server has no AAR endpoint (yet): scorecards.json is then the record of the run. */
  aarWritten: boolean;
  seed: number;
  wallSeconds: number;
  scenarioMinutes: number;
  teams: TeamOutcome[];
  problems: string[];
}

export { DEFAULTS };

export class SimulationError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

const POLL_MS = 200;
const TEAM_TIERS_OF = new Map(TEAM_CATALOGUE.flatMap((t) => (t.tier === undefined ? [] : [[t.code, t.tier] as const])));

interface ExerciseView {
  id: string;
  status: string;
  speed: number;
  clock: { status: string; scenarioMs: number; scenarioTime: string };
  teams: { id: string; code: string; name: string }[];
}

interface Scorecards {
  teams: {
    teamId: string;
    code?: string;
    name?: string;
    percent: number | null;
    injects: {
      injectId: string;
      times: { toReport?: number };
      timeliness: { rule: string };
      completeness: { components: { iocs: { decoysReported: unknown[] } } };
    }[];
    /** Absent from a server without requests for assistance. */
    cooperation?: { score: number | null };
  }[];
  objectives: { objectiveId: string; capability?: string; rating: string | null; mean: number | null }[];
}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/:/g, '-');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function checkOptions(o: SimulateOptions): { teams: number; speed: number; seed: number; progressMs: number } {
  const teams = o.teams ?? DEFAULTS.teams;
  const speed = o.speed ?? DEFAULTS.speed;
  if (!Number.isInteger(teams) || teams < 1 || teams > MAX_TEAMS)
    throw new SimulationError(`--teams must be a whole number from 1 to ${MAX_TEAMS}`);
  if (!Number.isFinite(speed) || speed < 1 || speed > 3600)
    throw new SimulationError('--speed must be from 1 to 3600 (scenario seconds per wall second)');
  if (o.server && !o.token) throw new SimulationError('--server needs --token (a controller token of that server)');
  if (o.token && !o.server) throw new SimulationError('--token only makes sense with --server');
  if (o.server && o.database)
    throw new SimulationError('--database is for the embedded server; a running server has its own');
  if (o.seed !== undefined && (!Number.isInteger(o.seed) || o.seed < 0))
    throw new SimulationError('--seed must be a non-negative whole number');
  if (o.history !== undefined && (!Number.isInteger(o.history) || o.history < 1 || o.history > MAX_HISTORY))
    throw new SimulationError(`--history must be a whole number from 1 to ${MAX_HISTORY}`);
  const every = o.progressEverySeconds ?? DEFAULTS.progressEverySeconds;
  if (!(every > 0)) throw new SimulationError('--progress-every must be a positive number of seconds');
  return { teams, speed, seed: o.seed ?? Math.floor(Math.random() * 2 ** 31), progressMs: every * 1000 };
}

function loadScenario(file: string, io: Io): { scenario: Scenario; text: string; format: 'yaml' | 'json' } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SimulationError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const format = extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
  const { scenario, errors } = validateScenarioText(text, format);
  if (!scenario || errors.length) {
    for (const p of errors)
      io.err(
        `${file}${p.line !== undefined ? `:${p.line}:${p.column ?? 1}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`,
      );
    throw new SimulationError(
      `${file}: ${errors.length} problem${errors.length === 1 ? '' : 's'}; run \`drill validate ${file}\``,
      EXIT.invalid,
    );
  }
  return { scenario, text, format };
}

/** Creates the team, or adopts an existing one of that code (a running server usually has the national teams already). */
async function enrolTeam(
  api: DrillApi,
  plan: TeamPlan,
  warn: (s: string) => void,
): Promise<{ id: string; tags: string[] }> {
  try {
    const t = await api.post<{ id: string; tags: string[] }>('/api/teams', {
      code: plan.code,
      name: plan.name,
      country: plan.country,
      ...(plan.tier !== undefined ? { tier: plan.tier } : {}),
      tags: plan.tags,
    });
    return t;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 409) throw e;
    const existing = (await api.get<{ id: string; code: string; tags: string[] }[]>('/api/teams')).find(
      (t) => t.code === plan.code,
    );
    if (!existing) throw e;
    const missing = plan.tags.filter((t) => !existing.tags.includes(t));
    if (missing.length)
      warn(
        `team ${plan.code} already exists without tag${missing.length === 1 ? '' : 's'} ${missing.join(', ')}; injects aimed only at those tags will not reach it`,
      );
    return existing;
  }
}

function pct(p: number | null): string {
  return p === null ? '—' : `${p.toFixed(1)}%`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === 0 || /^[\d.%—/-]+$/.test(cell) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * Runs a whole drill with simulated teams: enrols them, saves the scenario, creates and starts the exercise, lets
 * one socket.io bot per team acknowledge and report according to its profile, completes the exercise when the
 * planned duration is over (and every deadline has passed and no bot has anything left to send), then prints the
 * ranking and writes the AAR files. Throws SimulationError when it cannot run.
 */
export async function runSimulation(options: SimulateOptions, io: Io, step?: HistoryStep): Promise<SimulationResult> {
  const { teams: teamCount, speed, seed, progressMs } = checkOptions(options);
  const say = (s: string) => {
    if (!options.quiet) io.out(s);
  };
  const problems: string[] = [];
  const problem = (s: string) => {
    problems.push(s);
    if (problems.length <= 20) io.err(`  ! ${s}`);
    else if (problems.length === 21) io.err('  ! (further problems are counted, not shown)');
  };

  const { scenario, text, format } = loadScenario(options.scenario, io);
  const startedAt = new Date();
  const outDir = resolve(options.out ?? join('simulation-output', stamp(startedAt)));
  const roster = buildRoster(scenario, teamCount, options.profiles ?? PROFILE_NAMES);
  if (roster.leftOut.length)
    problem(
      `${teamCount} teams leave out ${roster.leftOut.join(', ')}, which the scenario targets by code; their injects reach nobody`,
    );

  let server: EmbeddedServer | undefined;
  let serverUrl = options.server ?? '';
  let token = options.token ?? '';
  const database = options.database ?? `sqlite:./data/simulation-${stamp(startedAt)}.sqlite`;
  const bots: Bot[] = [];
  const t0 = Date.now();
  try {
    if (!options.server) {
      token = generateToken();
      say(`Starting an embedded drill server (${database}) …`);
      server = await startEmbeddedServer({
        databaseUrl: database,
        adminToken: token,
        logLevel: options.logLevel ?? 'warn',
      });
      serverUrl = server.url;
    }
    const api = new DrillApi(serverUrl, token);
    const me = await api.get<{ id: string; role: string }>('/api/me');
    if (me.role !== 'controller')
      throw new SimulationError(`the token belongs to a ${me.role}; the simulation needs a controller token`);

    // Teams, one participant each.
    const enrolled: { plan: TeamPlan; id: string; token: string }[] = [];
    for (const plan of roster.teams) {
      const team = await enrolTeam(api, plan, problem);
      const user = await api.post<{ id: string; token: string }>('/api/users', {
        name: `${plan.name} analyst (simulated)`,
        role: 'participant',
        teamId: team.id,
      });
      enrolled.push({ plan: { ...plan, tags: team.tags }, id: team.id, token: user.token });
    }

    const saved = await api.post<{ id: string; version: number }>(
      '/api/scenarios',
      text,
      format === 'json' ? 'application/json' : 'application/yaml',
    );
    const exercise = await api.post<ExerciseView>('/api/exercises', {
      scenarioId: saved.id,
      version: saved.version,
      name: `Simulation${step ? ` ${step.index + 1}/${step.of}` : ''} — ${scenario.title}`.slice(0, 200),
      speed,
      teamIds: enrolled.map((t) => t.id),
    });
    const wallSeconds = (scenario.plannedDurationMinutes * 60) / speed;
    const wall = wallSeconds < 120 ? `~${Math.round(wallSeconds)} s` : `~${(wallSeconds / 60).toFixed(1)} min`;
    say(
      `Scenario "${scenario.title}" v${saved.version}: ${scenario.injects.length} injects over ${scenarioClock(scenario.plannedDurationMinutes)} at ×${speed} (${wall} of wall time)`,
    );
    say(`Exercise ${exercise.id} on ${serverUrl}, seed ${seed} (repeat with --seed ${seed})`);
    const drifts = step
      ? dealDrifts(
          enrolled.map((t) => t.plan.code),
          step.driftSeed,
        )
      : new Map<string, Drift>();
    const driftMark: Record<Drift, string> = { improves: ' ↑', slips: ' ↓', steady: '' };
    say(
      `Teams: ${enrolled.map((t) => `${t.plan.code} ${t.plan.profile}${drifts.has(t.plan.code) ? driftMark[drifts.get(t.plan.code)!] : ''}${t.plan.tags.length ? ` [${t.plan.tags.join(',')}]` : ''}`).join(' · ')}`,
    );

    const root = new Prng(seed);
    const codes = enrolled.map((t) => t.plan.code);
    for (const t of enrolled) {
      bots.push(
        new Bot(
          {
            id: t.id,
            code: t.plan.code,
            country: t.plan.country,
            profile: t.plan.profile,
            ...(step
              ? { behaviour: driftedBehaviour(t.plan.profile, drifts.get(t.plan.code)!, step.index, step.of) }
              : {}),
            token: t.token,
          },
          {
            url: serverUrl,
            exerciseId: exercise.id,
            speed,
            scenario,
            rng: root.fork(t.plan.code),
            exerciseCodes: codes,
            controlUserId: me.id,
            onProblem: (team, m) => problem(`${team}: ${m}`),
          },
        ),
      );
    }
    await Promise.all(bots.map((b) => b.connect()));
    // As drill control does before STARTEX, so that the AAR has each team's point-of-contact reachability.
    try {
      await api.post(`/api/exercises/${exercise.id}/comcheck`);
      say('Communications check sent');
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
      say('This server has no communications check (POST …/comcheck); starting without one');
    }
    await api.post(`/api/exercises/${exercise.id}/start`);
    say('STARTEX');

    const released = () => new Set(bots.flatMap((b) => [...b.receivedIds]));
    const progress = (time: string) => {
      const sum = (f: (s: BotStats) => number) => bots.reduce((n, b) => n + f(b.stats), 0);
      const perProfile = PROFILE_NAMES.filter((p) => bots.some((b) => b.team.profile === p))
        .map((p) => `${p} ${bots.filter((b) => b.team.profile === p).reduce((n, b) => n + b.stats.reportsSent, 0)}`)
        .join(' · ');
      const rejected = sum((s) => s.reportsRejected);
      say(
        `${time}  injects ${released().size}/${scenario.injects.length} (deliveries ${sum((s) => s.received)})  acks ${sum((s) => s.acknowledged)}  ` +
          `reports ${sum((s) => s.reportsSent)}${rejected ? ` (${rejected} rejected)` : ''}  by profile: ${perProfile}  ` +
          `assistance: ${sum((s) => s.requestsSent)} sent, ${sum((s) => s.requestsAnswered)} answered, ${sum((s) => s.requestsFulfilled)} fulfilled  ` +
          `comcheck ${sum((s) => s.comchecksConfirmed)}/${bots.length}`,
      );
    };

    // Run until ENDEX: planned duration over, every deadline passed, nothing left to send — or the grace runs out.
    const planned = scenario.plannedDurationMinutes;
    let lastLine = Date.now();
    let view = exercise;
    let aborted = false;
    for (;;) {
      if (options.signal?.aborted) {
        aborted = true;
        break;
      }
      view = await api.get<ExerciseView>(`/api/exercises/${exercise.id}`);
      if (view.status !== 'running' && view.status !== 'paused') {
        problem(`the exercise was ${view.status} by someone else`);
        break;
      }
      const min = view.clock.scenarioMs / 60_000;
      if (Date.now() - lastLine >= progressMs) {
        progress(view.clock.scenarioTime);
        lastLine = Date.now();
      }
      const now = Date.now();
      const settled = bots.every((b) => b.pending === 0 && b.lastDeadlineAt <= now);
      if ((min >= planned && settled) || min >= planned + DEFAULTS.graceMinutes) break;
      await sleep(POLL_MS);
    }

    for (const b of bots) b.cancelPending();
    const drainUntil = Date.now() + 5000;
    while (bots.some((b) => b.pending > 0) && Date.now() < drainUntil) await sleep(20);
    if (aborted) {
      // Best effort: with an embedded server, Ctrl-C may already be shutting it down.
      await api.post(`/api/exercises/${exercise.id}/abort`).catch(() => undefined);
      for (const b of bots) b.disconnect();
      throw new SimulationError('interrupted: the exercise was aborted', 130);
    }
    if (view.status === 'running' || view.status === 'paused')
      view = await api.post<ExerciseView>(`/api/exercises/${exercise.id}/complete`);
    progress(view.clock.scenarioTime);
    const cutOff = bots.reduce((n, b) => n + b.stats.cutOff, 0);
    say(
      `ENDEX at ${view.clock.scenarioTime}${cutOff ? ` (${cutOff} planned action${cutOff === 1 ? '' : 's'} cut off: acknowledgements, reports, answers)` : ''}`,
    );
    for (const b of bots) b.disconnect();

    // Results.
    const cards = await api.get<Scorecards>(`/api/exercises/${exercise.id}/scorecards`);
    const byTeam = new Map(bots.map((b) => [b.team.id, b]));
    const outcomes: TeamOutcome[] = cards.teams
      .map((t) => {
        const bot = byTeam.get(t.teamId)!;
        return {
          rank: 0,
          teamId: t.teamId,
          code: t.code ?? bot.team.code,
          name: t.name ?? bot.team.code,
          profile: bot.team.profile,
          ...(drifts.has(bot.team.code) ? { drift: drifts.get(bot.team.code)! } : {}),
          percent: t.percent,
          injects: t.injects.length,
          answered: t.injects.filter((i) => i.times.toReport !== undefined).length,
          afterDeadline: t.injects.filter((i) => i.timeliness.rule === 'after-deadline').length,
          decoysReported: t.injects.reduce((n, i) => n + i.completeness.components.iocs.decoysReported.length, 0),
          cooperation: t.cooperation?.score ?? null,
          stats: { ...bot.stats },
        };
      })
      .sort((a, b) => (b.percent ?? -1) - (a.percent ?? -1) || a.code.localeCompare(b.code));
    outcomes.forEach((o, i) => (o.rank = i + 1));

    io.out('');
    io.out(`Results — ${scenario.title}`);
    const rows = [
      [
        '#',
        'Team',
        'Profile',
        'Score',
        'Answered',
        'Late',
        'Decoys',
        'Reports',
        'Acks',
        'Coop',
        'RFA',
        'RFA sent',
        'Comcheck',
      ],
    ];
    for (const o of outcomes) {
      rows.push([
        String(o.rank),
        o.code,
        o.profile,
        pct(o.percent),
        `${o.answered}/${o.injects}`,
        String(o.afterDeadline),
        String(o.decoysReported),
        String(o.stats.reportsSent),
        String(o.stats.acknowledged),
        pct(o.cooperation === null ? null : o.cooperation * 100),
        `${o.stats.requestsFulfilled}/${o.stats.requestsAnswered}/${o.stats.requestsAsked}`,
        String(o.stats.requestsSent),
        o.stats.comchecksConfirmed ? 'yes' : 'no',
      ]);
    }
    for (const line of table(rows)) io.out(`  ${line}`);
    io.out('  (Answered: injects reported on; Late: first report after the deadline; Decoys: decoy IOCs reported)');
    io.out(
      '  (Coop: cooperation score; RFA: requests for assistance to the team, fulfilled/answered/asked; RFA sent: those it made)',
    );
    if (cards.objectives.length) {
      io.out('Objectives (HSEEP rating, mean score):');
      for (const o of cards.objectives)
        io.out(
          `  ${o.objectiveId} ${o.capability ?? ''}: ${o.rating ?? '—'}${o.mean !== null ? ` (${(o.mean * 100).toFixed(0)}%)` : ''}`,
        );
    }

    // Files.
    mkdirSync(outDir, { recursive: true });
    const files: string[] = [];
    const write = (name: string, data: string | Buffer) => {
      writeFileSync(join(outDir, name), data);
      files.push(name);
    };
    let aarWritten = true;
    for (const format of ['html', 'json', 'csv'] as const) {
      const r = await api.download(`/api/exercises/${exercise.id}/report?format=${format}`);
      if (r.status === 200) write(`aar.${format}`, r.data);
      else {
        aarWritten = false;
        // A server without the report route answers Nest's "Cannot GET …": no point asking for the other formats.
        if (r.status === 404 && r.text().includes('Cannot GET')) break;
        problem(`AAR (${format}) → ${r.status} ${r.text().slice(0, 200)}`);
      }
    }
    if (!aarWritten)
      io.out(
        'No after-action report from this server (GET /api/exercises/:id/report); scorecards.json holds the scores.',
      );
    write('scorecards.json', JSON.stringify(cards, null, 2));
    const tookSeconds = (Date.now() - t0) / 1000;
    write(
      'simulation.json',
      JSON.stringify(
        {
          scenario: { file: options.scenario, id: saved.id, version: saved.version, title: scenario.title },
          exerciseId: exercise.id,
          server: options.server ? serverUrl : { embedded: true, database },
          speed,
          seed,
          startedAt: startedAt.toISOString(),
          wallSeconds: tookSeconds,
          endedAt: view.clock.scenarioTime,
          ...(step ? { history: { drill: step.index + 1, of: step.of, driftSeed: step.driftSeed } } : {}),
          teams: outcomes.map((o) => ({
            code: o.code,
            name: o.name,
            profile: o.profile,
            ...(o.drift ? { drift: o.drift } : {}),
            tags: enrolled.find((e) => e.id === o.teamId)?.plan.tags ?? [],
            percent: o.percent,
            cooperation: o.cooperation,
            ...o.stats,
          })),
          problems,
        },
        null,
        2,
      ),
    );
    io.out(`Wrote ${files.join(', ')} to ${outDir}`);
    if (!options.server && !database.endsWith(':memory:')) {
      io.out(
        `The drill stays in ${database.slice('sqlite:'.length)}: browse it with DATABASE_URL=${database} npm start, controller token ${token}`,
      );
    }
    io.out(`Done in ${tookSeconds.toFixed(1)} s.`);
    return {
      exerciseId: exercise.id,
      serverUrl,
      outDir,
      files,
      aarWritten,
      seed,
      wallSeconds: tookSeconds,
      scenarioMinutes: view.clock.scenarioMs / 60_000,
      teams: outcomes,
      problems,
    };
  } finally {
    for (const b of bots) b.disconnect();
    await server?.close();
  }
}

/**
 * `drill simulate --history N`: N drills in a row against the same teams on one server (the embedded one is started
 * once, so the drills share its database), drill k with seed + k, each team's behaviour drifting from drill to
 * drill as dealDrifts decides from the seed. Gives the capacity views (GET /api/capacity, capacity.html) a history
 * to show on a fresh machine. Each drill's files go to <out>/drill-<k>/.
 */
export async function runHistory(options: SimulateOptions, io: Io): Promise<SimulationResult[]> {
  const { seed } = checkOptions(options);
  loadScenario(options.scenario, io); // a bad scenario is refused before any server starts
  const of = options.history ?? 1;
  const startedAt = new Date();
  const outDir = resolve(options.out ?? join('simulation-output', stamp(startedAt)));
  const database = options.database ?? `sqlite:./data/simulation-${stamp(startedAt)}.sqlite`;
  let server: EmbeddedServer | undefined;
  let serverUrl = options.server ?? '';
  let token = options.token ?? '';
  try {
    if (!options.server) {
      token = generateToken();
      if (!options.quiet) io.out(`Starting an embedded drill server (${database}) for ${of} drills …`);
      server = await startEmbeddedServer({
        databaseUrl: database,
        adminToken: token,
        logLevel: options.logLevel ?? 'warn',
      });
      serverUrl = server.url;
    }
    const results: SimulationResult[] = [];
    for (let index = 0; index < of; index++) {
      io.out(`\n=== Drill ${index + 1} of ${of} (seed ${seed + index}) ===`);
      const { history: _history, database: _database, ...rest } = options;
      results.push(
        await runSimulation(
          { ...rest, server: serverUrl, token, seed: seed + index, out: join(outDir, `drill-${index + 1}`) },
          io,
          { index, of, driftSeed: seed },
        ),
      );
    }
    io.out('');
    io.out(`History of ${of} drills (repeat with --history ${of} --seed ${seed}):`);
    const rows = [['Team', 'Tier', 'Profile', 'Drift', ...results.map((_, k) => `#${k + 1}`), 'Change']];
    for (const t of results[0]!.teams) {
      const per = results.map((r) => r.teams.find((x) => x.code === t.code)?.percent ?? null);
      const first = per[0] ?? null;
      const last = per.at(-1) ?? null;
      const tier = TEAM_TIERS_OF.get(t.code);
      rows.push([
        t.code,
        tier === undefined ? '—' : String(tier),
        t.profile,
        t.drift ?? 'steady',
        ...per.map(pct),
        first === null || last === null ? '—' : `${last - first >= 0 ? '+' : ''}${(last - first).toFixed(1)}`,
      ]);
    }
    for (const line of table(rows)) io.out(`  ${line}`);
    if (!options.server && !database.endsWith(':memory:')) {
      io.out(
        `The drills stay in ${database.slice('sqlite:'.length)}: browse them with DATABASE_URL=${database} npm start, ` +
          `controller token ${token}, then open /capacity.html`,
      );
    }
    return results;
  } finally {
    await server?.close();
  }
}

/** `drill simulate`: exit 0 when the drill ran to the end, 1 for a bad scenario, 2 when it could not run, 130 on Ctrl-C. */
export async function simulateCommand(options: SimulateOptions, io: Io): Promise<number> {
  try {
    if (options.history !== undefined) await runHistory(options, io);
    else await runSimulation(options, io);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof SimulationError) {
      io.err(`drill simulate: ${e.message}`);
      return e.exitCode;
    }
    io.err(`drill simulate: ${(e as Error).message ?? String(e)}`);
    return EXIT.failed;
  }
}
