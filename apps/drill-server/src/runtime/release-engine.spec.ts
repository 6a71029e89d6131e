import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  AuditEventEntity,
  DeliveryEntity,
  ExerciseEntity,
  ScenarioVersionEntity,
  TeamEntity,
  dataSourceOptions,
  openDataSource,
  type DatabaseTarget,
} from '@drill/persistence';
import { validateScenarioText } from '@drill/scenario';
import { AuditRepository } from '../audit/audit.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { parseDrillConfig } from '../config/drill-config.js';
import { ReportRepository } from '../ism/report.repository.js';
import { StoredReportLookup } from '../ism/stored-report-lookup.js';
import { DeliveryRepository } from './delivery.repository.js';
import { DrillClock } from './drill-clock.js';
import { ExerciseRepository } from './exercise.repository.js';
import { InjectEditRepository } from './inject-edit.repository.js';
import { LifecycleService } from './lifecycle.service.js';
import { LiveChannel, type DrillNamespace, type InjectPayload } from './live-channel.js';
import { ExerciseMutex } from './mutex.js';
import { ReleaseEngine } from './release-engine.js';
import { ScenarioCache } from './scenario-cache.js';
import { InProcessScheduler } from './scheduler.js';

// Batched releases over real databases: an in-memory SQLite, and a scratch database on the test PostgreSQL when it
// answers (CI requires it). N injects are due at the start for two teams; their ids run against scenario order
// (I-N first), so an order taken from ids or insertion instead of the scenario shows. D-01 (after I-<N-2>, one
// minute), D-02 (ifReportMatches on I-<N-3>) and E-01 (ifNoReport on I-<N-1>, whose deadline is one minute) are
// armed by the release of the inject they watch.

const N = 600; // past one audit statement (500 rows)
const ids = Array.from({ length: N }, (_, i) => `I-${String(N - i).padStart(3, '0')}`);
const SCENARIO = `
id: batch-drill
title: Batch drill
summary: ${N} injects due at the start, and three conditional ones.
plannedDuration: "+02:00"
injects:
${ids
  .map(
    (id, i) => `  - id: ${id}
    offset: "+00:00"
    title: Inject ${id}
    body: Body of ${id}.
    targets: all
    severity: low
    tlp: TLP:GREEN${i === 1 ? '\n    responseRequired: true\n    deadlineMinutes: 1' : ''}`,
  )
  .join('\n')}
  - id: D-01
    title: One minute after ${ids[2]}
    body: Follow-up.
    severity: low
    tlp: TLP:GREEN
    trigger:
      after: { inject: ${ids[2]}, delayMinutes: 1 }
  - id: D-02
    title: When a report on ${ids[3]} names an infected system
    body: Sandbox report.
    severity: low
    tlp: TLP:GREEN
    trigger:
      ifReportMatches: { inject: ${ids[3]}, classification: { class: malicious-code, type: infected-system } }
  - id: E-01
    title: No report on ${ids[1]} by its deadline
    body: Escalation.
    severity: high
    tlp: TLP:AMBER
    trigger:
      ifNoReport: { inject: ${ids[1]} }
  - id: L-01
    offset: "+01:00"
    title: Not due for an hour
    body: Later.
    severity: low
    tlp: TLP:GREEN
    targets: all
`;
const scenario = validateScenarioText(SCENARIO, 'yaml').scenario!;
const CONTROLLER = { userId: null, role: 'controller' };

/** What a replica announced: one entry per `announceReleases` call that reached its gateway side. */
type Announcement = { teamId: string; payloads: InjectPayload[] };

/** One replica's runtime over `ds` (two of them over one SQLite data source are two passes of one process). */
function replica(ds: DataSource) {
  const exercises = new ExerciseRepository(ds);
  const deliveries = new DeliveryRepository(ds);
  const clock = new DrillClock(exercises);
  const mutex = new ExerciseMutex();
  const scenarios = new ScenarioCache(exercises);
  const config = parseDrillConfig({});
  const live = new LiveChannel(config);
  const announced: Announcement[] = [];
  /** The control room's `delivery` events. */
  const toControl: { teamId: string; seq: number }[] = [];
  // The gateway's side of the channel: what it would send to this replica's sockets (no socket.io server here).
  const rooms = {
    on: () => undefined,
    to: () => ({
      emit: (event: string, payload: { teamId: string; seq: number }) => {
        if (event === 'delivery') toControl.push({ teamId: payload.teamId, seq: payload.seq });
      },
    }),
  };
  live.attach(rooms as unknown as DrillNamespace, {
    release: (_exerciseId, teamId, payloads) => announced.push({ teamId, payloads }),
  });
  const audit = new AuditService(new AuditRepository(ds));
  const lifecycle = new LifecycleService(
    exercises,
    deliveries,
    clock,
    mutex,
    scenarios,
    new InProcessScheduler(),
    live,
    audit,
  );
  const engine = new ReleaseEngine(
    exercises,
    deliveries,
    new InjectEditRepository(ds),
    clock,
    mutex,
    scenarios,
    live,
    audit,
    new StoredReportLookup(new ReportRepository(ds)),
    config,
  );
  const listened: { teamId: string; injectId: string }[] = [];
  engine.onReleased((_ex, teamId, inject) => listened.push({ teamId, injectId: inject.id }));
  /** One release pass, run as the supervisor runs it: under this replica's lock of the exercise. */
  const pass = (exerciseId: string) => mutex.run(exerciseId, () => engine.releaseDue(exerciseId));
  return { ds, exercises, engine, lifecycle, scenarios, announced, listened, toControl, pass };
}
type Replica = ReturnType<typeof replica>;

/** A started exercise with two teams, its clock moved back five seconds so that everything due is late. */
async function startedDrill(r: Replica) {
  const { ds } = r;
  if (!(await ds.getRepository(ScenarioVersionEntity).existsBy({ scenarioId: scenario.id })))
    await ds.getRepository(ScenarioVersionEntity).insert({
      id: randomUUID(),
      scenarioId: scenario.id,
      version: 1,
      title: scenario.title,
      source: SCENARIO,
      sourceFormat: 'yaml',
      definition: scenario,
      createdBy: null,
      createdAt: Date.now(),
    });
  const suffix = randomBytes(3).toString('hex');
  const teams = ['AA', 'BB'].map((code) => ({
    id: randomUUID(),
    code: `${code}${suffix}`,
    name: `${code} CERT`,
    country: null,
    tags: [],
    tier: null,
    pointsOfContact: [],
    createdAt: Date.now(),
  }));
  await ds.getRepository(TeamEntity).insert(teams);
  const ex = Object.assign(new ExerciseEntity(), {
    id: randomUUID(),
    name: 'batch',
    scenarioId: scenario.id,
    scenarioVersion: 1,
    status: 'draft',
    speed: 1,
    scheduledStartAt: null,
    startedAt: null,
    pausedAt: null,
    pausedTotalMs: 0,
    endedAt: null,
    epoch: 0,
    settings: { teamsSeeOwnScores: false },
    createdBy: null,
    createdAt: Date.now(),
  });
  await r.exercises.create(
    ex,
    teams.map((t) => t.id),
  );
  await r.lifecycle.start(ex.id, CONTROLLER);
  await moveClockBack(ds, ex.id, 5000);
  const exerciseId = ex.id;
  const teamIds = teams.map((t) => t.id) as [string, string];
  return {
    exerciseId,
    teamIds,
    /** The team's released rows, by seq. */
    released: async (teamId: string) =>
      (
        await ds
          .getRepository(DeliveryEntity)
          .find({ where: { exerciseId, teamId, status: 'released' }, order: { seq: 'ASC' } })
      ).map((d) => ({ injectId: d.injectId, seq: d.seq, late: d.late, by: d.releasedBy, id: d.id })),
    row: (teamId: string, injectId: string) =>
      ds.getRepository(DeliveryEntity).findOneBy({ exerciseId, teamId, injectId }),
    /** The exercise's release audit rows, in the order written. */
    audits: async () =>
      (
        await ds
          .getRepository(AuditEventEntity)
          .find({ where: { exerciseId, action: 'inject.release' }, order: { seq: 'ASC' } })
      ).map((a) => ({
        targetId: a.targetId,
        ...(a.after as { teamId: string; injectId: string; seq: number }),
      })),
  };
}

/** Scenario time jumps ahead by `ms`: the exercise started that much earlier. */
async function moveClockBack(ds: DataSource, exerciseId: string, ms: number): Promise<void> {
  const ex = await ds.getRepository(ExerciseEntity).findOneByOrFail({ id: exerciseId });
  await ds.getRepository(ExerciseEntity).update({ id: exerciseId }, { startedAt: ex.startedAt! - ms });
}

const seqsOf = (rows: { seq: number | null }[]) => rows.map((r) => r.seq);
const oneToN = Array.from({ length: N }, (_, i) => i + 1);

const POSTGRES = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A scratch database on the test PostgreSQL, or undefined (a loud skip) on a laptop without one. */
async function scratchPostgres(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  let admin: DataSource;
  try {
    admin = await new DataSource({ type: 'postgres', url: POSTGRES, connectTimeoutMS: 1000 }).initialize();
  } catch (e) {
    if (process.env.CI === 'true')
      throw new Error(`PostgreSQL is required in CI: ${(e as Error).message}`, { cause: e });
    console.warn('\n!!! PostgreSQL does not answer: SKIPPING the PostgreSQL release batch tests !!!\n');
    return undefined;
  }
  const name = `drill_batch_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

describe.each(['sqlite', 'postgres'] as const)('release batches (%s)', (kind) => {
  let a: Replica | undefined;
  let b: Replica | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    let target: DatabaseTarget = { kind: 'sqlite', path: ':memory:' };
    if (kind === 'postgres') {
      const scratch = await scratchPostgres();
      if (!scratch) return;
      drop = scratch.drop;
      target = { kind: 'postgres', url: scratch.url };
    }
    const dsA = await openDataSource(dataSourceOptions(target));
    a = replica(dsA);
    // PostgreSQL: a second replica with its own connections; SQLite: a second pass in the same process.
    b = replica(kind === 'postgres' ? await openDataSource(dataSourceOptions(target)) : dsA);
  }, 30_000);
  afterAll(async () => {
    if (b && b.ds !== a?.ds) await b.ds.destroy();
    await a?.ds.destroy();
    await drop?.();
  });
  const available = () => {
    if (!a || !b) console.warn(`skipped: no ${kind}`);
    return a !== undefined && b !== undefined;
  };

  it('releases every team’s due rows as one batch: seqs 1..n per team in scenario order, one audit row each, dependants armed', async () => {
    if (!available()) return;
    const drill = await startedDrill(a!);
    a!.announced.length = 0;
    a!.toControl.length = 0;
    const transactions = jest.spyOn(a!.exercises, 'transaction');
    await a!.pass(drill.exerciseId);
    // Both teams' rows in one transaction (one claim, one sequence update, one audit insert), not one per team.
    expect(transactions).toHaveBeenCalledTimes(1);
    transactions.mockRestore();

    for (const teamId of drill.teamIds) {
      const released = await drill.released(teamId);
      expect(seqsOf(released)).toEqual(oneToN);
      expect(released.map((r) => r.injectId)).toEqual(ids);
      expect(released.every((r) => r.late && r.by === 'scheduler')).toBe(true);
      expect(await a!.exercises.lastSeqOf(drill.exerciseId, teamId)).toBe(N);
      // One announcement for the team's batch, in seq order.
      const announcements = a!.announced.filter((x) => x.teamId === teamId);
      expect(announcements).toHaveLength(1);
      expect(announcements[0]!.payloads.map((p) => [p.seq, p.injectId])).toEqual(
        released.map((r) => [r.seq, r.injectId]),
      );
      expect(a!.listened.filter((l) => l.teamId === teamId)).toHaveLength(N);
      expect(a!.toControl.filter((d) => d.teamId === teamId).map((d) => d.seq)).toEqual(oneToN);

      // Dependants armed in the same transaction, timed from the release of what they watch.
      const watched = (await drill.row(teamId, ids[2]!))!;
      expect(await drill.row(teamId, 'D-01')).toMatchObject({
        status: 'scheduled',
        dueScenarioMs: watched.releasedScenarioMs! + 60_000,
      });
      expect(await drill.row(teamId, 'D-02')).toMatchObject({ status: 'armed', dueScenarioMs: null });
      expect(await drill.row(teamId, 'E-01')).toMatchObject({ status: 'armed' });
      expect(await drill.row(teamId, 'L-01')).toMatchObject({ status: 'scheduled', seq: null });
    }

    // Exactly one audit row per release, naming the row and the seq it got.
    const audits = await drill.audits();
    expect(audits).toHaveLength(2 * N);
    for (const teamId of drill.teamIds) {
      const mine = audits.filter((x) => x.teamId === teamId); // in the order written
      const released = await drill.released(teamId);
      expect(mine.map((x) => [x.seq, x.injectId, x.targetId])).toEqual(released.map((r) => [r.seq, r.injectId, r.id]));
    }

    // A second wake-up finds nothing to release.
    a!.announced.length = 0;
    await a!.pass(drill.exerciseId);
    expect(a!.announced).toEqual([]);
    expect(await drill.audits()).toHaveLength(2 * N);

    // A minute on, the conditional ones are due: the after and the ifNoReport (no report came) go out together,
    // in scenario order, numbered on from the team's last seq.
    await moveClockBack(a!.ds, drill.exerciseId, 61_000);
    await a!.pass(drill.exerciseId);
    for (const teamId of drill.teamIds) {
      const next = (await drill.released(teamId)).slice(N);
      expect(next.map((r) => [r.seq, r.injectId, r.by])).toEqual([
        [N + 1, 'D-01', 'trigger:after'],
        [N + 2, 'E-01', 'trigger:ifNoReport'],
      ]);
      expect(await drill.row(teamId, 'D-02')).toMatchObject({ status: 'armed', seq: null });
    }
    expect(await drill.audits()).toHaveLength(2 * (N + 2));
  }, 60_000);

  it('runs a release hook inside the release transaction: when the hook fails, nothing is released', async () => {
    if (!available()) return;
    const r = replica(a!.ds);
    let fail = true;
    const calls: { injectIds: string[]; inTransaction: boolean | undefined }[] = [];
    r.engine.inReleaseTransaction({
      wants: (inject) => inject.id === ids[0] || inject.id === ids[1],
      run: async (m, _ex, releases) => {
        calls.push({
          injectIds: releases.map((x) => x.inject.id).sort(),
          inTransaction: m.queryRunner?.isTransactionActive,
        });
        if (fail) throw new Error('hook failed');
      },
    });
    const drill = await startedDrill(r);
    await expect(r.pass(drill.exerciseId)).rejects.toThrow('hook failed');
    for (const teamId of drill.teamIds) expect(await drill.released(teamId)).toEqual([]);
    expect(await drill.audits()).toEqual([]);
    expect(r.announced).toEqual([]);

    fail = false;
    await r.pass(drill.exerciseId);
    for (const teamId of drill.teamIds) expect(seqsOf(await drill.released(teamId))).toEqual(oneToN);
    // Called once per pass with only the releases it wants (two injects × two teams), inside the transaction.
    expect(calls).toEqual([
      { injectIds: [ids[1], ids[1], ids[0], ids[0]].sort(), inTransaction: true },
      { injectIds: [ids[1], ids[1], ids[0], ids[0]].sort(), inTransaction: true },
    ]);
  }, 60_000);

  it('releases each row once when two passes race on the same rows', async () => {
    if (!available()) return;
    const drill = await startedDrill(a!);
    for (const r of [a!, b!]) {
      r.announced.length = 0;
      r.listened.length = 0;
    }
    await Promise.all([a!.pass(drill.exerciseId), b!.pass(drill.exerciseId)]);

    for (const teamId of drill.teamIds) {
      const released = await drill.released(teamId);
      expect(seqsOf(released)).toEqual(oneToN);
      expect(released.map((r) => r.injectId)).toEqual(ids);
      expect(await a!.exercises.lastSeqOf(drill.exerciseId, teamId)).toBe(N);
      // Announced once in all, whichever replica won: each (seq, inject) once, and no seq without its row.
      const announced = [...a!.announced, ...b!.announced]
        .filter((x) => x.teamId === teamId)
        .flatMap((x) => x.payloads.map((p) => [p.seq, p.injectId]));
      expect(announced.sort((x, y) => (x[0] as number) - (y[0] as number))).toEqual(
        released.map((r) => [r.seq, r.injectId]),
      );
      const listened = [...a!.listened, ...b!.listened].filter((l) => l.teamId === teamId);
      expect(listened).toHaveLength(N);
    }
    const audits = await drill.audits();
    expect(audits).toHaveLength(2 * N);
    expect(new Set(audits.map((x) => x.targetId)).size).toBe(2 * N);

    // A release attempt from a stale reading (the row as read before the race) claims nothing and takes no seq.
    const ex = await a!.exercises.get(drill.exerciseId);
    const pinned = await a!.scenarios.get(ex.scenarioId, ex.scenarioVersion);
    const teams = await a!.exercises.enrolledTeams(drill.exerciseId);
    const stale = Object.assign(new DeliveryEntity(), (await drill.row(drill.teamIds[0], ids[0]!))!, {
      status: 'scheduled',
    });
    expect(await b!.engine.release(ex, pinned, stale, 'scheduler', teams)).toBeUndefined();
    expect(await b!.exercises.lastSeqOf(drill.exerciseId, drill.teamIds[0])).toBe(N);
    expect(await drill.audits()).toHaveLength(2 * N);
  }, 60_000);

  // Only PostgreSQL lets a pass read its rows while another replica's release of some of them is still uncommitted.
  if (kind === 'postgres')
    it('numbers only the rows a pass claims when another replica released some of its due rows first', async () => {
      if (!available()) return;
      const drill = await startedDrill(a!);
      const [team] = drill.teamIds;
      const ex = await b!.exercises.get(drill.exerciseId);
      const pinned = await b!.scenarios.get(ex.scenarioId, ex.scenarioVersion);
      const teams = await b!.exercises.enrolledTeams(drill.exerciseId);
      const row = (await drill.row(team, ids[5]!))!;
      const waiting = async () =>
        Number(
          (
            await a!.ds.query(
              `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            )
          )[0].n,
        );
      const until = async (n: number) => {
        for (let t = Date.now(); (await waiting()) < n;) {
          if (Date.now() - t > 10_000) throw new Error(`fewer than ${n} transactions waiting for a lock`);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      // The team's sequence is held while replica B's controller release of one row, then A's pass over all N
      // (read before B commits), queue for it: B claims its row first, A then finds one row of its batch taken.
      let free!: () => void;
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      const holder = a!.exercises.transaction(async (m) => {
        await a!.exercises.lockSeqs(m, drill.exerciseId, [team]);
        locked();
        await new Promise<void>((r) => (free = r));
      });
      await isLocked;
      a!.announced.length = 0;
      const byB = b!.engine.release(ex, pinned, row, 'controller', teams);
      await until(1);
      const pass = a!.pass(drill.exerciseId);
      await until(2);
      free();
      await holder;
      expect((await byB) as InjectPayload).toMatchObject({ injectId: ids[5], seq: 1 });
      await pass;

      const released = await drill.released(team);
      expect(seqsOf(released)).toEqual(oneToN);
      expect(released.map((r) => r.injectId)).toEqual([ids[5], ...ids.filter((_, i) => i !== 5)]);
      expect(released[0]!.by).toBe('controller');
      expect(await a!.exercises.lastSeqOf(drill.exerciseId, team)).toBe(N);
      const announced = a!.announced.filter((x) => x.teamId === team).flatMap((x) => x.payloads.map((p) => p.seq));
      expect(announced).toEqual(oneToN.slice(1));
      expect((await drill.audits()).filter((x) => x.teamId === team)).toHaveLength(N);
    }, 60_000);
});
