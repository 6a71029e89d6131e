// The runtime under faults, pauses and edits (issue 13), on one server in both modes: SQLite with the in-process
// scheduler, and PostgreSQL with BullMQ on Redis. Faults are injected into the real DataSource (transactions that
// fail as a dropped connection does) and the real scheduler (wake-ups that are lost); synchronisation polls the
// clients, the timeline and /health, never a fixed sleep.
import { afterEach, describe, expect, it } from '@jest/globals';
import { wasReleased } from '@drill/contracts';
import { DataSource } from 'typeorm';
import { InjectScheduler } from '../apps/drill-server/src/runtime/scheduler.js';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { createDatabase, deleteRedisKeys, redisPrefix } from './support/cluster.js';
import { DrillClient, waitUntil } from './support/drill-client.js';
import { act, createExercise, fixture, saveScenario, timeline } from './support/drill.js';
import { faultyTransactions, type TransactionFaults } from './support/faults.js';
import { REDIS_URL, requireService } from './support/services.js';

const redisUp = await requireService('Redis', 6379);
const postgresUp = await requireService('PostgreSQL', 5432);

interface Mode {
  name: string;
  run: boolean;
  env(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>;
}

const modes: Mode[] = [
  { name: 'SQLite, in-process scheduler', run: true, env: async () => ({ env: {}, cleanup: async () => {} }) },
  {
    name: 'PostgreSQL, BullMQ on Redis',
    run: redisUp && postgresUp,
    env: async () => {
      const db = await createDatabase('faults');
      const prefix = redisPrefix('faults');
      return {
        env: { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix },
        cleanup: async () => {
          await db.drop();
          await deleteRedisKeys(prefix);
        },
      };
    },
  },
];

interface Drill {
  server: TestServer;
  faults: TransactionFaults;
  teams: { SG: string; MY: string };
  users: { SG: { id: string; token: string }; MY: { id: string; token: string } };
}

const matching = {
  kind: 'notification',
  injectIds: ['F-01'],
  title: 'Infected workstation',
  tlp: 'TLP:AMBER',
  classification: { class: 'malicious-code', type: 'infected-system' },
};

for (const mode of modes) {
  (mode.run ? describe : describe.skip)(`runtime under faults (${mode.name})`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
    });

    async function drill(): Promise<Drill> {
      const { env, cleanup } = await mode.env();
      cleanups.push(cleanup);
      const server = await startServer({ ...env, DRILL_SWEEP_INTERVAL_MS: '500' });
      cleanups.push(() => server.close());
      const faults = faultyTransactions(server.app.get(DataSource));
      const teams = { SG: await createTeam(server, 'SG'), MY: await createTeam(server, 'MY') };
      const users = {
        SG: await createUser(server, 'participant', teams.SG, 'SG analyst'),
        MY: await createUser(server, 'participant', teams.MY, 'MY analyst'),
      };
      await saveScenario(server, fixture('faults-drill.yaml'));
      return { server, faults, teams, users };
    }

    async function connect(d: Drill, team: 'SG' | 'MY', exerciseId: string): Promise<DrillClient> {
      const c = await new DrillClient(d.server.url, d.users[team].token, exerciseId).connect();
      cleanups.push(async () => c.disconnect());
      return c;
    }

    async function exercise(d: Drill, speed: number, teams: ('SG' | 'MY')[], extra: Record<string, unknown> = {}) {
      return createExercise(d.server, {
        scenarioId: 'faults-test-drill',
        name: `faults ${speed}`,
        speed,
        teamIds: teams.map((t) => d.teams[t]),
        ...extra,
      });
    }

    async function delivery(d: Drill, exerciseId: string, team: string, injectId: string) {
      const rows = (await timeline(d.server, exerciseId)).filter((e) => e.kind === 'delivery');
      return rows.find((r) => r.teamCode === team && r.injectId === injectId);
    }

    async function scenarioMs(d: Drill, exerciseId: string): Promise<number> {
      const r = await d.server.http().get(`/api/exercises/${exerciseId}`).set(bearer(ADMIN_TOKEN));
      return r.body.clock.scenarioMs as number;
    }

    const ids = (c: DrillClient) => c.injects.map((i) => i.injectId);

    it('retries a release pass that fails (a dropped connection) with backoff, and the drill carries on', async () => {
      const d = await drill();
      // Speed 30: F-01 is due 2 s after the start; F-05 one scenario minute (2 s) after F-01.
      const ex = await exercise(d, 30, ['SG']);
      const sg = await connect(d, 'SG', ex.id);
      await act(d.server, ex.id, 'start');
      d.faults.failNext(3); // the F-01 release and its first two retries fail
      await sg.waitFor(() => sg.injects.length === 1, 15_000, 'F-01 after three failed attempts');
      expect(d.faults.injected).toBe(3);
      expect(ids(sg)).toEqual(['F-01']);
      await sg.waitFor(() => ids(sg).includes('F-05'), 10_000, 'F-05, planned by the pass that succeeded');
      expect(sg.injects.map((i) => i.seq)).toEqual([1, 2]);
      const metrics = await d.server.http().get('/metrics').set(bearer(ADMIN_TOKEN));
      expect(Number(/^drill_release_failures_total (\d+)/m.exec(metrics.text)?.[1])).toBeGreaterThanOrEqual(3);
    });

    it('retries a scheduled start that fails', async () => {
      const d = await drill();
      const ex = await exercise(d, 60, ['SG'], { startAt: new Date(Date.now() + 1500).toISOString() });
      d.faults.failNext(3); // the start and its first two retries fail
      const sg = await connect(d, 'SG', ex.id);
      await sg.waitFor(() => sg.injects.length === 1, 15_000, 'F-01 after the retried start');
      expect(d.faults.injected).toBe(3);
      const view = await d.server.http().get(`/api/exercises/${ex.id}`).set(bearer(ADMIN_TOKEN));
      expect(view.body.status).toBe('running');
    });

    it('heals an exercise whose wake-up is lost, and /health and /metrics show it stalled until it is healed', async () => {
      const d = await drill();
      const ex = await exercise(d, 30, ['SG']);
      const sg = await connect(d, 'SG', ex.id);
      await act(d.server, ex.id, 'start');
      // The wake-up for F-01 is lost (as with a Redis restart) and the database refuses writes for a while.
      await d.server.app.get(InjectScheduler).cancel(ex.id, Number.MAX_SAFE_INTEGER);
      d.faults.breakAll();
      let health: { status: number; body: { status: string; checks: Record<string, string> } } | undefined;
      await waitUntil(
        async () => {
          const r = await d.server.http().get('/health');
          health = { status: r.status, body: r.body };
          return r.body.checks?.releases?.includes('stalled');
        },
        20_000,
        '/health to report the stall',
      );
      expect(health!.status).toBe(200); // the replica itself is fine: it stays in the load balancer
      expect(health!.body.status).toBe('degraded');
      expect(health!.body.checks.releases).toContain(`exercise ${ex.id} release`);
      const metrics = await d.server.http().get('/metrics').set(bearer(ADMIN_TOKEN));
      expect(metrics.text).toMatch(/^drill_stalled_exercises 1$/m);
      expect(sg.injects).toHaveLength(0);
      d.faults.heal();
      await sg.waitFor(() => sg.injects.length === 1, 5000, 'F-01 once the database is back');
      const row = await delivery(d, ex.id, 'SG', 'F-01');
      expect(row.late).toBe(true);
      await waitUntil(async () => (await d.server.http().get('/health')).body.status === 'ok', 5000, 'health ok');
      expect((await d.server.http().get('/metrics').set(bearer(ADMIN_TOKEN))).text).toMatch(
        /^drill_sweep_heals_total [1-9]/m,
      );
    });

    it('keeps every computed scenario time an integer (delayMinutes: 4.1 after an inject at T+00:00)', async () => {
      const d = await drill();
      // 4.1 × 60 000 = 245 999.99999999997: added to a small release time it stays fractional (a bigint column
      // refuses it), while near T+01:00 the addition happens to round to a whole number.
      await saveScenario(
        d.server,
        [
          'id: integer-test-drill',
          'title: Integer times',
          'summary: An inject at T+00:00 and a follow-up 4.1 minutes later.',
          'plannedDuration: "+00:10"',
          'injects:',
          '  - { id: I-00, offset: "+00:00", title: Opening, body: Start., severity: low, tlp: TLP:GREEN }',
          '  - id: I-01',
          '    title: Follow-up',
          '    body: 4.1 minutes later.',
          '    severity: low',
          '    tlp: TLP:GREEN',
          '    trigger: { after: { inject: I-00, delayMinutes: 4.1 } }',
        ].join('\n'),
      );
      const ex = await createExercise(d.server, {
        scenarioId: 'integer-test-drill',
        name: 'integer',
        speed: 60,
        teamIds: [d.teams.SG],
      });
      const sg = await connect(d, 'SG', ex.id);
      const start = await d.server.http().post(`/api/exercises/${ex.id}/start`).set(bearer(ADMIN_TOKEN));
      expect(start.status).toBe(200);
      await sg.waitFor(() => ids(sg).includes('I-01'), 15_000, 'I-01, 4.1 minutes after I-00');
      const i00 = await delivery(d, ex.id, 'SG', 'I-00');
      const i01 = await delivery(d, ex.id, 'SG', 'I-01');
      expect(i00.releasedScenarioMs).toBeLessThan(10_000);
      expect(i01.dueScenarioMs).toBe(i00.releasedScenarioMs + 246_000);
      expect(Number.isInteger(i01.releasedScenarioMs)).toBe(true);
      expect(i01.releasedScenarioMs).toBeGreaterThanOrEqual(i01.dueScenarioMs);
    });

    it('fires ifReportMatches for a report sent while paused, and never before the inject’s own offset', async () => {
      const d = await drill();
      const ex = await exercise(d, 60, ['SG', 'MY']);
      const sg = await connect(d, 'SG', ex.id);
      const my = await connect(d, 'MY', ex.id);
      await act(d.server, ex.id, 'start');
      await sg.waitFor(() => ids(sg).includes('F-01'), 5000, 'F-01 to SG');
      await my.waitFor(() => ids(my).includes('F-01'), 5000, 'F-01 to MY');
      // MY matches while running, at about T+00:01, long before F-04's earliest time (T+00:06).
      const post = (team: 'SG' | 'MY') =>
        d.server.http().post(`/api/exercises/${ex.id}/ism/reports`).set(bearer(d.users[team].token)).send(matching);
      expect((await post('MY')).status).toBe(201);
      // SG matches while the exercise is paused.
      await act(d.server, ex.id, 'pause');
      expect((await post('SG')).status).toBe(201);
      const paused = await delivery(d, ex.id, 'SG', 'F-04');
      expect(paused.status).toBe('scheduled');
      await act(d.server, ex.id, 'resume');
      await sg.waitFor(() => ids(sg).includes('F-04'), 15_000, 'F-04 to SG after the resume');
      await my.waitFor(() => ids(my).includes('F-04'), 15_000, 'F-04 to MY');
      for (const team of ['SG', 'MY']) {
        const row = await delivery(d, ex.id, team, 'F-04');
        expect(row.releasedBy).toBe('trigger:ifReportMatches');
        expect(row.dueScenarioMs).toBe(360_000);
        expect(row.releasedScenarioMs).toBeGreaterThanOrEqual(360_000);
      }
    });

    it('remembers a skip and a retime of a conditional inject that is not armed yet, and retimes an armed one', async () => {
      const d = await drill();
      const ex = await exercise(d, 60, ['SG']);
      const sg = await connect(d, 'SG', ex.id);
      await act(d.server, ex.id, 'start');
      const patch = (injectId: string, body: Record<string, unknown>) =>
        d.server.http().patch(`/api/exercises/${ex.id}/injects/${injectId}`).set(bearer(ADMIN_TOKEN)).send(body);
      // Before F-01 is released (T+00:01), F-05 and F-02 have no delivery rows yet.
      const skip = await patch('F-05', { skip: true });
      expect(skip.status).toBe(200);
      expect(skip.body).toMatchObject({ skipped: 0, laterArmingSkipped: true });
      const retime = await patch('F-02', { offset: '+00:08' });
      expect(retime.status).toBe(200);
      await sg.waitFor(() => ids(sg).includes('F-01'), 5000, 'F-01');
      // F-03 (ifNoReport) is now armed for the deadline, T+00:04; move its earliest time to T+00:07.
      await waitUntil(async () => (await delivery(d, ex.id, 'SG', 'F-03'))?.status === 'armed', 5000, 'F-03 armed');
      const later = await patch('F-03', { offset: '+00:07' });
      expect(later.body.deliveries).toBe(1);
      await sg.waitFor(() => ids(sg).includes('F-06'), 20_000, 'F-06, the last inject');
      expect(ids(sg)).toEqual(['F-01', 'F-03', 'F-02', 'F-06']);
      expect((await delivery(d, ex.id, 'SG', 'F-05')).status).toBe('skipped');
      expect((await delivery(d, ex.id, 'SG', 'F-03')).releasedScenarioMs).toBeGreaterThanOrEqual(420_000);
      expect((await delivery(d, ex.id, 'SG', 'F-02')).dueScenarioMs).toBe(480_000);
      const audit = (await timeline(d.server, ex.id)).filter((e) => e.kind === 'event' && e.action === 'inject.retime');
      const f03 = audit.find((e) => e.targetId === 'F-03');
      const deadline = (await delivery(d, ex.id, 'SG', 'F-01')).releasedScenarioMs + 180_000; // F-01's deadline
      expect(f03.after.deliveries).toEqual([{ teamId: d.teams.SG, from: deadline, to: 420_000 }]);
    });

    it('answers skip and retime on a paused exercise with 200 and applies them on resume', async () => {
      const d = await drill();
      const ex = await exercise(d, 60, ['SG']);
      const sg = await connect(d, 'SG', ex.id);
      await act(d.server, ex.id, 'start');
      await act(d.server, ex.id, 'pause');
      const skip = await d.server
        .http()
        .patch(`/api/exercises/${ex.id}/injects/F-06`)
        .set(bearer(ADMIN_TOKEN))
        .send({ skip: true });
      expect(skip.status).toBe(200);
      expect(skip.body.skipped).toBe(1);
      const retime = await d.server
        .http()
        .patch(`/api/exercises/${ex.id}/injects/F-01`)
        .set(bearer(ADMIN_TOKEN))
        .send({ offset: '+00:00:10' });
      expect(retime.status).toBe(200);
      const release = await d.server
        .http()
        .post(`/api/exercises/${ex.id}/injects/F-01/release`)
        .set(bearer(ADMIN_TOKEN))
        .send({});
      expect(release.status).toBe(409);
      expect(release.body.message).toContain('resume the exercise');
      expect(sg.injects).toHaveLength(0);
      await act(d.server, ex.id, 'resume');
      await sg.waitFor(() => ids(sg).includes('F-01'), 5000, 'F-01 at its new offset');
      expect((await delivery(d, ex.id, 'SG', 'F-06')).status).toBe('skipped');
    });

    it('never releases on a clock a pause has stopped: a pause waits for the release pass under way', async () => {
      const d = await drill();
      await saveScenario(
        d.server,
        [
          'id: burst-test-drill',
          'title: Burst',
          'summary: Three injects due at the same instant to one team.',
          'plannedDuration: "+00:10"',
          'injects:',
          ...['B-1', 'B-2', 'B-3'].map(
            (id) => `  - { id: ${id}, offset: "+00:01", title: ${id}, body: Burst., severity: low, tlp: TLP:GREEN }`,
          ),
          '  - { id: B-4, offset: "+00:05", title: B-4, body: Later., severity: low, tlp: TLP:GREEN }',
        ].join('\n'),
      );
      const ex = await createExercise(d.server, {
        scenarioId: 'burst-test-drill',
        name: 'burst',
        speed: 60,
        teamIds: [d.teams.SG],
      });
      const sg = await connect(d, 'SG', ex.id);
      await act(d.server, ex.id, 'start');
      // Each transaction takes 300 ms. A team's due injects go out in one transaction (issue 17), so the burst of
      // three is one pass of about 300 ms; the pause is asked for as it lands and must wait for it.
      d.faults.slowDown(300);
      await sg.waitFor(() => sg.injects.length >= 1, 5000, 'the burst');
      const paused = await act(d.server, ex.id, 'pause'); // asked for in the middle of the burst
      d.faults.slowDown(0);
      const released = async () =>
        (await timeline(d.server, ex.id)).filter((e) => e.kind === 'delivery' && wasReleased(e.status));
      const atPause = await released();
      // A controller edit takes the exercise's turn like a release pass does: once it has answered, no pass that
      // began before the pause can still be running. Nothing may have gone out since the pause answered.
      const barrier = await d.server
        .http()
        .patch(`/api/exercises/${ex.id}/injects/B-4`)
        .set(bearer(ADMIN_TOKEN))
        .send({ offset: '+00:05' });
      expect(barrier.status).toBe(200);
      expect((await released()).map((r) => r.injectId)).toEqual(atPause.map((r) => r.injectId));
      const entries = await timeline(d.server, ex.id);
      const pausedAt = Date.parse(entries.find((e) => e.kind === 'event' && e.action === 'exercise.pause').at);
      for (const r of atPause) {
        expect(Date.parse(r.releasedAt)).toBeLessThanOrEqual(pausedAt);
        expect(r.releasedScenarioMs).toBeLessThanOrEqual(paused.clock.scenarioMs);
      }
      await act(d.server, ex.id, 'resume');
      await sg.waitFor(() => ids(sg).includes('B-4'), 10_000, 'B-4 after the resume');
      expect(ids(sg)).toEqual(['B-1', 'B-2', 'B-3', 'B-4']);
    });

    it('escalates (ifNoReport) when the report came after the deadline, even if the check runs late', async () => {
      const d = await drill();
      const ex = await exercise(d, 60, ['MY']);
      const my = await connect(d, 'MY', ex.id);
      await act(d.server, ex.id, 'start');
      await my.waitFor(() => ids(my).includes('F-01'), 5000, 'F-01');
      // F-03 is checked at F-01's deadline, T+00:04. The release pass is held back past it (its transactions fail;
      // the report's own transaction, report and audit row, goes through)…
      await waitUntil(async () => (await scenarioMs(d, ex.id)) > 200_000, 10_000, 'T+00:03:20');
      d.faults.breakAll((stack) => stack.includes('ReportRepository.transaction'));
      await waitUntil(async () => (await scenarioMs(d, ex.id)) > 260_000, 10_000, 'past the deadline');
      // …and MY's report arrives late, before the check has run.
      const late = await d.server
        .http()
        .post(`/api/exercises/${ex.id}/ism/reports`)
        .set(bearer(d.users.MY.token))
        .send({ ...matching, classification: { class: 'fraud', type: 'phishing' } });
      expect(late.status).toBe(201);
      expect(my.injects.map((i) => i.injectId)).not.toContain('F-03');
      d.faults.heal();
      await my.waitFor(() => ids(my).includes('F-03'), 10_000, 'the escalation F-03');
      expect((await delivery(d, ex.id, 'MY', 'F-03')).releasedBy).toBe('trigger:ifNoReport');
    });
  });
}
