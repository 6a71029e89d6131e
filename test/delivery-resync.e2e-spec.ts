// Delivery when the live path fails (issue 13, rows 3 and 7): a handshake `lastSeq` ahead of the team is clamped to
// the team's sequence number, and a delivery whose announcement never reached a replica (the releasing replica died
// after commit, or the message was lost) reaches that replica's team sockets through the periodic resync.
import { afterEach, describe, expect, it } from '@jest/globals';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import {
  createDatabase,
  deleteRedisKeys,
  redisPrefix,
  remote,
  startReplica,
  type Replica,
  type ScratchDatabase,
} from './support/cluster.js';
import { DrillClient, waitUntil } from './support/drill-client.js';
import { act, createExercise, fixture, saveScenario, timeline } from './support/drill.js';
import { REDIS_URL, requireService } from './support/services.js';
import { LiveChannel } from '../apps/drill-server/src/runtime/live-channel.js';

const redisUp = await requireService('Redis', 6379);
const postgresUp = await requireService('PostgreSQL', 5432);

const SCENARIO = 'resync-test-drill'; // test/fixtures/resync-drill.yaml: R-01..R-06, hours apart

/** Two teams enrolled in a running exercise at speed 1 (nothing falls due: only release-now releases). */
async function runningDrill(s: TestServer) {
  const teams = { SG: await createTeam(s, 'SG'), MY: await createTeam(s, 'MY') };
  const sg = await createUser(s, 'participant', teams.SG, 'SG analyst');
  await saveScenario(s, fixture('resync-drill.yaml'));
  const ex = await createExercise(s, { scenarioId: SCENARIO, name: 'resync', speed: 1, teamIds: Object.values(teams) });
  await act(s, ex.id, 'start');
  return { teams, sg, exerciseId: ex.id };
}

/** POST …/injects/:injectId/release as the admin controller, to the given teams (default: the inject's targets). */
const releaseNow = (s: TestServer, exerciseId: string, injectId: string, teamIds?: string[]) =>
  s
    .http()
    .post(`/api/exercises/${exerciseId}/injects/${injectId}/release`)
    .set(bearer(ADMIN_TOKEN))
    .send(teamIds ? { teamIds } : {});

async function released(s: TestServer, exerciseId: string, injectId: string, teamIds?: string[]) {
  const r = await releaseNow(s, exerciseId, injectId, teamIds);
  if (r.status !== 200 || !r.body.released.length)
    throw new Error(`release ${injectId}: ${r.status} ${JSON.stringify(r.body)}`);
}

const seqs = (c: DrillClient) => c.injects.map((i) => [i.seq, i.injectId]);

/**
 * Disconnects the clients and closes the server once it has seen them go: an ack still in flight when the server
 * closes would leave its 30 s ack timer holding the test process open.
 */
async function closeAll(s: TestServer | undefined, clients: DrillClient[]) {
  clients.splice(0).forEach((c) => c.disconnect());
  if (!s) return;
  const ns = s.app.get(LiveChannel).namespace;
  await waitUntil(() => !ns?.sockets.size, 5000, 'the server to see its clients go').catch(() => undefined);
  await s.close().catch(() => undefined);
}

const modes = [
  { name: 'in-process scheduler', run: true, env: () => ({}) as Record<string, string> },
  {
    name: 'BullMQ scheduler on Redis',
    run: redisUp,
    env: () => ({ REDIS_URL, REDIS_PREFIX: redisPrefix('resync') }) as Record<string, string>,
  },
];

for (const mode of modes) {
  (mode.run ? describe : describe.skip)(`handshake lastSeq ahead of the team (${mode.name})`, () => {
    const open: { server: TestServer; prefix?: string }[] = [];
    const clients: DrillClient[] = [];
    afterEach(async () => {
      for (const { server, prefix } of open.splice(0)) {
        await closeAll(server, clients);
        if (prefix) await deleteRedisKeys(prefix);
      }
    });

    async function server(env: Record<string, string> = {}) {
      const e = { ...mode.env(), ...env };
      const s = await startServer(e);
      open.push({ server: s, prefix: e.REDIS_PREFIX });
      return s;
    }

    async function connect(s: TestServer, token: string, exerciseId: string, lastSeq?: number) {
      const c = await new DrillClient(s.url, token, exerciseId).connect(lastSeq);
      clients.push(c);
      return c;
    }

    it('clamps it to the team’s sequence number: the next inject (seq 4) and the ones after arrive, nothing else', async () => {
      const s = await server();
      const { teams, sg, exerciseId } = await runningDrill(s);
      // SG is at seq 3; MY (at 1) shows that the clamp is per team.
      for (const id of ['R-01', 'R-02', 'R-03']) await released(s, exerciseId, id, [teams.SG]);
      await released(s, exerciseId, 'R-01', [teams.MY]);

      // A stale console (say, from an earlier drill) claims seq 50.
      const stale = await connect(s, sg.token, exerciseId, 50);
      const fresh = await connect(s, sg.token, exerciseId, 3); // an up-to-date console, for comparison
      await released(s, exerciseId, 'R-04'); // SG seq 4, MY seq 2
      await released(s, exerciseId, 'R-05', [teams.MY]); // not SG's
      await released(s, exerciseId, 'R-06', [teams.SG]); // SG seq 5
      for (const c of [stale, fresh]) await c.waitFor(() => c.lastSeq >= 5, 10_000, 'SG seq 5');
      // Pushes to one socket go out in seq order, so anything it should not get (a replay of 1-3, MY's R-05, a
      // duplicate) would be listed before seq 5.
      expect(seqs(stale)).toEqual([
        [4, 'R-04'],
        [5, 'R-06'],
      ]);
      expect(seqs(fresh)).toEqual(seqs(stale));

      // A claim the team has reached is kept as sent: a console at seq 4 gets 5 only.
      const atFour = await connect(s, sg.token, exerciseId, 4);
      await atFour.waitFor(() => atFour.lastSeq >= 5, 5000, 'replay of seq 5');
      expect(seqs(atFour)).toEqual([[5, 'R-06']]);
    }, 60_000);
  });
}

describe('periodic resync of team sockets (in-process server)', () => {
  let s: TestServer | undefined;
  const clients: DrillClient[] = [];
  afterEach(async () => {
    await closeAll(s, clients);
    s = undefined;
  });

  it('sends a delivery whose announcement was lost within a few resync intervals, in order, once', async () => {
    s = await startServer({ DRILL_RESYNC_INTERVAL_MS: '200' });
    const { teams, sg, exerciseId } = await runningDrill(s);
    const c = await new DrillClient(s.url, sg.token, exerciseId).connect();
    clients.push(c);
    await released(s, exerciseId, 'R-01', [teams.SG]);
    await c.waitFor(() => c.lastSeq >= 1, 5000, 'seq 1 (live)');

    // The announcement of R-02 is lost (as a Redis message may be): the commit happens, the push does not.
    const live = s.app.get(LiveChannel);
    const announce = live.announceRelease.bind(live);
    let dropped = 0;
    live.announceRelease = (...args) => {
      if (args[2].injectId === 'R-02') dropped++;
      else announce(...args);
    };
    const t0 = Date.now();
    await released(s, exerciseId, 'R-02', [teams.SG]);
    expect(dropped).toBe(1);
    await c.waitFor(() => c.lastSeq >= 2, 5000, 'seq 2 (resync)');
    const delayMs = Date.now() - t0;
    // Then live delivery carries on.
    await released(s, exerciseId, 'R-03', [teams.SG]);
    await c.waitFor(() => c.lastSeq >= 3, 5000, 'seq 3 (live)');
    expect(seqs(c)).toEqual([
      [1, 'R-01'],
      [2, 'R-02'],
      [3, 'R-03'],
    ]);
    expect(delayMs).toBeLessThan(3000); // interval 200 ms + two reads; generous for a loaded 2-core runner
    // The resync push is acked like any other: the delivery is recorded as delivered.
    const r02 = async () =>
      (await timeline(s!, exerciseId)).find((e) => e.kind === 'delivery' && e.injectId === 'R-02');
    await waitUntil(async () => typeof (await r02())?.deliveredAt === 'string', 5000, 'R-02 delivered');
    expect((await r02()).seq).toBe(2);
  }, 30_000);
});

(redisUp && postgresUp ? describe : describe.skip)('periodic resync across replicas (Redis, PostgreSQL)', () => {
  const prefix = redisPrefix('resync');
  let db: ScratchDatabase | undefined;
  const replicas: Replica[] = [];
  const clients: DrillClient[] = [];
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.disconnect());
    await Promise.allSettled(replicas.splice(0).map((r) => r.stop()));
    await db?.drop();
    db = undefined;
    await deleteRedisKeys(prefix);
  }, 60_000);

  it('delivers an inject whose releasing replica died after commit, before announcing it, to a team on another', async () => {
    db = await createDatabase();
    const options = { databaseUrl: db.url, redisPrefix: prefix, adminToken: ADMIN_TOKEN };
    const [a, b] = await Promise.all([
      startReplica('A', { ...options, env: { DRILL_TEST_KILL_AFTER_RELEASE: 'R-02' } }),
      startReplica('B', { ...options, env: { DRILL_RESYNC_INTERVAL_MS: '500' } }),
    ]);
    replicas.push(a, b);
    const A = remote(a.url);
    const B = remote(b.url);
    const { teams, sg, exerciseId } = await runningDrill(B);
    const c = await new DrillClient(b.url, sg.token, exerciseId).connect();
    clients.push(c);

    // R-01 from A reaches the client on B the ordinary way (Redis adapter).
    await released(A, exerciseId, 'R-01', [teams.SG]);
    await c.waitFor(() => c.lastSeq >= 1, 5000, 'seq 1 from A');

    // A commits R-02 and is killed before announcing it: the request fails with the connection.
    const exited = new Promise<void>((resolve) =>
      a.proc.exitCode !== null || a.proc.signalCode !== null ? resolve() : a.proc.once('exit', () => resolve()),
    );
    const t0 = Date.now();
    const outcome = await releaseNow(A, exerciseId, 'R-02', [teams.SG]).then(
      (r) => `answered HTTP ${r.status} ${JSON.stringify(r.body)}`,
      () => 'failed',
    );
    await exited;
    expect(outcome).toBe('failed');
    expect(a.proc.signalCode).toBe('SIGKILL'); // the hook fired: A never announced R-02

    // B's resync finds SG's socket behind the team (1 < 2) and sends seq 2 from PostgreSQL.
    await c.waitFor(() => c.lastSeq >= 2, 5000, 'seq 2 through B’s resync');
    const delayMs = Date.now() - t0;
    expect(seqs(c)).toEqual([
      [1, 'R-01'],
      [2, 'R-02'],
    ]);
    expect(delayMs).toBeLessThan(4000); // a 500 ms interval + two reads, on a loaded 2-core runner
    const audit = await db.query(
      `SELECT "targetId", "after" FROM audit_events WHERE "exerciseId" = $1 AND action = 'inject.release'`,
      [exerciseId],
    );
    const r02 = audit.filter((e) => (JSON.parse(e.after as string) as { injectId: string }).injectId === 'R-02');
    expect(r02).toHaveLength(1); // written in the release transaction, so it outlives the kill

    // B carries on alone: the next release is live, in order.
    await released(B, exerciseId, 'R-03', [teams.SG]);
    await c.waitFor(() => c.lastSeq >= 3, 5000, 'seq 3 from B');
    expect(seqs(c).map(([n]) => n)).toEqual([1, 2, 3]);
    console.log(`resync after a killed announcer: seq 2 reached the client on B ${delayMs} ms after release-now`);
  }, 120_000);
});
