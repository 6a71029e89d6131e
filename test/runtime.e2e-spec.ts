import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { wasReleased } from '@drill/contracts';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { DrillClient, sleep, waitUntil } from './support/drill-client.js';
import { act, createExercise, fixture, saveScenario, settled, timeline } from './support/drill.js';
import { REDIS_URL, requireService } from './support/services.js';

const redisUp = await requireService('Redis', 6379);

const EXPECTED: Record<string, string[]> = {
  SG: ['I-01', 'I-02', 'I-05'],
  MY: ['I-01', 'I-04', 'I-05'],
  BN: ['I-01', 'I-03', 'I-04', 'I-05'],
};

interface Drill {
  server: TestServer;
  teams: Record<string, string>;
  users: Record<string, { id: string; token: string }>;
}

async function setUp(env: Record<string, string>): Promise<Drill> {
  const server = await startServer(env);
  const teams = {
    SG: await createTeam(server, 'SG', ['tier1']),
    MY: await createTeam(server, 'MY', ['tier1']),
    BN: await createTeam(server, 'BN', ['tier2']),
  };
  const users: Drill['users'] = {};
  for (const [code, id] of Object.entries(teams))
    users[code] = await createUser(server, 'participant', id, `${code} analyst`);
  await saveScenario(server, fixture('runtime-drill.yaml'));
  return { server, teams, users };
}

const modes = [
  { name: 'in-process scheduler', run: true, env: () => ({}) },
  { name: 'BullMQ scheduler on Redis', run: redisUp, env: () => ({ REDIS_URL, REDIS_PREFIX: `test-${randomUUID()}` }) },
];

for (const mode of modes) {
  (mode.run ? describe : describe.skip)(`exercise runtime (${mode.name})`, () => {
    const open: TestServer[] = [];
    const clients: DrillClient[] = [];
    afterEach(async () => {
      clients.splice(0).forEach((c) => c.disconnect());
      for (const s of open.splice(0)) await s.close().catch(() => undefined);
    });

    async function drill(env = mode.env()): Promise<Drill> {
      const d = await setUp(env);
      open.push(d.server);
      return d;
    }

    async function connect(s: TestServer, token: string, exerciseId: string, lastSeq?: number) {
      const c = await new DrillClient(s.url, token, exerciseId).connect(lastSeq);
      clients.push(c);
      return c;
    }

    it('delivers to three differently targeted teams exactly their injects, in offset order, at speed 600', async () => {
      const { server, teams, users } = await drill();
      const ex = await createExercise(server, {
        scenarioId: 'runtime-test-drill',
        name: 'targets',
        speed: 600,
        teamIds: Object.values(teams),
      });
      expect(ex.status).toBe('draft');
      const c = Object.fromEntries(
        await Promise.all(
          Object.keys(teams).map(async (code) => [code, await connect(server, users[code]!.token, ex.id)] as const),
        ),
      );
      await act(server, ex.id, 'start');
      for (const [code, client] of Object.entries(c)) {
        await client.waitFor(() => client.injects.length >= EXPECTED[code]!.length, 10_000, `${code} injects`);
      }
      await settled(server, ex.id); // every delivery released and received: nothing more can arrive
      for (const [code, client] of Object.entries(c)) {
        expect(client.injects.map((i) => i.injectId)).toEqual(EXPECTED[code]);
        expect(client.injects.map((i) => i.seq)).toEqual(EXPECTED[code]!.map((_, n) => n + 1));
        expect(client.states[0]).toMatchObject({ exerciseId: ex.id, speed: 600 });
      }
      expect(c.SG!.injects[0]).toMatchObject({
        exerciseId: ex.id,
        title: 'Ransomware note found at a hospital',
        severity: 'high',
        tlp: 'TLP:AMBER',
        responseRequired: true,
        targetMinutes: 10,
        deadlineMinutes: 20,
      });
      // The polling endpoint agrees with what was pushed.
      const polled = await server.http().get(`/api/exercises/${ex.id}/injects`).set(bearer(users.BN!.token));
      expect(polled.status).toBe(200);
      expect(polled.body.map((i: { injectId: string }) => i.injectId)).toEqual(EXPECTED.BN);
      // Each delivery records its receipt and the lag from its planned instant.
      await waitUntil(
        async () => (await timeline(server, ex.id)).filter((e) => e.kind === 'delivery' && e.deliveredAt).length === 10,
        5000,
        'receipts',
      );
      const rows = (await timeline(server, ex.id)).filter((e) => e.kind === 'delivery');
      expect(rows).toHaveLength(10);
      for (const r of rows) {
        expect(r.status).toBe('delivered');
        expect(r.lagMs).toBeGreaterThanOrEqual(0);
        expect(r.lagMs).toBeLessThan(1000);
        expect(r.late).toBe(false);
      }
    });

    it('freezes the clock on pause and shifts later releases by the pause length', async () => {
      const { server, teams, users } = await drill();
      // speed 30: I-01 due 2 s after start, I-02 (SG) at 4 s: the pause, asked for as soon as I-01 arrives, has two
      // seconds to land before I-02 is due, even on a loaded CI machine.
      const speed = 30;
      const ex = await createExercise(server, {
        scenarioId: 'runtime-test-drill',
        name: 'pause',
        speed,
        teamIds: [teams.SG],
      });
      const sg = await connect(server, users.SG!.token, ex.id);
      const started = await act(server, ex.id, 'start');
      const startedAt = Date.parse(started.startedAt);
      await sg.waitFor(() => sg.injects.length === 1, 8000, 'I-01');
      const paused = await act(server, ex.id, 'pause');
      const frozen = paused.clock.scenarioMs;
      expect(frozen).toBeLessThan(120_000); // before I-02 is due
      await sleep(1000); // the pause itself: one second of wall time during which the clock must stand still
      const still = await server.http().get(`/api/exercises/${ex.id}`).set(bearer(users.SG!.token));
      expect(still.body.status).toBe('paused');
      expect(still.body.clock.scenarioMs).toBe(frozen); // scenario time stood still
      expect(sg.injects).toHaveLength(1); // I-02 did not go out while paused
      const resumed = await act(server, ex.id, 'resume');
      const pauseMs = resumed.pausedTotalMs;
      expect(pauseMs).toBeGreaterThanOrEqual(1000);
      await sg.waitFor(() => sg.injects.length === 2, 8000, 'I-02');
      const i02 = sg.injects[1]!;
      expect(i02.injectId).toBe('I-02');
      // Due at T+00:02 = 4 s of running time: wall = start + 4000 ms + the pause.
      const expectedWall = startedAt + 120_000 / speed + pauseMs;
      expect(Math.abs(i02.receivedAt - expectedWall)).toBeLessThan(150);
      const row = (await timeline(server, ex.id)).find((e) => e.kind === 'delivery' && e.injectId === 'I-02');
      expect(Math.abs(row.releasedScenarioMs - 120_000)).toBeLessThan(150 * speed);
      expect(sg.states.map((s) => s.status)).toEqual(expect.arrayContaining(['running', 'paused']));
    });

    it('replays what a disconnected team missed, exactly once and in order', async () => {
      const { server, teams, users } = await drill();
      const ex = await createExercise(server, {
        scenarioId: 'runtime-test-drill',
        name: 'reconnect',
        speed: 60,
        teamIds: [teams.BN],
      });
      const first = await connect(server, users.BN!.token, ex.id);
      await act(server, ex.id, 'start');
      await first.waitFor(() => first.injects.length === 1, 5000, 'I-01'); // I-01 at 1 s
      first.disconnect();
      // I-03 (3 s) and I-04 (5 s) go out while the team is away.
      const released = async (id: string) =>
        (await timeline(server, ex.id)).some(
          (e) => e.kind === 'delivery' && e.injectId === id && e.status === 'released',
        );
      await waitUntil(
        async () => (await released('I-03')) && (await released('I-04')),
        10_000,
        'I-03 and I-04 released while BN is away',
      );
      const back = await connect(server, users.BN!.token, ex.id, first.lastSeq);
      await back.waitFor(() => back.injects.length >= 2, 5000, 'replay');
      expect(back.injects.map((i) => [i.seq, i.injectId])).toEqual([
        [2, 'I-03'],
        [3, 'I-04'],
      ]);
      await back.waitFor(() => back.injects.length === 3, 5000, 'I-05 live'); // I-05 at 8 s arrives live
      await settled(server, ex.id);
      expect(back.injects.map((i) => [i.seq, i.injectId])).toEqual([
        [2, 'I-03'],
        [3, 'I-04'],
        [4, 'I-05'],
      ]);
      // A client with no lastSeq gets the whole history.
      const fresh = await connect(server, users.BN!.token, ex.id);
      await fresh.waitFor(() => fresh.injects.length === 4, 5000, 'full history');
      expect(fresh.injects.map((i) => i.seq)).toEqual([1, 2, 3, 4]);
    });

    it('delivers every remaining inject exactly once after the server is stopped mid-drill and started again', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'drill-restart-'));
      const env = { ...mode.env(), DATABASE_URL: `sqlite:${join(dir, 'drill.sqlite')}` };
      const { server, teams, users } = await drill(env);
      const ex = await createExercise(server, {
        scenarioId: 'runtime-test-drill',
        name: 'restart',
        speed: 60,
        teamIds: Object.values(teams),
      });
      const before = Object.fromEntries(
        await Promise.all(
          Object.keys(teams).map(async (c) => [c, await connect(server, users[c]!.token, ex.id)] as const),
        ),
      );
      await act(server, ex.id, 'start');
      await before.SG!.waitFor(() => before.SG!.injects.length === 2, 5000, 'I-01, I-02'); // 1 s, 2 s
      await server.close();
      open.splice(open.indexOf(server), 1);
      await sleep(2500); // I-03 (3 s) falls due while nobody runs; I-04 (5 s) is still ahead
      const again = await startServer(env);
      open.push(again);
      const after = Object.fromEntries(
        await Promise.all(
          Object.keys(teams).map(
            async (c) => [c, await connect(again, users[c]!.token, ex.id, before[c]!.lastSeq)] as const,
          ),
        ),
      );
      for (const code of Object.keys(teams)) {
        const all = () => [...before[code]!.injects, ...after[code]!.injects];
        await after[code]!.waitFor(() => all().length >= EXPECTED[code]!.length, 15_000, `${code} after restart`);
      }
      await settled(again, ex.id, { receipts: false }); // I-02's receipt may have been cut off by the stop
      for (const code of Object.keys(teams)) {
        const all = [...before[code]!.injects, ...after[code]!.injects];
        expect(all.map((i) => i.injectId)).toEqual(EXPECTED[code]);
        expect(all.map((i) => i.seq)).toEqual(EXPECTED[code]!.map((_, n) => n + 1));
      }
      const rows = (await timeline(again, ex.id)).filter((e) => e.kind === 'delivery');
      expect(rows.filter((r) => wasReleased(r.status))).toHaveLength(10);
      expect(rows.find((r) => r.injectId === 'I-03')!.late).toBe(true); // overdue at restart: released at once, marked late
    });
  });
}

describe('exercise runtime: controller actions, conditions and refusals', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('releases now, skips, retimes, audits each, and refuses illegal transitions', async () => {
    const d = await setUp({});
    server = d.server;
    const ex = await createExercise(server, {
      scenarioId: 'runtime-test-drill',
      name: 'actions',
      speed: 1,
      teamIds: Object.values(d.teams),
    });
    const sg = await new DrillClient(server.url, d.users.SG!.token, ex.id).connect();
    const my = await new DrillClient(server.url, d.users.MY!.token, ex.id).connect();
    try {
      const early = await server.http().post(`/api/exercises/${ex.id}/pause`).set(bearer(ADMIN_TOKEN));
      expect(early.status).toBe(409);
      expect(early.body.message).toContain('cannot pause an exercise that is draft');
      await act(server, ex.id, 'start'); // speed 1: nothing is due for a minute
      const rel = await server
        .http()
        .post(`/api/exercises/${ex.id}/injects/I-05/release`)
        .set(bearer(ADMIN_TOKEN))
        .send({ teamIds: [d.teams.SG] });
      expect(rel.status).toBe(200);
      expect(rel.body).toEqual({ injectId: 'I-05', released: [d.teams.SG], alreadyReleased: [] });
      await sg.waitFor(() => sg.injects.length === 1, 3000, 'released now');
      expect(sg.injects[0]!.injectId).toBe('I-05');
      const again = await server
        .http()
        .post(`/api/exercises/${ex.id}/injects/I-05/release`)
        .set(bearer(ADMIN_TOKEN))
        .send({ teamIds: [d.teams.SG] });
      expect(again.body).toEqual({ injectId: 'I-05', released: [], alreadyReleased: [d.teams.SG] });

      const skip = await server
        .http()
        .patch(`/api/exercises/${ex.id}/injects/I-04`)
        .set(bearer(ADMIN_TOKEN))
        .send({ skip: true });
      expect(skip.status).toBe(200);
      expect(skip.body.skipped).toBe(2); // MY and BN
      const retime = await server
        .http()
        .patch(`/api/exercises/${ex.id}/injects/I-01`)
        .set(bearer(ADMIN_TOKEN))
        .send({ offset: '+00:00:01' });
      expect(retime.status).toBe(200);
      await sg.waitFor(() => sg.injects.length === 2, 4000, 'retimed I-01');
      await my.waitFor(() => my.injects.length === 1, 4000, 'retimed I-01 to MY');
      expect(my.injects[0]!.injectId).toBe('I-01');

      const bad = await server
        .http()
        .patch(`/api/exercises/${ex.id}/injects/I-02`)
        .set(bearer(ADMIN_TOKEN))
        .send({ offset: '90 minutes' });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].path).toBe('/offset');
      const ghost = await server
        .http()
        .post(`/api/exercises/${ex.id}/injects/I-99/release`)
        .set(bearer(ADMIN_TOKEN))
        .send({});
      expect(ghost.status).toBe(404);
      const participant = await server
        .http()
        .post(`/api/exercises/${ex.id}/injects/I-02/release`)
        .set(bearer(d.users.SG!.token))
        .send({});
      expect(participant.status).toBe(403);

      const ack = await sg.emitWithAck<{ ok: boolean; firstAcknowledgement: boolean }>('inject.ack', {
        injectId: 'I-05',
      });
      expect(ack).toEqual({ ok: true, firstAcknowledgement: true });

      await act(server, ex.id, 'complete');
      const done = await server.http().post(`/api/exercises/${ex.id}/resume`).set(bearer(ADMIN_TOKEN));
      expect(done.status).toBe(409);

      const entries = await timeline(server, ex.id);
      const actions = entries.filter((e) => e.kind === 'event').map((e) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining([
          'exercise.create',
          'exercise.start',
          'inject.skip',
          'inject.retime',
          'inject.acknowledge',
          'exercise.complete',
        ]),
      );
      const i05 = entries.find((e) => e.kind === 'delivery' && e.injectId === 'I-05' && e.teamCode === 'SG');
      expect(i05.releasedBy).toBe('controller');
      expect(i05.acknowledgedAt).not.toBeNull();
      expect(entries.filter((e) => e.kind === 'delivery' && e.injectId === 'I-04').map((e) => e.status)).toEqual([
        'skipped',
        'skipped',
      ]);
    } finally {
      sg.disconnect();
      my.disconnect();
    }
  });

  it('starts a scheduled exercise by itself at its start time', async () => {
    const d = await setUp({});
    server = d.server;
    const startAt = new Date(Date.now() + 1500).toISOString();
    const ex = await createExercise(server, {
      scenarioId: 'runtime-test-drill',
      name: 'scheduled',
      speed: 600,
      teamIds: [d.teams.SG],
      startAt,
    });
    expect(ex.status).toBe('scheduled');
    const sg = await new DrillClient(server.url, d.users.SG!.token, ex.id).connect();
    try {
      await sg.waitFor(() => sg.injects.length === 3, 8000, 'injects after the scheduled start');
      const view = await server.http().get(`/api/exercises/${ex.id}`).set(bearer(ADMIN_TOKEN));
      expect(view.body.status).toBe('running');
      expect(Math.abs(Date.parse(view.body.startedAt) - Date.parse(startAt))).toBeLessThan(500);
      expect(sg.states.map((st) => st.status)).toEqual(expect.arrayContaining(['scheduled', 'running']));
      const past = await server
        .http()
        .post('/api/exercises')
        .set(bearer(ADMIN_TOKEN))
        .send({
          scenarioId: 'runtime-test-drill',
          name: 'x',
          speed: 1,
          teamIds: [d.teams.SG],
          startAt: '2020-01-01T00:00:00Z',
        });
      expect(past.status).toBe(422);
      expect(past.body.details[0].path).toBe('/startAt');
    } finally {
      sg.disconnect();
    }
  });

  it('refuses a socket handshake without a valid token or for an exercise the team is not in', async () => {
    const d = await setUp({});
    server = d.server;
    const ex = await createExercise(server, {
      scenarioId: 'runtime-test-drill',
      name: 'handshake',
      speed: 60,
      teamIds: [d.teams.SG],
    });
    await expect(new DrillClient(server.url, 'drl_wrong', ex.id).connect()).rejects.toThrow(
      'unauthorized: invalid, expired or revoked bearer token',
    );
    await expect(new DrillClient(server.url, '', ex.id).connect()).rejects.toThrow('auth.token is missing');
    await expect(new DrillClient(server.url, d.users.MY!.token, ex.id).connect()).rejects.toThrow(
      /forbidden: your team does not take part/,
    );
    const rest = await server.http().get(`/api/exercises/${ex.id}`).set(bearer(d.users.MY!.token));
    expect(rest.status).toBe(403);
    const control = await new DrillClient(server.url, ADMIN_TOKEN, ex.id).connect();
    expect(control.socket.connected).toBe(true);
    control.disconnect();
  });

  it('validates exercise creation with field paths', async () => {
    const d = await setUp({});
    server = d.server;
    const r = await server
      .http()
      .post('/api/exercises')
      .set(bearer(ADMIN_TOKEN))
      .send({ scenarioId: 'runtime-test-drill', name: 'x', speed: 5000, teamIds: [d.teams.SG, d.teams.SG] });
    expect(r.status).toBe(422);
    expect(r.body.details.map((p: { path: string }) => p.path)).toEqual(['/speed', '/teamIds']);
    const ghost = await server
      .http()
      .post('/api/exercises')
      .set(bearer(ADMIN_TOKEN))
      .send({ scenarioId: 'nope', name: 'x', speed: 1, teamIds: [d.teams.SG] });
    expect(ghost.status).toBe(404);
    const shape = await server
      .http()
      .post('/api/exercises')
      .set(bearer(ADMIN_TOKEN))
      .send({ scenarioId: 'runtime-test-drill', name: 'x', speed: 'fast', teamIds: ['SG'] });
    expect(shape.status).toBe(400);
    expect(shape.body.details.map((p: { path: string }) => p.path)).toEqual(
      expect.arrayContaining(['/speed', '/teamIds']),
    );
  });
});

describe('exercise runtime: conditional injects', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('fires after, ifNoReport (per team, at the deadline) and ifReportMatches (on a matching report)', async () => {
    server = await startServer();
    const SG = await createTeam(server, 'SG');
    const MY = await createTeam(server, 'MY');
    const sgUser = await createUser(server, 'participant', SG);
    const myUser = await createUser(server, 'participant', MY);
    await saveScenario(server, fixture('conditional-drill.yaml'));
    const ex = await createExercise(server, {
      scenarioId: 'conditional-test-drill',
      name: 'conditions',
      speed: 60,
      teamIds: [SG, MY],
    });
    const sg = await new DrillClient(server.url, sgUser.token, ex.id).connect();
    const my = await new DrillClient(server.url, myUser.token, ex.id).connect();
    try {
      await act(server, ex.id, 'start');
      await sg.waitFor(() => sg.injects.length === 1, 5000, 'C-01');
      // SG reports on C-01 classifying it as an infected system; MY stays silent.
      const report = await server
        .http()
        .post(`/api/exercises/${ex.id}/ism/reports`)
        .set(bearer(sgUser.token))
        .send({
          kind: 'notification',
          injectIds: ['C-01'],
          title: 'Infected workstation',
          tlp: 'TLP:AMBER',
          classification: { class: 'malicious-code', type: 'infected-system' },
        });
      expect(report.status).toBe(201);
      await sg.waitFor(() => sg.injects.length === 3, 5000, 'SG follow-ups');
      await my.waitFor(() => my.injects.length === 3, 8000, 'MY follow-ups'); // C-03 at C-01 + 3 min = 4 s
      await settled(server, ex.id);
      expect(sg.injects.map((i) => [i.seq, i.injectId])).toEqual([
        [1, 'C-01'],
        [2, 'C-04'],
        [3, 'C-02'],
      ]);
      expect(my.injects.map((i) => [i.seq, i.injectId])).toEqual([
        [1, 'C-01'],
        [2, 'C-02'],
        [3, 'C-03'],
      ]);
      const rows = (await timeline(server, ex.id)).filter((e) => e.kind === 'delivery');
      const row = (team: string, inject: string) => rows.find((r) => r.teamCode === team && r.injectId === inject);
      expect(row('SG', 'C-03').status).toBe('not-triggered'); // SG reported by the deadline
      expect(row('MY', 'C-04').status).toBe('armed'); // MY never sent a matching report
      expect(row('MY', 'C-03').releasedBy).toBe('trigger:ifNoReport');
      expect(row('SG', 'C-04').releasedBy).toBe('trigger:ifReportMatches');
      expect(row('MY', 'C-02').releasedBy).toBe('trigger:after');
      // C-02 is due one scenario minute after C-01's release to each team.
      expect(row('MY', 'C-02').dueScenarioMs - row('MY', 'C-01').releasedScenarioMs).toBe(60_000);
    } finally {
      sg.disconnect();
      my.disconnect();
    }
  });
});
