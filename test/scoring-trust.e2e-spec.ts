import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectAs } from './support/expect.js';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { DrillClient } from './support/drill-client.js';
import { act, createExercise, saveScenario, timeline } from './support/drill.js';

// Issue 14: scores a team can trust and cannot game. While the drill runs, a team that may see its own scorecard
// sees its figures and what it did, never the answer key; publication of the AAR freezes the scores until an
// evaluator reopens it, and the published AAR always shows the scorecards' figures.

const SHA = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const SCENARIO = `
id: trust-drill
title: Scoring trust drill
summary: One inject with a full answer key; at speed 60 one scenario minute is one second.
plannedDuration: "+02:00"
objectives:
  - id: OBJ-1
    capability: Cybersecurity
    injects: [T-01]
injects:
  - id: T-01
    offset: "+00:01"
    title: Beaconing from a ministry mail server
    body: The SOC sees beaconing from mx02. Analyse and report.
    severity: high
    tlp: TLP:AMBER
    responseRequired: true
    targetMinutes: 30
    deadlineMinutes: 60
    answerKey:
      iocs:
        - { type: ip-dst, value: "203.0.113[.]7", weight: 2, critical: true }
        - { type: domain, value: "hidden-c2[.]example", weight: 1, critical: true }
        - { type: sha256, value: "${SHA}", weight: 1 }
      decoys:
        - { type: ip-dst, value: "198.51.100.99" }
      classification: { class: malicious-code, type: infected-system }
      severity: critical
      actions:
        - { code: ISOLATE-MAIL, keywords: [isolate], weight: 2 }
        - { code: RESET-CREDS, keywords: [password reset, credential], weight: 1 }
      recipients: [MY]
      maxTlp: TLP:AMBER
`;

/** What only the answer key (or drill control's reading of it) says; none of it may reach the team before ENDEX. */
const KEY_ONLY = [
  'hidden-c2', // missed critical IOC
  SHA, // missed IOC
  '198.51.100.99', // the team's own IOC, but listed only as a decoy
  'decoy',
  'infected-system',
  'malicious-code', // expected classification (the team gave fraud/phishing)
  'critical', // expected severity, critical flags, "critical missed"
  'ISOLATE-MAIL',
  'RESET-CREDS',
  'password reset',
  'credential', // expected actions, codes and keywords
  'missed',
  'expected',
  'recall',
  'precision',
  '"weight"',
  'injectWeights',
  'maxTlp',
  'halved',
  'capped',
  '"defined"',
  'otherReported',
  'looserTlp',
];
const leaks = (value: unknown) => {
  const text = JSON.stringify(value);
  return KEY_ONLY.filter((k) => text.includes(k));
};

const haveChromium = chromiumAvailable('the evaluator console check of frozen scores');

describe('scores a team can trust', () => {
  let s: TestServer;
  let exerciseId: string;
  const team: Record<string, string> = {};
  const tok: Record<string, string> = {};
  const clients: DrillClient[] = [];
  let sg: DrillClient;
  let my: DrillClient;

  const http = () => s.http();
  const get = (path: string, who: string) => http().get(`/api/exercises/${exerciseId}${path}`).set(bearer(tok[who]!));
  const post = (path: string, who: string, body: unknown = {}) =>
    http()
      .post(`/api/exercises/${exerciseId}${path}`)
      .set(bearer(tok[who]!))
      .send(body as object);
  const put = (path: string, who: string, body: unknown) =>
    http()
      .put(`/api/exercises/${exerciseId}${path}`)
      .set(bearer(tok[who]!))
      .send(body as object);

  /** Every figure of the live scorecards, keyed for comparison with the AAR. */
  async function cardFigures() {
    const r = await get('/scorecards', 'evaluator').expect(200);
    const out: Record<string, unknown> = {};
    for (const t of r.body.teams) {
      out[`${t.code}`] = { percent: t.percent, autoPercent: t.autoPercent };
      for (const i of t.injects)
        out[`${t.code}/${i.injectId}`] = {
          timeliness: i.auto.timeliness,
          completeness: i.auto.completeness,
          override:
            i.override === undefined
              ? null
              : { timeliness: i.override.timeliness, completeness: i.override.completeness },
          auto: i.auto.score,
          final: i.final.score,
        };
    }
    for (const o of r.body.objectives)
      for (const pt of o.perTeam) {
        const code = r.body.teams.find((t: any) => t.teamId === pt.teamId).code;
        out[`${code}@${o.objectiveId}`] = { rating: pt.rating, mean: pt.mean };
      }
    return { figures: out, frozen: r.body.scoresFrozen as boolean };
  }

  /** The same figures as the AAR states them. */
  async function aarFigures() {
    const r = await get('/report?format=json', 'evaluator').expect(200);
    const out: Record<string, unknown> = {};
    for (const t of r.body.scorecards) {
      out[`${t.code}`] = { percent: t.percent, autoPercent: t.autoPercent };
      for (const i of t.injects)
        out[`${t.code}/${i.injectId}`] = {
          timeliness: i.timeliness,
          completeness: i.completeness,
          override:
            i.override === null ? null : { timeliness: i.override.timeliness, completeness: i.override.completeness },
          auto: i.auto,
          final: i.final,
        };
      for (const o of t.objectiveRatings) out[`${t.code}@${o.objectiveId}`] = { rating: o.rating, mean: o.mean };
    }
    return { figures: out, status: r.body.state.status as string };
  }

  beforeAll(async () => {
    s = await startServer();
    for (const code of ['SG', 'MY']) {
      team[code] = await createTeam(s, code);
      tok[code] = (await createUser(s, 'participant', team[code], `${code} analyst`)).token;
    }
    tok.evaluator = (await createUser(s, 'evaluator', undefined, 'Eva Luator')).token;
    tok.observer = (await createUser(s, 'observer')).token;
    tok.controller = ADMIN_TOKEN;
    await saveScenario(s, SCENARIO);
    exerciseId = (
      await createExercise(s, {
        scenarioId: 'trust-drill',
        name: 'trust',
        speed: 60,
        teamIds: Object.values(team),
        teamsSeeOwnScores: true,
      })
    ).id;
    sg = await new DrillClient(s.url, tok.SG!, exerciseId).connect();
    my = await new DrillClient(s.url, tok.MY!, exerciseId).connect();
    clients.push(sg, my);
    await act(s, exerciseId, 'start');
    await sg.waitFor(() => sg.injects.length === 1, 5000, 'T-01 at SG');
    await my.waitFor(() => my.injects.length === 1, 5000, 'T-01 at MY');
  });
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await s?.close();
  });

  it('shows a team no answer key while the drill runs: REST, explanation, socket pushes, AAR routes', async () => {
    const sent = await post('/ism/reports', 'SG', {
      kind: 'notification',
      injectIds: ['T-01'],
      title: 'Mail server beaconing',
      tlp: 'TLP:AMBER',
      recipients: { teams: [] },
      classification: { class: 'fraud', type: 'phishing' },
      severity: 'medium',
      iocs: [
        { type: 'ip-dst', value: '203.0.113[.]7', toIds: true },
        { type: 'ip-dst', value: '198.51.100.99', toIds: true },
        { type: 'domain', value: 'unrelated.example', toIds: false },
      ],
      actions: [{ text: 'Asked the ministry to isolate mx02' }],
    });
    expectAs(sent.status, JSON.stringify(sent.body)).toBe(201);
    await post('/ism/reports', 'MY', {
      kind: 'early-warning',
      injectIds: ['T-01'],
      title: 'Seen it too',
      tlp: 'TLP:AMBER',
      recipients: { teams: [] },
    }).expect(201);

    // Drill control sees everything: what was missed, the decoy, what was expected.
    const full = (await get(`/scorecards/${team.SG}`, 'evaluator').expect(200)).body;
    const fullInject = full.teams[0].injects[0];
    expect(fullInject.completeness.components.iocs.missed.map((m: any) => m.value)).toEqual(
      expect.arrayContaining(['hidden-c2.example', SHA]),
    );
    expect(fullInject.completeness.components.iocs.decoysReported.map((d: any) => d.value)).toEqual(['198.51.100.99']);
    expect(fullInject.completeness.components.classification.expected).toEqual({
      class: 'malicious-code',
      type: 'infected-system',
    });
    expect(fullInject.explanation.components.iocs).toMatch(/missed .*hidden-c2/);

    // The team: its figures and what it did, nothing of the key.
    const own = await get(`/scorecards/${team.SG}`, 'SG');
    expectAs(own.status, JSON.stringify(own.body)).toBe(200);
    expect(leaks(own.body)).toEqual([]);
    expect(own.body.redacted).toBe(true);
    expect(full.redacted).toBe(false);
    const mine = own.body.teams[0];
    const i = mine.injects[0];
    expect(mine.percent).toBe(full.teams[0].percent);
    expect(i.final).toEqual(fullInject.final);
    expect(i.auto).toEqual(fullInject.auto);
    expect(i.timeliness.value).toBe(fullInject.timeliness.value);
    expect(i.completeness.value).toBe(fullInject.completeness.value);
    expect(i.completeness.components.iocs.matched).toEqual([
      { type: 'ip-dst', value: '203.0.113.7', reportId: sent.body.id },
    ]);
    expect(i.completeness.components.classification.given).toEqual({ class: 'fraud', type: 'phishing' });
    expect(i.completeness.components.actions.matched).toEqual([
      { reportId: sent.body.id, actionText: 'Asked the ministry to isolate mx02' },
    ]);
    expect(i.explanation.components.iocs).toBe(`your IOCs that counted: ip-dst 203.0.113.7 from ${sent.body.id}`);
    expect(i.explanation.withheld).toMatch(/ENDEX/);
    // Still only its own, and never the AAR.
    expect((await get('/scorecards', 'SG')).status).toBe(403);
    expect((await get(`/scorecards/${team.MY}`, 'SG')).status).toBe(403);
    for (const path of ['/report?format=json', '/report?format=csv', '/report?format=html', '/aar'])
      expectAs((await get(path, 'SG')).status, path).toBe(403);

    // Socket pushes to the team carry figures only, and only its own.
    await sg.waitFor(() => sg.events.some((e) => e.event === 'score.update'), 5000, 'score.update at SG');
    await my.waitFor(() => my.events.some((e) => e.event === 'score.update'), 5000, 'score.update at MY');
    for (const [c, code] of [
      [sg, 'SG'],
      [my, 'MY'],
    ] as const) {
      const pushes = c.events.filter((e) => e.event === 'score.update').map((e) => e.data as any);
      for (const u of pushes) {
        expect(u.teamId).toBe(team[code]);
        expect(Object.keys(u).sort()).toEqual(['autoPercent', 'exerciseId', 'injects', 'percent', 'teamId']);
        for (const x of u.injects) expect(Object.keys(x).sort()).toEqual(['final', 'injectId']);
        expect(leaks(u)).toEqual([]);
      }
    }
  });

  it('opens the full explanation to the team after ENDEX', async () => {
    await act(s, exerciseId, 'complete');
    const own = (await get(`/scorecards/${team.SG}`, 'SG').expect(200)).body;
    const i = own.teams[0].injects[0];
    expect(i.completeness.components.iocs.missed.map((m: any) => m.value)).toEqual(
      expect.arrayContaining(['hidden-c2.example', SHA]),
    );
    expect(i.completeness.components.iocs.decoysReported.map((d: any) => d.value)).toEqual(['198.51.100.99']);
    expect(i.explanation.components.iocs).toMatch(/decoys reported/);
    expect(i.explanation.components.classification).toMatch(/expected malicious-code\/infected-system/);
    // Still its own only: no other team's scores, no objective comparison, no per-inject weights.
    expect(own.teams.map((t: any) => t.teamId)).toEqual([team.SG]);
    expect(own.objectives).toEqual([]);
    expect((await get(`/scorecards/${team.MY}`, 'SG')).status).toBe(403);
    expect(own.method.injectWeights).toBeUndefined();
    expect(own.redacted).toBe(false);
  });

  it('freezes scores on publication: 409 on overrides until an evaluator reopens the AAR, with a reason', async () => {
    // Before publication an override is taken.
    await put(`/scores/${team.MY}/T-01`, 'evaluator', { completeness: 0.5, justification: 'phoned in' }).expect(200);

    const pub = await post('/aar/publish', 'evaluator');
    expectAs(pub.status, JSON.stringify(pub.body)).toBe(200);
    const published = await aarFigures();
    expect(published.status).toBe('published');
    let live = await cardFigures();
    expect(live.figures).toEqual(published.figures);

    // Published is final: overrides and rating changes are refused, and so is a late report.
    const ov = await put(`/scores/${team.SG}/T-01`, 'evaluator', { completeness: 1, justification: 'late re-review' });
    expectAs(ov.status, JSON.stringify(ov.body)).toBe(409);
    expect(ov.body.message).toMatch(/reopen/);
    const rating = await put('/ratings/OBJ-1', 'evaluator', { rating: 'P', justification: 'generous' });
    expectAs(rating.status, JSON.stringify(rating.body)).toBe(409);
    const late = await post('/ism/reports', 'SG', {
      kind: 'update',
      injectIds: ['T-01'],
      title: 'Late: the missed C2',
      tlp: 'TLP:AMBER',
      iocs: [{ type: 'domain', value: 'hidden-c2.example', toIds: true }],
    });
    expect(late.status).toBe(409);
    live = await cardFigures();
    expect(live.figures).toEqual(published.figures);
    expect(live.frozen).toBe(true); // the console hides its forms on this
    expect((await aarFigures()).figures).toEqual(published.figures);

    // Reopening: evaluators only, with a reason.
    for (const who of ['SG', 'observer', 'controller'])
      expectAs((await post('/aar/reopen', who, { reason: 'x' })).status, who).toBe(403);
    const noReason = await post('/aar/reopen', 'evaluator', {});
    expect(noReason.status).toBe(422);
    expect(noReason.body.details.map((d: any) => d.path)).toEqual(['/reason']);
    expect((await post('/aar/reopen', 'evaluator', { reason: '   ' })).status).toBe(422);
    const reopened = await post('/aar/reopen', 'evaluator', { reason: 'SG phoned in the C2 domain at T+00:20' });
    expectAs(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    expect(reopened.body.state).toEqual({ status: 'draft' });
    expect((await post('/aar/reopen', 'evaluator', { reason: 'again' })).status).toBe(409);
    expect((await get('/aar', 'evaluator').expect(200)).body.state).toEqual({ status: 'draft' });
    expect((await cardFigures()).frozen).toBe(false);

    // Draft again: the correction goes in, and the republished AAR carries it.
    await put(`/scores/${team.SG}/T-01`, 'evaluator', { completeness: 1, justification: 'C2 domain by phone' }).expect(
      200,
    );
    await post('/aar/publish', 'evaluator').expect(200);
    const republished = await aarFigures();
    expect(republished.figures).toEqual((await cardFigures()).figures);
    expect(republished.figures['SG/T-01']).toMatchObject({ override: { completeness: 1 } });
    expect(republished.figures['SG/T-01']).not.toEqual(published.figures['SG/T-01']);

    // On record: both publications and the reopening with its reason; the refused override left no trace.
    const events = (await timeline(s, exerciseId)).filter((e) => e.kind === 'event');
    expect(events.filter((e) => e.action === 'aar.publish')).toHaveLength(2);
    const reopen = events.filter((e) => e.action === 'aar.reopen');
    expect(reopen).toHaveLength(1);
    expect(reopen[0].after).toMatchObject({
      reason: 'SG phoned in the C2 domain at T+00:20',
      state: { status: 'draft' },
    });
    expect(reopen[0].before).toMatchObject({ state: { status: 'published' } });
    expect(events.filter((e) => e.action === 'score.override')).toHaveLength(2);
  });

  it('keeps the published AAR and the scorecards in agreement when publication races overrides', async () => {
    await post('/aar/reopen', 'evaluator', { reason: 'race check' }).expect(200);
    // Overrides in flight on both teams while the AAR is published: each lands before publication (and is in the
    // AAR) or is refused; none may slip in between the report being assembled and the state moving to published.
    const overrides = Array.from({ length: 24 }, (_, k) =>
      put(`/scores/${k % 2 ? team.MY : team.SG}/T-01`, 'evaluator', {
        completeness: (k + 1) / 100,
        justification: `race ${k}`,
      }),
    );
    const [published, ...results] = await Promise.all([post('/aar/publish', 'evaluator'), ...overrides]);
    expectAs(published!.status, JSON.stringify(published!.body)).toBe(200);
    for (const r of results) expectAs(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(200);
    expect(results.map((r) => r.status).filter((x) => x !== 200 && x !== 409)).toEqual([]);
    expect((await aarFigures()).figures).toEqual((await cardFigures()).figures);
  });

  (haveChromium ? it : it.skip)(
    'hides the override and rating forms on the evaluator console while the AAR is published',
    async () => {
      const browser: Browser = await launchChromium();
      try {
        const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
        page.setDefaultTimeout(20_000);
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`${s.url}/`);
        await page.getByLabel('Access token', { exact: true }).fill(tok.evaluator!);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.goto(`${s.url}/evaluator.html?exercise=${exerciseId}`);
        await page.locator('#aar-state', { hasText: 'Published' }).waitFor();
        await page.locator('#frozen-note').waitFor({ state: 'visible' });
        await page.locator('#team-buttons button[data-team="SG"]').click();
        await page.locator('details[data-score="SG-T-01"] summary').click();
        expect(await page.getByRole('button', { name: 'Save override' }).count()).toBe(0);
        expect(await page.locator('#objectives form').count()).toBe(0);

        // Reopening through the console, with its reason, brings the forms back.
        await page.getByRole('button', { name: 'Reopen AAR' }).click();
        await page.locator('#reopen-form .error-box', { hasText: 'Say why' }).waitFor();
        await page.getByLabel('Reason for reopening').fill('Console check');
        await page.getByRole('button', { name: 'Reopen AAR' }).click();
        await page.locator('#aar-state', { hasText: 'Draft' }).waitFor();
        await page.locator('#frozen-note').waitFor({ state: 'hidden' });
        await page.locator('details[data-score="SG-T-01"] form').waitFor({ state: 'attached' });
        expect(await page.locator('#objectives form').count()).toBeGreaterThan(0);
        expect(errors).toEqual([]);
        expect((await get('/aar', 'evaluator').expect(200)).body.state).toEqual({ status: 'draft' });
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
