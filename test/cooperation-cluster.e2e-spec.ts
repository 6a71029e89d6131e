// Issue 19 across replicas: the communications check and requests for assistance reach a participant whose socket
// is on another replica than the one that took the request (cluster mode: PostgreSQL, Redis adapter).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AssistanceRequestView, ComcheckPayload } from '@drill/contracts';
import type { ComcheckStatus } from '@drill/exercise';
import { ADMIN_TOKEN, bearer, createTeam, createUser } from './support/app.js';
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
import { act, createExercise, fixture, saveScenario } from './support/drill.js';
import { requireService } from './support/services.js';

const redisUp = await requireService('Redis', 6379);
const postgresUp = await requireService('PostgreSQL', 5432);

(redisUp && postgresUp ? describe : describe.skip)('cooperation across replicas', () => {
  const prefix = redisPrefix('coop');
  let db: ScratchDatabase;
  const replicas: Replica[] = [];
  const clients: DrillClient[] = [];
  let exerciseId: string;
  let sg: DrillClient; // on replica B
  let my: DrillClient; // on replica A
  let control: DrillClient; // on replica B
  let tokens: { sg: string; my: string };

  const events = <T>(c: DrillClient, event: string) =>
    c.events.filter((e) => e.event === event).map((e) => e.data as T);

  beforeAll(async () => {
    db = await createDatabase('drill_coop');
    const o = { databaseUrl: db.url, redisPrefix: prefix, adminToken: ADMIN_TOKEN };
    replicas.push(...(await Promise.all([startReplica('A', o), startReplica('B', o)])));
    const a = remote(replicas[0]!.url);
    const teams = { SG: await createTeam(a, 'SG'), MY: await createTeam(a, 'MY') };
    tokens = {
      sg: (await createUser(a, 'participant', teams.SG, 'SG analyst')).token,
      my: (await createUser(a, 'participant', teams.MY, 'MY analyst')).token,
    };
    await saveScenario(a, fixture('assistance-drill.yaml'));
    exerciseId = (
      await createExercise(a, {
        scenarioId: 'assistance-test-drill',
        name: 'coop',
        speed: 1,
        teamIds: Object.values(teams),
      })
    ).id;
    const connect = async (url: string, token: string) => {
      const c = await new DrillClient(url, token, exerciseId).connect();
      clients.push(c);
      return c;
    };
    sg = await connect(replicas[1]!.url, tokens.sg);
    my = await connect(replicas[0]!.url, tokens.my);
    control = await connect(replicas[1]!.url, ADMIN_TOKEN);
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await Promise.all(replicas.map((r) => r.stop()));
    await deleteRedisKeys(prefix);
    await db?.drop();
  });

  it('a communications check sent on replica A reaches a participant connected to replica B', async () => {
    const a = remote(replicas[0]!.url);
    const sent = (await a.http().post(`/api/exercises/${exerciseId}/comcheck`).set(bearer(ADMIN_TOKEN)).expect(201))
      .body as ComcheckStatus;
    await sg.waitFor(
      () => events<ComcheckPayload>(sg, 'comcheck').some((c) => c.comcheckId === sent.id),
      15_000,
      'the check on B',
    );
    await my.waitFor(() => events<ComcheckPayload>(my, 'comcheck').some((c) => c.comcheckId === sent.id));
    const reply = await sg.emitWithAck('comcheck.confirm', { comcheckId: sent.id });
    expect(reply.ok).toBe(true);
    // Reached (the console on B acked) and confirmed, as replica A reads it; drill control on B heard of it.
    await waitUntil(async () => {
      const o = (await a.http().get(`/api/exercises/${exerciseId}/comcheck`).set(bearer(ADMIN_TOKEN)).expect(200))
        .body as { latest: ComcheckStatus };
      return o.latest.totals.reached === 2 && o.latest.totals.confirmed === 1;
    }, 15_000);
    await control.waitFor(() =>
      events<{ confirmedAt?: string }>(control, 'comcheck.update').some((u) => !!u.confirmedAt),
    );
  });

  it('a request made on replica B and answered on replica A reaches both parties and drill control live', async () => {
    await act(remote(replicas[0]!.url), exerciseId, 'start');
    const b = remote(replicas[1]!.url);
    const a = remote(replicas[0]!.url);
    const r = (
      await b
        .http()
        .post(`/api/exercises/${exerciseId}/assistance`)
        .set(bearer(tokens.sg))
        .send({ to: 'MY', kind: 'sinkhole', text: 'Sinkhole c2.example please', tlp: 'TLP:AMBER' })
        .expect(201)
    ).body as AssistanceRequestView;
    await my.waitFor(
      () => events<AssistanceRequestView>(my, 'assistance.request').some((v) => v.id === r.id),
      15_000,
      'the request on A',
    );
    await a
      .http()
      .post(`/api/exercises/${exerciseId}/assistance/${r.id}/respond`)
      .set(bearer(tokens.my))
      .send({ status: 'fulfilled', text: 'Sinkholed' })
      .expect(200);
    for (const c of [sg, control])
      await c.waitFor(
        () =>
          events<AssistanceRequestView>(c, 'assistance.update').some((v) => v.id === r.id && v.status === 'fulfilled'),
        15_000,
        'the answer on B',
      );
  });

  it('a scripted request made by a release on one replica reaches the team on the other', async () => {
    await remote(replicas[0]!.url)
      .http()
      .post(`/api/exercises/${exerciseId}/injects/A-02/release`)
      .set(bearer(ADMIN_TOKEN))
      .send({})
      .expect((res) => expect([200, 201]).toContain(res.status));
    for (const c of [sg, my])
      await c.waitFor(
        () => events<AssistanceRequestView>(c, 'assistance.request').some((v) => v.scripted && v.injectId === 'A-02'),
        15_000,
        'the scripted request',
      );
    const all = (
      await remote(replicas[1]!.url)
        .http()
        .get(`/api/exercises/${exerciseId}/assistance`)
        .set(bearer(ADMIN_TOKEN))
        .expect(200)
    ).body as AssistanceRequestView[];
    expect(
      all
        .filter((v) => v.scripted)
        .map((v) => v.to.code)
        .sort(),
    ).toEqual(['MY', 'SG']); // made once per team
  });
});
