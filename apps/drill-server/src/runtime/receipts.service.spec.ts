import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Conflict, NotFound, wasReleased } from '@drill/contracts';
import {
  AuditEventEntity,
  DeliveryEntity,
  ExerciseEntity,
  ScenarioVersionEntity,
  TeamEntity,
  dataSourceOptions,
  openDataSource,
} from '@drill/persistence';
import { validateScenarioText } from '@drill/scenario';
import { AuditRepository } from '../audit/audit.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { parseDrillConfig } from '../config/drill-config.js';
import { ReportRepository } from '../ism/report.repository.js';
import { StoredReportLookup } from '../ism/stored-report-lookup.js';
import { DeliveryRepository } from './delivery.repository.js';
import { DrillClock } from './drill-clock.js';
import { ExerciseRepository, teamSeqKey } from './exercise.repository.js';
import { InjectEditRepository } from './inject-edit.repository.js';
import { LifecycleService } from './lifecycle.service.js';
import { LiveChannel } from './live-channel.js';
import { ExerciseMutex } from './mutex.js';
import { ReceiptsService } from './receipts.service.js';
import { ReleaseEngine } from './release-engine.js';
import { ScenarioCache } from './scenario-cache.js';
import { InProcessScheduler } from './scheduler.js';

// I-01 is due at the start, I-02 an hour later: after the first release pass a team has I-01 and not I-02.
const SCENARIO = `
id: receipts-drill
title: Receipts drill
summary: Two injects for every team.
plannedDuration: "+02:00"
objectives:
  - id: OBJ-1
    capability: Operational Communications
    injects: [I-01]
phases:
  - id: P1
    title: Detection
injects:
  - id: I-01
    offset: "+00:00"
    title: Ransomware note found
    body: File servers are encrypted.
    targets: all
    severity: high
    tlp: TLP:AMBER
  - id: I-02
    offset: "+01:00"
    title: Leak site post
    body: The group claims data.
    targets: all
    severity: critical
    tlp: TLP:AMBER
`;

const CONTROLLER = { userId: null, role: 'controller' };

/** The runtime's parts over a real in-memory SQLite database, with one exercise started and its first pass run. */
async function startedDrill() {
  const ds = await openDataSource(dataSourceOptions({ kind: 'sqlite', path: ':memory:' }));
  const exercises = new ExerciseRepository(ds);
  const deliveries = new DeliveryRepository(ds);
  const clock = new DrillClock(exercises);
  const mutex = new ExerciseMutex();
  const scenarios = new ScenarioCache(exercises);
  const config = parseDrillConfig({});
  const live = new LiveChannel(config);
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
  const receipts = new ReceiptsService(exercises, deliveries, clock, scenarios, live, audit);

  const scenario = validateScenarioText(SCENARIO, 'yaml').scenario!;
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
  const teams = ['AA', 'BB'].map((code) => ({
    id: randomUUID(),
    code,
    name: `${code} CERT`,
    country: null,
    tags: [],
    pointsOfContact: [],
    createdAt: Date.now(),
  }));
  await ds.getRepository(TeamEntity).insert(teams);
  const ex = Object.assign(new ExerciseEntity(), {
    id: randomUUID(),
    name: 'receipts',
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
  await exercises.create(
    ex,
    teams.map((t) => t.id),
  );
  await lifecycle.start(ex.id, CONTROLLER);
  await engine.releaseDue(ex.id);
  const [a, b] = teams.map((t) => t.id) as [string, string];
  const row = (teamId: string, injectId: string) =>
    ds.getRepository(DeliveryEntity).findOneByOrFail({ exerciseId: ex.id, teamId, injectId });
  const acks = () => ds.getRepository(AuditEventEntity).countBy({ action: 'inject.acknowledge' });
  return { ds, exercises, deliveries, lifecycle, receipts, exerciseId: ex.id, a, b, row, acks };
}

describe('receipts', () => {
  let drill: Awaited<ReturnType<typeof startedDrill>>;
  beforeEach(async () => {
    drill = await startedDrill();
  });
  afterEach(async () => {
    await drill.ds.destroy();
  });

  it('records the first acknowledgement, and answers a repeat with false without writing again', async () => {
    const { receipts, exerciseId, a, row, acks } = drill;
    expect(await receipts.acknowledge(exerciseId, a, 'I-01', 'user-1')).toBe(true);
    const first = await row(a, 'I-01');
    expect(first.acknowledgedBy).toBe('user-1');
    expect(first.acknowledgedAt).not.toBeNull();
    expect(await receipts.acknowledge(exerciseId, a, 'I-01', 'user-2')).toBe(false);
    const again = await row(a, 'I-01');
    expect([again.acknowledgedBy, again.acknowledgedAt]).toEqual(['user-1', first.acknowledgedAt]);
    expect(await acks()).toBe(1);
  });

  it('refuses an inject not released to the team, or unknown, with NotFound naming /injectId', async () => {
    const { receipts, exerciseId, a, row, acks } = drill;
    const notReleased = await receipts.acknowledge(exerciseId, a, 'I-02', 'user-1').catch((e: unknown) => e);
    expect(notReleased).toBeInstanceOf(NotFound);
    expect((notReleased as NotFound).details).toEqual([
      { path: '/injectId', message: 'inject I-02 has not been released to your team' },
    ]);
    const unknown = await receipts.acknowledge(exerciseId, a, 'I-99', 'user-1').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(NotFound);
    expect((unknown as NotFound).details).toEqual([{ path: '/injectId', message: 'the scenario has no inject I-99' }]);
    expect((await row(a, 'I-02')).acknowledgedAt).toBeNull();
    expect(await acks()).toBe(0);
  });

  it('refuses acknowledgements once the exercise has ended', async () => {
    const { receipts, lifecycle, exerciseId, a } = drill;
    await lifecycle.end(exerciseId, 'complete', CONTROLLER);
    await expect(receipts.acknowledge(exerciseId, a, 'I-01', 'user-1')).rejects.toBeInstanceOf(Conflict);
  });

  it('marks a delivery delivered at its first receipt only', async () => {
    const { receipts, exerciseId, a, b, row } = drill;
    const released = await row(a, 'I-01');
    await receipts.markDelivered(exerciseId, a, 'I-01', released.dueAt! + 40);
    await receipts.markDelivered(exerciseId, a, 'I-01', released.dueAt! + 90);
    const delivered = await row(a, 'I-01');
    expect([delivered.deliveredAt, delivered.lagMs]).toEqual([released.dueAt! + 40, 40]);
    expect((await row(b, 'I-01')).deliveredAt).toBeNull();
  });

  it('moves a delivery released → delivered → acknowledged, keeping the receipt times', async () => {
    const { receipts, exerciseId, a, row } = drill;
    const released = await row(a, 'I-01');
    expect(released.status).toBe('released');
    await receipts.markDelivered(exerciseId, a, 'I-01', released.releasedAt!);
    const delivered = await row(a, 'I-01');
    expect([delivered.status, delivered.deliveredAt]).toEqual(['delivered', released.releasedAt]);
    expect(await receipts.acknowledge(exerciseId, a, 'I-01', 'user-1')).toBe(true);
    const acknowledged = await row(a, 'I-01');
    expect([acknowledged.status, acknowledged.deliveredAt]).toEqual(['acknowledged', released.releasedAt]);
    expect(acknowledged.acknowledgedAt!).toBeGreaterThanOrEqual(acknowledged.deliveredAt!);
  });

  it('takes an acknowledgement before the receipt as delivery, and a later receipt does not move it', async () => {
    const { receipts, exerciseId, a, row } = drill;
    const released = await row(a, 'I-01');
    // A console that acknowledges inside its `inject` handler: the person's ack reaches the server first.
    expect(await receipts.acknowledge(exerciseId, a, 'I-01', 'user-1')).toBe(true);
    const acked = await row(a, 'I-01');
    expect(acked.status).toBe('acknowledged');
    expect(acked.deliveredAt).toBe(acked.acknowledgedAt);
    expect(acked.lagMs).toBe(acked.acknowledgedAt! - released.dueAt!);
    await receipts.markDelivered(exerciseId, a, 'I-01', acked.acknowledgedAt! + 250);
    const after = await row(a, 'I-01');
    expect([after.status, after.deliveredAt, after.lagMs]).toEqual(['acknowledged', acked.deliveredAt, acked.lagMs]);
  });

  it('never leaves deliveredAt after acknowledgedAt, whichever clock stamped the receipt', async () => {
    const { ds, receipts, exerciseId, a, b, row } = drill;
    // A receipt stamped ahead of the acknowledgement (another replica's clock): the acknowledgement brings it back.
    const released = await row(a, 'I-01');
    await receipts.markDelivered(exerciseId, a, 'I-01', Date.now() + 60_000);
    await receipts.acknowledge(exerciseId, a, 'I-01', 'user-1');
    const acked = await row(a, 'I-01');
    expect([acked.status, acked.deliveredAt]).toEqual(['acknowledged', acked.acknowledgedAt]);
    expect(acked.lagMs).toBe(acked.acknowledgedAt! - released.dueAt!);
    // A row acknowledged before deliveries advanced (still `released`, no delivery time): its first receipt is
    // moved back to the acknowledgement and the status catches up.
    const old = await row(b, 'I-01');
    await ds.getRepository(DeliveryEntity).update(old.id, { acknowledgedAt: old.dueAt! + 10, acknowledgedBy: 'u' });
    await receipts.markDelivered(exerciseId, b, 'I-01', old.dueAt! + 500);
    const healed = await row(b, 'I-01');
    expect([healed.status, healed.deliveredAt, healed.lagMs]).toEqual(['acknowledged', old.dueAt! + 10, 10]);
  });

  it('still counts delivered and acknowledged rows as released (replay, reports, scoring, the AAR)', async () => {
    const { deliveries, receipts, exerciseId, a, b } = drill;
    await receipts.markDelivered(exerciseId, a, 'I-01', Date.now());
    await receipts.acknowledge(exerciseId, b, 'I-01', 'user-2');
    expect(await receipts.acknowledge(exerciseId, a, 'I-01', 'user-1')).toBe(true);
    expect(await receipts.acknowledge(exerciseId, b, 'I-01', 'user-2')).toBe(false); // a repeat, not a NotFound
    for (const team of [a, b]) {
      expect((await deliveries.listReleasedTo(exerciseId, team)).map((d) => [d.injectId, d.seq])).toEqual([
        ['I-01', 1],
      ]);
      expect(await deliveries.releasedInjectIds(exerciseId, team)).toEqual(new Set(['I-01']));
      expect(await deliveries.isReleased(exerciseId, team, 'I-01')).toBe(true);
    }
    expect((await deliveries.listReleased(exerciseId)).map((d) => d.status).sort()).toEqual([
      'acknowledged',
      'acknowledged',
    ]);
    expect(await deliveries.listReleased(exerciseId, Date.now() - 60_000)).toHaveLength(2);
    expect(await deliveries.countReleased(exerciseId)).toBe(2);
    const statuses = ['released', 'delivered', 'acknowledged', 'scheduled', 'armed', 'skipped', null, undefined];
    expect(statuses.map(wasReleased)).toEqual([true, true, true, false, false, false, false, false]);
  });

  it('hands each team its own sequence, read back one team or many exercises at a time', async () => {
    const { exercises, exerciseId, a, b } = drill;
    expect(await exercises.lastSeqOf(exerciseId, a)).toBe(1);
    expect(await exercises.lastSeqOf(exerciseId, 'not-enrolled')).toBe(0);
    const seqs = await exercises.lastSeqs([exerciseId, 'no-such-exercise']);
    expect(seqs).toEqual(
      new Map([
        [teamSeqKey(exerciseId, a), 1],
        [teamSeqKey(exerciseId, b), 1],
      ]),
    );
    expect(await exercises.lastSeqs([])).toEqual(new Map());
  });
});
