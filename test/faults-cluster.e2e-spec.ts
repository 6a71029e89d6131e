// The runtime under faults in cluster mode (issue 13): replicas as real OS processes on one PostgreSQL database
// and one Redis. A replica dies between a release's commit and its announcement (a test hook), a replica's clock
// runs ahead of the others, and a 30-minute drill at ×60 rides out a PostgreSQL restart and a Redis restart.
import { afterEach, describe, expect, it } from '@jest/globals';
import { wasReleased } from '@drill/contracts';
import { ADMIN_TOKEN, bearer, createTeam, createUser, type TestServer } from './support/app.js';
import {
  createDatabase,
  deleteRedisKeys,
  redisPrefix,
  remote,
  startReplica,
  type Replica,
  type ReplicaOptions,
  type ScratchDatabase,
} from './support/cluster.js';
import { DrillClient, waitUntil } from './support/drill-client.js';
import { act, createExercise, fixture, saveScenario, scenarioMs, timeline } from './support/drill.js';
import { canRestartServices, restartPostgres, restartRedis } from './support/faults.js';
import { requireService } from './support/services.js';

const redisUp = await requireService('Redis', 6379);
const postgresUp = await requireService('PostgreSQL', 5432);
const restartable = canRestartServices();
if (!restartable) {
  if (process.env.CI === 'true')
    throw new Error('CI must be able to restart PostgreSQL and Redis (root, pg_ctlcluster)');
  console.warn('\n!!! cannot restart PostgreSQL and Redis here: SKIPPING the restart drill (it runs in CI) !!!\n');
}

// Date.now() of this process runs 3 s ahead of the machine's clock (and so of PostgreSQL's).
const SKEW_AHEAD = `data:text/javascript,${encodeURIComponent('const n = Date.now.bind(Date); Date.now = () => n() + 3000;')}`;

(redisUp && postgresUp ? describe : describe.skip)('cluster runtime under faults', () => {
  let db: ScratchDatabase;
  let prefix: string;
  const replicas: Replica[] = [];
  const clients: DrillClient[] = [];

  afterEach(async () => {
    clients.splice(0).forEach((c) => c.disconnect());
    await Promise.allSettled(replicas.splice(0).map((r) => r.stop()));
    await db?.drop();
    await deleteRedisKeys(prefix);
  }, 60_000);

  async function cluster(
    a: Partial<ReplicaOptions>,
    b: Partial<ReplicaOptions>,
  ): Promise<{ a: Replica; b: Replica; A: TestServer; B: TestServer }> {
    db = await createDatabase('faults');
    prefix = redisPrefix('faults');
    const base = { databaseUrl: db.url, redisPrefix: prefix, adminToken: ADMIN_TOKEN };
    const ra = await startReplica('A', { ...base, ...a, env: { DRILL_SWEEP_INTERVAL_MS: '300', ...a.env } });
    replicas.push(ra);
    const rb = await startReplica('B', {
      ...base,
      ...b,
      env: { DRILL_SWEEP_INTERVAL_MS: '300', DRILL_RESYNC_INTERVAL_MS: '300', ...b.env },
    });
    replicas.push(rb);
    return { a: ra, b: rb, A: remote(ra.url), B: remote(rb.url) };
  }

  async function connect(r: Replica, token: string, exerciseId: string): Promise<DrillClient> {
    const c = await new DrillClient(r.url, token, exerciseId).connect();
    clients.push(c);
    return c;
  }

  it('heals the follow-ups armed by a release whose replica died right after commit, and announces the release', async () => {
    const { a, b, A, B } = await cluster({ env: { DRILL_TEST_KILL_AFTER_RELEASE: 'F-01' } }, {});
    const SG = await createTeam(B, 'SG');
    const sg = await createUser(B, 'participant', SG);
    await saveScenario(B, fixture('faults-drill.yaml'));
    const ex = await createExercise(B, { scenarioId: 'faults-test-drill', name: 'kill', speed: 60, teamIds: [SG] });
    const client = await connect(b, sg.token, ex.id);
    await act(B, ex.id, 'start');
    // F-01's own release moves to T+00:50, so nothing else is planned before then…
    const retime = await B.http().patch(`/api/exercises/${ex.id}/injects/F-01`).set(bearer(ADMIN_TOKEN)).send({
      offset: '+00:50',
    });
    expect(retime.status).toBe(200);
    // …and the controller releases it now on A, which commits (arming F-05 for one minute later) and dies.
    const startedAt = Date.now();
    await A.http()
      .post(`/api/exercises/${ex.id}/injects/F-01/release`)
      .set(bearer(ADMIN_TOKEN))
      .send({})
      .catch(() => undefined);
    await a.kill();
    expect(a.proc.signalCode).toBe('SIGKILL');
    // The release audit was written in the release's transaction.
    const audit = await db.query(
      `SELECT "after" FROM audit_events WHERE "exerciseId" = $1 AND action = 'inject.release'`,
      [ex.id],
    );
    expect(audit.map((r) => JSON.parse(r.after as string).injectId)).toEqual(['F-01']);
    await client.waitFor(() => client.injects.length >= 1, 5000, 'F-01, announced by B');
    await client.waitFor(() => client.injects.some((i) => i.injectId === 'F-05'), 10_000, 'F-05 healed by B');
    // Without the sweep nothing would wake before T+00:50 (50 s); B's sweep finds F-05 overdue within a second or two.
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(client.injects.map((i) => [i.seq, i.injectId])).toEqual([
      [1, 'F-01'],
      [2, 'F-05'],
    ]);
    const rows = (await timeline(B, ex.id)).filter((e) => e.kind === 'delivery' && e.injectId === 'F-05');
    expect(wasReleased(rows[0].status)).toBe(true);
  });

  it('runs every exercise on the database clock: a replica whose host clock is 3 s ahead moves nothing', async () => {
    const { a, A, B } = await cluster({ nodeArgs: ['--import', SKEW_AHEAD] }, {});
    const SG = await createTeam(B, 'SG');
    const sg = await createUser(B, 'participant', SG);
    await saveScenario(B, fixture('faults-drill.yaml'));
    const ex = await createExercise(B, { scenarioId: 'faults-test-drill', name: 'skew', speed: 60, teamIds: [SG] });
    const before = Date.now();
    const started = await act(A, ex.id, 'start'); // started by the replica whose clock is ahead
    const after = Date.now();
    const startedAt = Date.parse(started.startedAt as string);
    expect(startedAt).toBeGreaterThanOrEqual(before - 50);
    expect(startedAt).toBeLessThanOrEqual(after + 50);
    await a.stop(); // B carries the drill on alone
    const view = await B.http().get(`/api/exercises/${ex.id}`).set(bearer(sg.token));
    const expected = (Date.now() - startedAt) * 60;
    expect(Math.abs(view.body.clock.scenarioMs - expected)).toBeLessThan(60 * 250); // 3 s of skew would be 180 000
    const client = await connect(replicas[1]!, sg.token, ex.id);
    await client.waitFor(() => client.injects.length === 1, 10_000, 'F-01 released by B');
    const row = (await timeline(B, ex.id)).find((e) => e.kind === 'delivery' && e.injectId === 'F-01');
    // Released on B's (and the database's) time: its scenario time matches its wall time since the start.
    expect(Math.abs(row.releasedScenarioMs - (Date.parse(row.releasedAt) - startedAt) * 60)).toBeLessThan(60);
  });

  (restartable ? it : it.skip)(
    'delivers a 30-minute drill at ×60 to every team once, in order, across a PostgreSQL restart and a Redis restart',
    async () => {
      const { a, b, A, B } = await cluster({}, {});
      const codes = ['SG', 'MY', 'BN', 'TH'];
      const teams: Record<string, string> = {};
      const users: Record<string, { token: string }> = {};
      for (const code of codes) {
        teams[code] = await createTeam(A, code, [code === 'SG' || code === 'MY' ? 'tier1' : 'tier2']);
        users[code] = await createUser(B, 'participant', teams[code]);
      }
      // Injects at irregular minutes: gaps of two and three minutes mean the next release depends on a wake-up
      // (BullMQ job) rather than on the short local timer that covers a release due within a second.
      const minutes = [1, 2, 3, 4, 5, 6, 8, 10, 12, 13, 15, 17, 20, 22, 23, 25, 27, 28, 30];
      const idOf = (m: number) => `M-${String(m).padStart(2, '0')}`;
      // Every fifth minute goes to BN only, every third to tier1 (SG, MY) only, the rest to all.
      const targetOf = (m: number) => (m % 5 === 0 ? '{ teams: [BN] }' : m % 3 === 0 ? '{ tags: [tier1] }' : 'all');
      const injects = minutes.map(
        (m) =>
          `  - id: ${idOf(m)}\n    offset: "+00:${String(m).padStart(2, '0')}"\n    title: Marathon inject ${idOf(m)}\n    body: Minute ${m}.\n    targets: ${targetOf(m)}\n    severity: low\n    tlp: TLP:GREEN\n`,
      );
      await saveScenario(
        A,
        `id: marathon-drill\ntitle: Marathon drill\nsummary: Nineteen injects in thirty minutes.\nplannedDuration: "+00:31"\ninjects:\n${injects.join('')}`,
      );
      const expected = (code: string) =>
        minutes
          .filter((m) => (m % 5 === 0 ? code === 'BN' : m % 3 === 0 ? code === 'SG' || code === 'MY' : true))
          .map(idOf);
      const ex = await createExercise(A, {
        scenarioId: 'marathon-drill',
        name: 'marathon',
        speed: 60,
        teamIds: codes.map((c) => teams[c]),
      });
      // Each team has a console on each replica.
      const consoles = new Map<string, DrillClient[]>();
      for (const code of codes)
        consoles.set(code, [await connect(a, users[code]!.token, ex.id), await connect(b, users[code]!.token, ex.id)]);
      await act(B, ex.id, 'start');
      // PostgreSQL restarts between M-06 and M-08, Redis (losing every queued wake-up) between M-17 and M-20.
      await waitUntil(async () => (await scenarioMs(B, ex.id)) >= 6.5 * 60_000, 20_000, 'T+00:06:30');
      restartPostgres();
      await waitUntil(
        async () => (await scenarioMs(B, ex.id).catch(() => 0)) >= 17.5 * 60_000,
        30_000,
        'T+00:17:30, PostgreSQL back',
      );
      await restartRedis();
      for (const [code, list] of consoles)
        for (const c of list)
          await c.waitFor(() => c.injects.length >= expected(code).length, 45_000, `${code}'s whole drill`);
      for (const [code, list] of consoles) {
        for (const c of list) {
          expect(c.injects.map((i) => i.injectId)).toEqual(expected(code));
          expect(c.injects.map((i) => i.seq)).toEqual(expected(code).map((_, n) => n + 1));
        }
      }
      const released = await db.query(
        `SELECT count(*)::int AS n, count(DISTINCT "targetId")::int AS d FROM audit_events WHERE "exerciseId" = $1 AND action = 'inject.release'`,
        [ex.id],
      );
      const total = codes.reduce((n, c) => n + expected(c).length, 0);
      expect(released[0]).toEqual({ n: total, d: total });
    },
    150_000,
  );
});
