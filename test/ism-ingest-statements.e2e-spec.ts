// Issue 17: an accepted report costs at most three SQL statements on the hot path, counted by the server itself
// (drill_db_statements_total on /metrics), over HTTP and over the socket; and pushes follow the TLP audience.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { DeliveryEntity } from '@drill/persistence';
import { expectAs } from './support/expect.js';
import { MetricsService } from '../apps/drill-server/src/health/metrics.service.js';
import { bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { DrillClient, sleep } from './support/drill-client.js';
import { createDatabase, type ScratchDatabase } from './support/cluster.js';
import { act, createExercise, saveScenario } from './support/drill.js';

const METRICS_TOKEN = 'prometheus-0123456789';
type Tally = { read: number; write: number; transaction: number };

// I-1 goes out at the start; I-3 follows a team's first matching report on it (every report below matches); I-2
// keeps the drill running (and its wake-up far away) while the test measures.
const SCENARIO = `id: statements-drill
title: Statement count drill
summary: One inject at the start, one much later.
plannedDuration: "+99:00"
injects:
  - id: I-1
    offset: "+00:00"
    title: Ransomware at a hospital
    body: Encrypted file servers.
    targets: all
    severity: high
    tlp: TLP:AMBER
  - id: I-3
    title: Follow-up to a malware report
    body: The hospital asks for help.
    targets: all
    severity: medium
    tlp: TLP:AMBER
    trigger:
      ifReportMatches: { inject: I-1, classification: { class: malicious-code, type: infected-system } }
  - id: I-2
    offset: "+90:00"
    title: Closing call
    body: Status, please.
    targets: all
    severity: low
    tlp: TLP:GREEN
`;

describe.each(['SQLite', 'PostgreSQL'] as const)('report ingest statements on %s', (store) => {
  let s: TestServer;
  let db: ScratchDatabase | undefined;
  let exerciseId: string;
  const tokens: Record<string, string> = {};
  const users: Record<string, string> = {};
  const teams: Record<string, string> = {};
  const clients: Record<string, DrillClient> = {};

  const parse = (text: string): Tally => {
    const tally = { read: 0, write: 0, transaction: 0 };
    for (const kind of Object.keys(tally) as (keyof Tally)[]) {
      const m = new RegExp(`^drill_db_statements_total\\{kind="${kind}"\\} (\\d+)$`, 'm').exec(text);
      if (!m) throw new Error(`no drill_db_statements_total{kind="${kind}"} in ${text.slice(0, 300)}`);
      tally[kind] = Number(m[1]);
    }
    return tally;
  };
  /**
   * The server's statement counter, read in the process from the registry /metrics serves. Not through /metrics
   * itself: a scrape runs the other collectors too, and drill_stalled_exercises reads the database.
   */
  const statements = async () =>
    parse(await s.app.get(MetricsService).registry.getSingleMetricAsString('drill_db_statements_total'));
  const diff = (a: Tally, b: Tally): Tally => ({
    read: b.read - a.read,
    write: b.write - a.write,
    transaction: b.transaction - a.transaction,
  });

  /** Waits until the server sends nothing for a while (the score update after a report runs 250 ms later). */
  async function quiet(): Promise<Tally> {
    let last = await statements();
    for (let i = 0; i < 50; i++) {
      await sleep(400);
      const now = await statements();
      if (JSON.stringify(now) === JSON.stringify(last)) return now;
      last = now;
    }
    throw new Error('the server never went quiet');
  }

  /** The statements `work` costs, on a quiet server. */
  async function cost(work: () => Promise<void>): Promise<Tally> {
    const before = await quiet();
    await work();
    return diff(before, await statements());
  }

  const report = (title: string) => ({
    kind: 'notification',
    injectIds: ['I-1'],
    title,
    tlp: 'TLP:AMBER',
    recipients: { teams: ['T2'] },
    classification: { class: 'malicious-code', type: 'infected-system' },
    iocs: [
      { type: 'ip-dst', value: '203.0.113[.]7', toIds: true },
      { type: 'domain', value: 'c2.evil[.]example', toIds: true },
    ],
  });
  const post = (who: string, body: Record<string, unknown>) =>
    s.http().post(`/api/exercises/${exerciseId}/ism/reports`).set(bearer(tokens[who]!)).send(body);
  const pushed = (who: string) =>
    clients[who]!.events.filter((e) => e.event === 'ism.report').map((e) => (e.data as { title: string }).title);

  beforeAll(async () => {
    if (store === 'PostgreSQL') db = await createDatabase('statements');
    s = await startServer({
      ...(db ? { DATABASE_URL: db.url } : {}),
      METRICS_TOKEN,
      REPORTS_PER_MINUTE: '0',
      // No periodic pass may run a statement inside a measurement.
      DRILL_RESYNC_INTERVAL_MS: '60000',
      DRILL_SWEEP_INTERVAL_MS: '60000',
    });
    const T1 = await createTeam(s, 'T1');
    const T2 = await createTeam(s, 'T2');
    const T3 = await createTeam(s, 'T3');
    Object.assign(teams, { T1, T2, T3 });
    for (const [name, role, team] of [
      ['a1', 'participant', T1],
      ['a2', 'participant', T1],
      ['b1', 'participant', T2],
      ['c1', 'participant', T3],
      ['c2', 'participant', T3],
      ['control', 'evaluator', undefined],
    ] as const) {
      const u = await createUser(s, role, team, name);
      tokens[name] = u.token;
      users[name] = u.id;
    }
    await saveScenario(s, SCENARIO);
    exerciseId = (
      await createExercise(s, { scenarioId: 'statements-drill', name: 'statements', speed: 1, teamIds: [T1, T2, T3] })
    ).id;
    for (const name of Object.keys(tokens))
      clients[name] = await new DrillClient(s.url, tokens[name]!, exerciseId).connect();
    await act(s, exerciseId, 'start');
    for (const name of ['a1', 'a2', 'b1', 'c1'])
      await clients[name]!.waitFor(() => clients[name]!.injects.length === 1, 5000, `I-1 to ${name}`);
  });
  afterAll(async () => {
    Object.values(clients).forEach((c) => c.disconnect());
    await s?.close();
    await db?.drop();
  });

  it('serves the counter on /metrics', async () => {
    const r = await s.http().get('/metrics').set(bearer(METRICS_TOKEN));
    expect(r.status).toBe(200);
    const scraped = parse(r.text);
    expect(scraped.read + scraped.write).toBeGreaterThan(0);
    expect(r.text).toContain('# TYPE drill_db_statements_total counter');
  });

  it('counts every statement the server sends: a participant listing reports costs three reads', async () => {
    await s.http().get(`/api/exercises/${exerciseId}/ism/reports`).set(bearer(tokens.b1!)); // enrolment cached
    const listing = await cost(async () => {
      const r = await s.http().get(`/api/exercises/${exerciseId}/ism/reports`).set(bearer(tokens.b1!));
      expect(r.status).toBe(200);
    });
    // The bearer token, the exercise, its reports (enrolment comes from memory after the first request).
    expect(listing).toEqual({ read: 3, write: 0, transaction: 0 });
  });

  it('stores a report in at most three statements over HTTP: sign-in, the report with its IOCs, its audit row', async () => {
    // The caches fill once, and the team's first matching report fires I-3: the conditional-inject check runs once.
    expect((await post('a1', report('warm-up over HTTP'))).status).toBe(201);
    await clients.a1!.waitFor(() => clients.a1!.injects.some((i) => i.injectId === 'I-3'), 5000, 'I-3 to a1');
    for (let n = 0; n < 3; n++) {
      let id = '';
      const spent = await cost(async () => {
        const r = await post('a1', report(`HTTP ${n}`));
        expectAs(r.status, JSON.stringify(r.body)).toBe(201);
        id = r.body.id;
      });
      // read: the bearer token; write: the report (IOCs in its row) and its audit row; BEGIN and COMMIT around them.
      expect(spent).toEqual({ read: 1, write: 2, transaction: 2 });
      expect(spent.read + spent.write).toBeLessThanOrEqual(3);
      const audit = await s.http().get(`/api/exercises/${exerciseId}/timeline`).set(bearer(tokens.control!));
      expect(audit.status).toBe(200);
      expect(audit.body.entries.some((e: { reportId?: string }) => e.reportId === id)).toBe(true);
    }
  });

  it('stores a report in at most three statements over the socket (two: the report and its audit row)', async () => {
    const emit = (title: string) => clients.a2!.emitWithAck('ism.report', report(title));
    expect(await emit('warm-up over the socket')).toEqual({ ok: true, id: expect.any(String) });
    for (let n = 0; n < 3; n++) {
      const spent = await cost(async () => {
        expect(await emit(`socket ${n}`)).toEqual({ ok: true, id: expect.any(String) });
      });
      expect(spent).toEqual({ read: 0, write: 2, transaction: 2 });
    }
  });

  it('pushes each report to its TLP audience only, once', async () => {
    const r = await post('a1', {
      ...report('audience check'),
      recipients: { teams: ['T2'], users: [users.c2] },
    });
    expect(r.status).toBe(201);
    for (const name of ['a1', 'a2', 'b1', 'c2', 'control'])
      await clients[name]!.waitFor(() => pushed(name).includes('audience check'), 5000, `push to ${name}`);
    await sleep(300);
    expect(pushed('c1')).not.toContain('audience check'); // T3, not named
    expect(clients.b1!.injects.map((i) => i.injectId)).toEqual(['I-1']); // T2 sent no report: no I-3
    for (const name of ['a1', 'a2', 'b1', 'c2', 'control'])
      expectAs(pushed(name).filter((t) => t === 'audience check').length, name).toBe(1);
  });

  it('takes a report on an inject released elsewhere: memory misses, the database answers', async () => {
    const onI2 = { ...report('on I-2'), injectIds: ['I-2'] };
    const early = await post('a1', onI2);
    expect(early.status).toBe(422);
    expect(early.body.details).toEqual([
      { path: '/injectIds/0', message: 'inject I-2 has not been released to your team' },
    ]);
    // Another replica's release: committed in the database, never announced to this process.
    await s.app
      .get(DataSource)
      .createQueryBuilder()
      .update(DeliveryEntity)
      .set({ status: 'released' })
      .where({ exerciseId, injectId: 'I-2', teamId: teams.T1 })
      .execute();
    const r = await post('a1', onI2);
    expectAs(r.status, JSON.stringify(r.body)).toBe(201);
  });

  it('sees a pause and ENDEX at once, though the exercise is remembered between reports', async () => {
    await act(s, exerciseId, 'pause');
    const paused = await post('a1', report('while paused'));
    expect(paused.status).toBe(201);
    const state = await s.http().get(`/api/exercises/${exerciseId}`).set(bearer(tokens.control!));
    expect(paused.body.submittedScenarioMs).toBe(state.body.clock.scenarioMs); // on the paused clock
    await act(s, exerciseId, 'complete');
    const after = await post('a1', report('after ENDEX'));
    expect(after.status).toBe(409);
    // A report that is also wrong is still refused for the exercise's state first.
    const wrong = await post('a1', { ...report('wrong, after ENDEX'), tlp: 'TLP:PURPLE' });
    expect(wrong.status).toBe(409);
    const bySocket = await clients.a2!.emitWithAck('ism.report', report('socket after ENDEX'));
    expect(bySocket).toEqual({ error: expect.objectContaining({ statusCode: 409 }) });
  });
});
