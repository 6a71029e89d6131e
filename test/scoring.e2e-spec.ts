import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HANDLING_COSTS } from '../libs/scoring/src/index.js';
import { expectAs } from './support/expect.js';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { DrillClient, sleep, waitUntil } from './support/drill-client.js';
import { act, createExercise, fixture, saveScenario, timeline } from './support/drill.js';

const SHA = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const close = (actual: number | null | undefined, expected: number) =>
  expect(Math.abs((actual as number) - expected)).toBeLessThan(1e-6);

describe('scoring a drill end to end', () => {
  let s: TestServer;
  let exerciseId: string;
  let teams: Record<'SG' | 'MY' | 'BN', string>;
  let users: Record<'SG' | 'MY' | 'BN', { id: string; token: string }>;
  let evaluator: { id: string; token: string };
  const clients: DrillClient[] = [];
  let control: DrillClient;
  let observer: DrillClient;

  beforeAll(async () => {
    s = await startServer();
    teams = { SG: await createTeam(s, 'SG'), MY: await createTeam(s, 'MY'), BN: await createTeam(s, 'BN') };
    users = {
      SG: await createUser(s, 'participant', teams.SG),
      MY: await createUser(s, 'participant', teams.MY),
      BN: await createUser(s, 'participant', teams.BN),
    };
    evaluator = await createUser(s, 'evaluator');
    await saveScenario(s, fixture('scoring-drill.yaml'));
    exerciseId = (
      await createExercise(s, {
        scenarioId: 'scoring-test-drill',
        name: 'scoring',
        speed: 60,
        teamIds: Object.values(teams),
      })
    ).id;
    control = await new DrillClient(s.url, ADMIN_TOKEN, exerciseId).connect();
    observer = await new DrillClient(s.url, (await createUser(s, 'observer')).token, exerciseId).connect();
    const sg = await new DrillClient(s.url, users.SG.token, exerciseId).connect();
    const my = await new DrillClient(s.url, users.MY.token, exerciseId).connect();
    clients.push(control, sg, my, observer);
    await act(s, exerciseId, 'start');
    await sg.waitFor(() => sg.injects.length === 1, 5000, 'S-01');
    await my.waitFor(() => my.injects.length === 1, 5000, 'S-01');

    // SG: on target (within 1 scenario minute = 1 s), over the socket.
    const sgAck = await sg.emitWithAck<{ id?: string; error?: unknown }>('ism.report', {
      kind: 'notification',
      injectIds: ['S-01'],
      title: 'Infected file server',
      tlp: 'TLP:AMBER',
      recipients: { teams: ['MY', 'BN'] },
      classification: { class: 'malicious-code', type: 'infected-system' },
      determination: 'confirmed',
      severity: 'high',
      iocs: [
        { type: 'ip-dst', value: '203.0.113[.]7', toIds: true },
        { type: 'hostname', value: 'EVIL[.]example', toIds: true },
        { type: 'ip-dst', value: '198.51.100.1', toIds: false },
      ],
      timeline: [{ at: '2026-11-25T09:00:00Z', event: 'EDR alert' }],
      actions: [{ text: 'We isolated fs01 from the network' }],
    });
    expectAs(sgAck.id, JSON.stringify(sgAck)).toBeDefined();
    // MY: between target and deadline (about 2 scenario minutes after release).
    await sleep(2000 - (Date.now() - my.injects[0]!.receivedAt));
    const myAck = await my.emitWithAck<{ id?: string; error?: unknown }>('ism.report', {
      kind: 'notification',
      injectIds: ['S-01'],
      title: 'Suspicious domain',
      tlp: 'TLP:GREEN',
      recipients: { teams: 'all' },
      classification: { class: 'malicious-code', type: 'c2-server' },
      severity: 'medium',
      affectedAssets: [{ kind: 'server', identifier: 'fs01' }],
      iocs: [
        { type: 'domain', value: 'evil.example', toIds: true },
        { type: 'sha256', value: SHA.toUpperCase(), toIds: true },
      ],
      actions: [{ code: 'NOTIFY', text: 'told the regulator' }],
      recommendations: ['Patch the VPN gateway'],
    });
    expectAs(myAck.id, JSON.stringify(myAck)).toBeDefined();
    // After the deadline (3 scenario minutes): must not count towards completeness.
    await sleep(3600 - (Date.now() - my.injects[0]!.receivedAt));
    const late = await my.emitWithAck<{ id?: string }>('ism.report', {
      kind: 'update',
      injectIds: ['S-01'],
      title: 'Late: the C2 IP',
      tlp: 'TLP:AMBER',
      iocs: [{ type: 'ip-dst', value: '203.0.113.7', toIds: true }],
    });
    expect(late.id).toBeDefined();
  });
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await s.close();
  });

  const card = async (token = evaluator.token) => {
    const r = await s.http().get(`/api/exercises/${exerciseId}/scorecards`).set(bearer(token));
    expect(r.status).toBe(200);
    return r.body;
  };
  const injectOf = (body: any, code: string) => body.teams.find((t: { code: string }) => t.code === code).injects[0];

  it('gives the hand-computed figures, to 1e-6, with their explanations', async () => {
    const body = await card();
    const rows = (await timeline(s, exerciseId)).filter((e) => e.kind === 'delivery' || e.kind === 'report');
    const released = (code: string) =>
      rows.find((e) => e.kind === 'delivery' && e.teamCode === code).releasedScenarioMs / 60000;
    const submitted = (title: string) =>
      rows.find((e) => e.kind === 'report' && e.title === title).submittedScenarioMs / 60000;

    // SG — IOCs: expected weights 2 (critical) + 1 + 1 = 4; matched ip (2) and domain via hostname (1): R = 3/4.
    // Precision: 2 matched, 1 decoy reported: P = 2/3. F2 = 5PR / (4P + R).
    const sgR = 3 / 4;
    const sgP = 2 / 3;
    const sgF2 = (5 * sgP * sgR) / (4 * sgP + sgR);
    // classification exact 1; severity exact 1; actions ISOLATE (2 of 3) by keyword; recipients BN reached, AMBER ≤ AMBER: 1;
    // structure: classification, determination, severity, IOCs, timeline, actions filled; assets, recommendations not: 6/8.
    const sgC = 0.35 * sgF2 + 0.15 * 1 + 0.05 * 1 + 0.2 * (2 / 3) + 0.15 * 1 + 0.1 * (6 / 8);
    const sgT = 1; // reported within the 1-minute target
    const sg = injectOf(body, 'SG');
    expect(submitted('Infected file server') - released('SG')).toBeLessThanOrEqual(1);
    close(sg.completeness.components.iocs.score, sgF2);
    close(sg.completeness.value, sgC);
    close(sg.timeliness.value, sgT);
    // Handling: the AMBER report also went to MY, whom the key does not name, and carried the decoy as an indicator:
    // the inject score is scaled by 1 − the two costs (never below 0).
    const sgH = Math.max(0, 1 - HANDLING_COSTS.widenedAudience - HANDLING_COSTS.decoyShared);
    expect(sg.handling.faults.map((f: { kind: string }) => f.kind)).toEqual(['widened-audience', 'decoy-shared']);
    close(sg.final.score, (0.3 * sgT + 0.7 * sgC) * sgH);
    expect(sg.explanation.handling).toMatch(/decoy shared/);
    expect(sg.explanation.components.iocs).toMatch(/decoy/i);
    expect(sg.completeness.components.iocs.decoysReported.map((d: { value: string }) => d.value)).toEqual([
      '198.51.100.1',
    ]);

    // MY — IOCs: domain (1) + sha256 (1) of 4: R = 1/2, P = 1, F2 = 2.5/4.5, capped at 0.5 (critical IP missed).
    const myF2 = Math.min((5 * 1 * 0.5) / (4 * 1 + 0.5), 0.5);
    // classification: right class, wrong type 0.5; severity medium vs high: 1 − 1/3; actions NOTIFY by code: 1/3;
    // recipients: BN reached via "all" but GREEN is looser than the AMBER maximum: 1 × 0.5;
    // structure: classification, severity, assets, IOCs, actions, recommendations: 6/8. The late report does not count.
    const myC = 0.35 * myF2 + 0.15 * 0.5 + 0.05 * (1 - 1 / 3) + 0.2 * (1 / 3) + 0.15 * 0.5 + 0.1 * (6 / 8);
    const t = submitted('Suspicious domain') - released('MY');
    expect(t).toBeGreaterThan(1);
    expect(t).toBeLessThan(3);
    const myT = 1 - (1 - 0.2) * ((t - 1) / (3 - 1));
    const my = injectOf(body, 'MY');
    close(my.completeness.components.iocs.score, myF2);
    close(my.completeness.value, myC);
    close(my.timeliness.value, myT);
    // Handling: GREEN where AMBER is the most allowed breaks the sharing restriction.
    const myH = Math.max(0, 1 - HANDLING_COSTS.looserTlp);
    expect(my.handling.faults.map((f: { kind: string }) => f.kind)).toEqual(['looser-tlp']);
    close(my.final.score, (0.3 * myT + 0.7 * myC) * myH);
    expect(my.explanation.components.iocs).toMatch(/critical/i);
    close(body.teams.find((x: { code: string }) => x.code === 'MY').percent, 100 * (0.3 * myT + 0.7 * myC) * myH);

    // BN — no report: T 0, C 0.
    const bn = injectOf(body, 'BN');
    close(bn.timeliness.value, 0);
    close(bn.final.score, 0);

    // Objective OBJ-1: mean of the three inject scores, rated against 0.85 / 0.65 / 0.40.
    const mean = ((0.3 * sgT + 0.7 * sgC) * sgH + (0.3 * myT + 0.7 * myC) * myH + 0) / 3;
    const obj = body.objectives.find((o: { objectiveId: string }) => o.objectiveId === 'OBJ-1');
    close(obj.mean, mean);
    expect(obj.rating).toBe(mean >= 0.85 ? 'P' : mean >= 0.65 ? 'S' : mean >= 0.4 ? 'M' : 'U');
  });

  it('lets evaluators override with a justification, keeping the automatic figure and auditing it', async () => {
    const path = `/api/exercises/${exerciseId}/scores/${teams.BN}/S-01`;
    const none = await s.http().put(path).set(bearer(evaluator.token)).send({ completeness: 0.4 });
    expect(none.status).toBe(400);
    expect(none.body.details[0].path).toBe('/justification');
    const range = await s.http().put(path).set(bearer(evaluator.token)).send({ completeness: 1.4, justification: 'x' });
    expect(range.status).toBe(400);
    const ctl = await s
      .http()
      .put(path)
      .set(bearer(ADMIN_TOKEN))
      .send({ completeness: 0.4, justification: 'phoned in' });
    expect(ctl.status).toBe(403); // only evaluators override
    const r = await s
      .http()
      .put(path)
      .set(bearer(evaluator.token))
      .send({ completeness: 0.4, justification: 'Reported by phone to drill control at T+00:02' });
    expect(r.status).toBe(200);
    close(r.body.auto.score, 0);
    close(r.body.final.score, 0.3 * 0 + 0.7 * 0.4);
    expect(r.body.override).toMatchObject({
      completeness: 0.4,
      justification: 'Reported by phone to drill control at T+00:02',
    });
    const rating = await s
      .http()
      .put(`/api/exercises/${exerciseId}/ratings/OBJ-1`)
      .set(bearer(evaluator.token))
      .send({ rating: 'M', justification: 'Coordination with BN was weak' });
    expect(rating.status).toBe(200);
    expect(rating.body).toMatchObject({ rating: 'M', override: { rating: 'M' } });
    const events = (await timeline(s, exerciseId)).filter((e) => e.kind === 'event').map((e) => e.action);
    expect(events).toEqual(expect.arrayContaining(['score.override', 'rating.override']));
    const body = await card(ADMIN_TOKEN);
    close(injectOf(body, 'BN').final.score, 0.28);
  });

  it('keeps scores from teams: 403 on scorecards, score.update only in the control room', async () => {
    expect((await s.http().get(`/api/exercises/${exerciseId}/scorecards`).set(bearer(users.SG.token))).status).toBe(
      403,
    );
    expect(
      (await s.http().get(`/api/exercises/${exerciseId}/scorecards/${teams.SG}`).set(bearer(users.SG.token))).status,
    ).toBe(403);
    await waitUntil(() => control.events.some((e) => e.event === 'score.update'), 5000, 'score.update');
    const updates = control.events
      .filter((e) => e.event === 'score.update')
      .map((e) => (e.data as { teamId: string }).teamId);
    expect(updates).toEqual(expect.arrayContaining([teams.SG, teams.MY]));
    for (const c of clients.slice(1, 3)) expect(c.events.some((e) => e.event === 'score.update')).toBe(false);
    expect(observer.events.some((e) => e.event === 'score.update')).toBe(false); // observers watch, they do not read scores
  });
});
