// Cluster mode end to end: two drill-server replicas as separate OS processes on one Redis (BullMQ wake-ups,
// socket.io Redis adapter) and one PostgreSQL database, clients spread over both.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { wasReleased } from '@drill/contracts';
import { expectAs } from './support/expect.js';
import { ADMIN_TOKEN, bearer, createTeam, createUser, type TestServer } from './support/app.js';
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
import { act, createExercise, fixture, saveScenario, scenarioMs, settled, timeline } from './support/drill.js';
import { requireService } from './support/services.js';

const redisUp = await requireService('Redis', 6379);
const postgresUp = await requireService('PostgreSQL', 5432);

// cluster-drill.yaml: SG and MY are tier1, BN and TH tier2. Worked out from each inject's targets.
const EXPECTED: Record<string, string[]> = {
  SG: ['C-01', 'C-02', 'C-04', 'C-06', 'C-07', 'C-08', 'C-09', 'C-10'],
  MY: ['C-01', 'C-02', 'C-04', 'C-06', 'C-08', 'C-09', 'C-10'],
  BN: ['C-01', 'C-03', 'C-04', 'C-05', 'C-06', 'C-08', 'C-09', 'C-10'],
  TH: ['C-01', 'C-04', 'C-05', 'C-06', 'C-07', 'C-08', 'C-09', 'C-10'],
};
const DELIVERIES = Object.values(EXPECTED).reduce((n, l) => n + l.length, 0); // 31
const CODES = Object.keys(EXPECTED);

const LABELS = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'] as const;
type Viewer = 'author' | 'teammate' | 'recipient' | 'other' | 'named' | 'unnamed' | 'evaluator';
// Reports by SG's author to team MY and the named BN user (the same rules as test/ism.e2e-spec.ts).
const MATRIX: Record<(typeof LABELS)[number], Record<Viewer, boolean>> = {
  'TLP:CLEAR': {
    author: true,
    teammate: true,
    recipient: true,
    other: true,
    named: true,
    unnamed: true,
    evaluator: true,
  },
  'TLP:GREEN': {
    author: true,
    teammate: true,
    recipient: true,
    other: true,
    named: true,
    unnamed: true,
    evaluator: true,
  },
  'TLP:AMBER': {
    author: true,
    teammate: true,
    recipient: true,
    other: false,
    named: true,
    unnamed: false,
    evaluator: true,
  },
  'TLP:AMBER+STRICT': {
    author: true,
    teammate: true,
    recipient: true,
    other: false,
    named: true,
    unnamed: false,
    evaluator: true,
  },
  'TLP:RED': {
    author: true,
    teammate: false,
    recipient: false,
    other: false,
    named: true,
    unnamed: false,
    evaluator: true,
  },
};

(redisUp && postgresUp ? describe : describe.skip)('cluster mode: two replicas on Redis and PostgreSQL', () => {
  const prefix = redisPrefix('cluster');
  let db: ScratchDatabase | undefined;
  let a: Replica | undefined;
  let b: Replica | undefined;
  let A: TestServer;
  let B: TestServer;
  const teams: Record<string, string> = {};
  const analysts: Record<string, { id: string; token: string }> = {};
  const viewers = {} as Record<Viewer, { id: string; token: string }>;
  const open: DrillClient[] = [];

  beforeAll(async () => {
    db = await createDatabase();
    // Started together, as docker-compose starts them: they must take turns migrating the empty database.
    const options = { databaseUrl: db.url, redisPrefix: prefix, adminToken: ADMIN_TOKEN };
    [a, b] = await Promise.all([startReplica('A', options), startReplica('B', options)]);
    A = remote(a.url);
    B = remote(b.url);
    for (const code of CODES)
      teams[code] = await createTeam(A, code, [code === 'SG' || code === 'MY' ? 'tier1' : 'tier2']);
    for (const code of CODES) analysts[code] = await createUser(B, 'participant', teams[code], `${code} analyst`);
    analysts.SG2 = await createUser(A, 'participant', teams.SG, 'second SG analyst');
    viewers.author = await createUser(A, 'participant', teams.SG, 'author');
    viewers.teammate = await createUser(A, 'participant', teams.SG, 'teammate');
    viewers.recipient = await createUser(A, 'participant', teams.MY, 'recipient');
    viewers.other = await createUser(A, 'participant', teams.BN, 'other');
    viewers.named = await createUser(A, 'participant', teams.BN, 'named');
    viewers.unnamed = await createUser(A, 'participant', teams.BN, 'unnamed');
    viewers.evaluator = await createUser(A, 'evaluator', undefined, 'evaluator');
    await saveScenario(B, fixture('cluster-drill.yaml'));
  }, 120_000);

  afterAll(async () => {
    open.splice(0).forEach((c) => c.disconnect());
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await db?.drop();
    await deleteRedisKeys(prefix);
  }, 60_000);

  async function connect(r: Replica, token: string, exerciseId: string, lastSeq?: number): Promise<DrillClient> {
    const c = await new DrillClient(r.url, token, exerciseId).connect(lastSeq);
    open.push(c);
    return c;
  }

  const allTeams = () => CODES.map((c) => teams[c]!);

  /** Every delivery row released once, with seqs 1..n per team; one `inject.release` audit event per delivery. */
  async function expectReleasedOnce(server: TestServer, exerciseId: string, deliveries: number) {
    const entries = await timeline(server, exerciseId);
    const rows = entries.filter((e) => e.kind === 'delivery' && wasReleased(e.status));
    expect(rows).toHaveLength(deliveries);
    for (const code of CODES) {
      const seqs = rows.filter((r) => r.teamCode === code).map((r) => r.seq as number);
      expect(seqs.sort((x, y) => x - y)).toEqual(seqs.map((_, n) => n + 1));
    }
    // The audit log (read straight from PostgreSQL) holds one release event per delivery: none was sent twice.
    const releases = await db!.query(
      `SELECT "targetId" FROM audit_events WHERE "exerciseId" = $1 AND action = 'inject.release'`,
      [exerciseId],
    );
    expect(releases).toHaveLength(deliveries);
    expect(new Set(releases.map((e) => e.targetId)).size).toBe(deliveries);
    return rows;
  }

  it('delivers to teams on either replica exactly their injects, in order, each released once', async () => {
    const ex = await createExercise(A, {
      scenarioId: 'cluster-test-drill',
      name: 'fan-out',
      speed: 120,
      teamIds: allTeams(),
    });
    // SG and MY on A, BN and TH on B, and a second SG analyst on B: one team, both replicas.
    const on: Record<string, DrillClient> = {
      SG: await connect(a!, analysts.SG!.token, ex.id),
      MY: await connect(a!, analysts.MY!.token, ex.id),
      BN: await connect(b!, analysts.BN!.token, ex.id),
      TH: await connect(b!, analysts.TH!.token, ex.id),
    };
    const sg2 = await connect(b!, analysts.SG2!.token, ex.id);
    const control = await connect(b!, ADMIN_TOKEN, ex.id);
    await act(A, ex.id, 'start');
    for (const code of CODES)
      await on[code]!.waitFor(() => on[code]!.injects.length >= EXPECTED[code]!.length, 20_000, `${code} injects`);
    await sg2.waitFor(() => sg2.injects.length >= EXPECTED.SG!.length, 5000, 'second SG analyst');
    await settled(B, ex.id); // every delivery released and received: nothing more can arrive
    for (const code of CODES) {
      expectAs(
        on[code]!.injects.map((i) => i.injectId),
        code,
      ).toEqual(EXPECTED[code]);
      expectAs(
        on[code]!.injects.map((i) => i.seq),
        code,
      ).toEqual(EXPECTED[code]!.map((_, n) => n + 1));
    }
    expect(sg2.injects.map((i) => [i.seq, i.injectId])).toEqual(on.SG!.injects.map((i) => [i.seq, i.injectId]));

    const rows = await expectReleasedOnce(B, ex.id, DELIVERIES);
    for (const r of rows) {
      expect(r.releasedBy).toBe('scheduler');
      expect(r.late).toBe(false);
    }
    // The control room on B hears of every release, whichever replica made it.
    await waitUntil(
      () =>
        control.events.filter((e) => e.event === 'delivery' && (e.data as { releasedBy?: string }).releasedBy).length >=
        DELIVERIES,
      5000,
      'control board',
    );
    const board = control.events
      .filter((e) => e.event === 'delivery' && (e.data as { releasedBy?: string }).releasedBy)
      .map((e) => e.data as { teamId: string; injectId: string });
    expect(new Set(board.map((d) => `${d.teamId}/${d.injectId}`)).size).toBe(DELIVERIES);
    expect(board).toHaveLength(DELIVERIES);
    await act(B, ex.id, 'complete');
  }, 60_000);

  it('releases an inject once per team when controllers on both replicas release it at the same moment', async () => {
    const ex = await createExercise(A, {
      scenarioId: 'cluster-test-drill',
      name: 'race',
      speed: 1,
      teamIds: allTeams(),
    });
    const sg = await connect(a!, analysts.SG!.token, ex.id);
    const bn = await connect(b!, analysts.BN!.token, ex.id);
    await act(B, ex.id, 'start'); // speed 1: nothing falls due during the test
    const injects = ['C-01', 'C-04', 'C-06', 'C-08', 'C-10']; // all target every team
    const post = (s: TestServer, injectId: string) =>
      s.http().post(`/api/exercises/${ex.id}/injects/${injectId}/release`).set(bearer(ADMIN_TOKEN)).send({});
    const answers = await Promise.all(injects.flatMap((i) => [post(A, i), post(B, i)]));
    for (const [n, injectId] of injects.entries()) {
      const [fromA, fromB] = [answers[2 * n]!, answers[2 * n + 1]!];
      expectAs(fromA.status, JSON.stringify(fromA.body)).toBe(200);
      expectAs(fromB.status, JSON.stringify(fromB.body)).toBe(200);
      const released = [...fromA.body.released, ...fromB.body.released] as string[];
      expectAs(released.sort(), injectId).toEqual(allTeams().sort()); // each team exactly once, by one replica or the other
      expect([...fromA.body.alreadyReleased].sort()).toEqual([...fromB.body.released].sort());
      expect([...fromB.body.alreadyReleased].sort()).toEqual([...fromA.body.released].sort());
    }
    for (const c of [sg, bn]) await c.waitFor(() => c.injects.length >= injects.length, 5000, 'raced releases');
    // Every raced delivery of SG and BN received (its receipt recorded): a duplicate push would have come before it.
    await waitUntil(
      async () =>
        (await timeline(A, ex.id)).filter(
          (e) => e.kind === 'delivery' && ['SG', 'BN'].includes(e.teamCode) && wasReleased(e.status) && e.deliveredAt,
        ).length ===
        2 * injects.length,
      5000,
      'receipts of the raced releases',
    );
    for (const c of [sg, bn]) {
      expect(c.injects.map((i) => i.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(c.injects.map((i) => i.injectId).sort()).toEqual(injects);
    }
    await expectReleasedOnce(A, ex.id, injects.length * CODES.length);
    await act(A, ex.id, 'complete');
  }, 60_000);

  it('pushes ISM reports posted on one replica to the recipients on the other under the same TLP rules', async () => {
    const ex = await createExercise(A, {
      scenarioId: 'cluster-test-drill',
      name: 'ism',
      speed: 1,
      teamIds: allTeams(),
    });
    // The author on A; every other viewer on B.
    const clients = {} as Record<Viewer, DrillClient>;
    for (const v of Object.keys(viewers) as Viewer[])
      clients[v] = await connect(v === 'author' ? a! : b!, viewers[v].token, ex.id);
    await act(A, ex.id, 'start');
    const posted: Record<string, string> = {};
    for (const tlp of LABELS) {
      const r = await A.http()
        .post(`/api/exercises/${ex.id}/ism/reports`)
        .set(bearer(viewers.author.token))
        .send({
          kind: 'notification',
          title: `Report under ${tlp}`,
          tlp,
          recipients: { teams: ['MY'], users: [viewers.named.id] },
          classification: { class: 'malicious-code', type: 'infected-system' },
          iocs: [{ type: 'ip-dst', value: '203.0.113[.]7', toIds: true }],
        });
      expectAs(r.status, JSON.stringify(r.body)).toBe(201);
      posted[tlp] = r.body.id;
    }
    // And one the other way: MY's analyst on B, over the socket, AMBER to SG.
    const reply = await clients.recipient.emitWithAck<{ id?: string; error?: unknown }>('ism.report', {
      kind: 'update',
      title: 'MY to SG',
      tlp: 'TLP:AMBER',
      recipients: { teams: ['SG'] },
    });
    expect(reply.error).toBeUndefined();
    const pushedTo = (v: Viewer) =>
      new Set(clients[v].events.filter((e) => e.event === 'ism.report').map((e) => (e.data as { id: string }).id));
    // A last CLEAR report from the author on A, which every viewer may see: pushes reach each socket in the order
    // they were posted, so once every viewer has it, anything it should not see would already have arrived.
    const barrier = await A.http()
      .post(`/api/exercises/${ex.id}/ism/reports`)
      .set(bearer(viewers.author.token))
      .send({ kind: 'notification', title: 'Barrier', tlp: 'TLP:CLEAR' });
    expect(barrier.status).toBe(201);
    await waitUntil(
      () => (Object.keys(viewers) as Viewer[]).every((v) => pushedTo(v).has(barrier.body.id)),
      5000,
      'the barrier report on every console',
    );
    await waitUntil(() => pushedTo('author').has(reply.id!), 5000, 'the reply');
    for (const v of Object.keys(viewers) as Viewer[]) {
      const expected = new Set(LABELS.filter((tlp) => MATRIX[tlp][v]).map((tlp) => posted[tlp]));
      expected.add(barrier.body.id);
      if (v === 'author' || v === 'teammate' || v === 'recipient' || v === 'evaluator') expected.add(reply.id!);
      expectAs([...pushedTo(v)].sort(), `${v}: pushed`).toEqual([...expected].sort());
      // What B serves from PostgreSQL agrees with what was pushed.
      const listed = await B.http().get(`/api/exercises/${ex.id}/ism/reports`).set(bearer(viewers[v].token));
      expect(listed.status).toBe(200);
      expectAs(listed.body.map((r: { id: string }) => r.id).sort(), `${v}: listed`).toEqual([...expected].sort());
    }
    await act(A, ex.id, 'complete');
  }, 60_000);

  it('loses nothing when a replica is killed mid-drill: its teams reconnect to the other and pending injects still fire', async () => {
    const ex = await createExercise(A, {
      scenarioId: 'cluster-test-drill',
      name: 'kill',
      speed: 120,
      teamIds: allTeams(),
    });
    const before: Record<string, DrillClient> = {
      SG: await connect(a!, analysts.SG!.token, ex.id),
      MY: await connect(a!, analysts.MY!.token, ex.id),
      BN: await connect(b!, analysts.BN!.token, ex.id),
      TH: await connect(b!, analysts.TH!.token, ex.id),
    };
    await act(A, ex.id, 'start'); // A ran the first release pass and queued the first wake-ups
    await before.SG!.waitFor(() => before.SG!.injects.length >= 3, 10_000, 'C-01, C-02, C-04 (1.5 s)');
    // Kill A between releases: C-05 is due at 2.0 s (T+00:04 at ×120).
    await waitUntil(async () => (await scenarioMs(A, ex.id)) >= 198_000, 5000, 'T+00:03:18');
    await a!.kill();
    await waitUntil(() => !before.SG!.socket.connected && !before.MY!.socket.connected, 5000, 'A’s sockets to drop');
    // C-05, C-06 and C-07 fall due while SG and MY have no connection; B (or A's wake-up, taken over once its lock
    // expires) releases them to nobody.
    await waitUntil(
      async () =>
        (await timeline(B, ex.id)).filter(
          (e) =>
            e.kind === 'delivery' &&
            e.teamCode === 'SG' &&
            ['C-06', 'C-07'].includes(e.injectId) &&
            e.status === 'released',
        ).length === 2,
      30_000,
      'C-06 and C-07 released to SG while it is away',
    );
    const after: Record<string, DrillClient> = {
      SG: await connect(b!, analysts.SG!.token, ex.id, before.SG!.lastSeq),
      MY: await connect(b!, analysts.MY!.token, ex.id, before.MY!.lastSeq),
    };
    const all = (code: string) => [...before[code]!.injects, ...(after[code]?.injects ?? [])];
    // A wake-up the killed replica was running is taken over once its lock expires (~15 s at worst).
    for (const code of CODES)
      await waitUntil(() => all(code).length >= EXPECTED[code]!.length, 30_000, `${code}: all injects`);
    await settled(B, ex.id);
    for (const code of CODES) {
      expectAs(
        all(code).map((i) => i.injectId),
        code,
      ).toEqual(EXPECTED[code]);
      expectAs(
        all(code).map((i) => i.seq),
        code,
      ).toEqual(EXPECTED[code]!.map((_, n) => n + 1));
    }
    expect(after.SG!.injects.length).toBeGreaterThan(0); // what SG missed came from B's replay
    await expectReleasedOnce(B, ex.id, DELIVERIES);
    const health = await B.http().get('/health');
    expect(health.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up', releases: 'up' } });
  }, 90_000);
});
