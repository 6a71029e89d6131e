import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { createDatabase, type ScratchDatabase } from './support/cluster.js';
import { act, createExercise, fixture, saveScenario, timeline } from './support/drill.js';
import { requireService } from './support/services.js';

// aar-drill.yaml: OBJ-1 (Operational Communications, I-01) and OBJ-2 (Cybersecurity, I-02).
const form = (over: Record<string, unknown> = {}) => ({
  objectiveRatings: [
    { objectiveId: 'OBJ-1', rating: 4 },
    { objectiveId: 'OBJ-2', rating: 2 },
  ],
  capabilityRatings: [{ capability: 'Cybersecurity', rating: 3 }],
  ...over,
});

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const haveChromium = chromiumAvailable('the browser check of the feedback form');

describe('participant feedback after ENDEX', () => {
  let s: TestServer;
  let exerciseId: string;
  const tok: Record<string, string> = {};
  const id: Record<string, string> = {};

  const post = (who: string, body: unknown, ex = exerciseId) =>
    s
      .http()
      .post(`/api/exercises/${ex}/feedback`)
      .set(bearer(tok[who]!))
      .send(body as object);
  const get = (who: string, path = '/feedback') =>
    s.http().get(`/api/exercises/${exerciseId}${path}`).set(bearer(tok[who]!));

  beforeAll(async () => {
    s = await startServer();
    const team: Record<string, string> = {};
    for (const code of ['SG', 'MY', 'BN']) team[code] = await createTeam(s, code);
    for (const [who, code, name] of [
      ['sg', 'SG', 'Quiet Analyst Tan'],
      ['sg2', 'SG', 'Browser Analyst Lim'],
      ['my', 'MY', 'Named Analyst Siti'],
      ['bn', 'BN', 'BN analyst'],
    ] as const) {
      const u = await createUser(s, 'participant', team[code], name);
      tok[who] = u.token;
      id[who] = u.id;
    }
    tok.evaluator = (await createUser(s, 'evaluator')).token;
    tok.observer = (await createUser(s, 'observer')).token;
    tok.controller = ADMIN_TOKEN;
    await saveScenario(s, fixture('aar-drill.yaml'));
    exerciseId = (
      await createExercise(s, {
        scenarioId: 'aar-test-drill',
        name: 'Feedback drill',
        speed: 60,
        teamIds: [team.SG, team.MY],
      })
    ).id;
    // BN plays another exercise of the same scenario.
    await createExercise(s, { scenarioId: 'aar-test-drill', name: 'Other drill', speed: 60, teamIds: [team.BN] });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('is refused before ENDEX (409), and the form shows nothing to rate during play', async () => {
    await act(s, exerciseId, 'start');
    const r = await post('sg', form()).expect(409);
    expect(r.body.message).toMatch(/after ENDEX/);
    const mine = (await get('sg').expect(200)).body;
    expect(mine).toMatchObject({ open: false, status: 'running', objectives: [], mine: null });
    await act(s, exerciseId, 'complete');
  });

  it('names the field of an unknown objective or capability, a rating out of 1–5, and an over-long comment (400)', async () => {
    const unknown = await post('sg', form({ objectiveRatings: [{ objectiveId: 'OBJ-9', rating: 3 }] })).expect(400);
    expect(unknown.body.details).toEqual([
      { path: '/objectiveRatings/0/objectiveId', message: expect.stringContaining('OBJ-9') },
    ]);
    const cap = await post('sg', form({ capabilityRatings: [{ capability: 'Mass Care', rating: 3 }] })).expect(400);
    expect(cap.body.details[0].path).toBe('/capabilityRatings/0/capability');
    const six = await post('sg', form({ objectiveRatings: [{ objectiveId: 'OBJ-1', rating: 6 }] })).expect(400);
    expect(six.body.details.map((d: { path: string }) => d.path)).toEqual(['/objectiveRatings/0/rating']);
    const long = await post('sg', form({ strengths: 'x'.repeat(2001) })).expect(400);
    expect(long.body.details[0].path).toBe('/strengths');
    // Nothing was stored by the refused forms.
    expect((await get('sg').expect(200)).body.mine).toBeNull();
  });

  it('is for participants of the exercise only (403 for drill control and for another exercise)', async () => {
    await post('controller', form()).expect(403);
    await post('evaluator', form()).expect(403);
    await post('bn', form()).expect(403);
    await get('bn').expect(403);
    await get('observer').expect(403);
  });

  it('takes one form per person: re-submitting replaces it, audited without its content', async () => {
    const first = await post('sg', form({ strengths: 'The ISM templates were quick to fill in.' })).expect(200);
    expect(first.body).toMatchObject({ replaced: false, anonymous: true });
    const again = await post(
      'sg',
      form({
        objectiveRatings: [{ objectiveId: 'OBJ-1', rating: 5 }],
        strengths: 'The ISM templates were quick to fill in.',
      }),
    ).expect(200);
    expect(again.body.replaced).toBe(true);
    const mine = (await get('sg').expect(200)).body;
    expect(mine.open).toBe(true);
    expect(mine.objectives.map((o: { id: string }) => o.id)).toEqual(['OBJ-1', 'OBJ-2']);
    expect(mine.capabilities).toEqual(['Operational Communications', 'Cybersecurity']);
    expect(mine.mine.objectiveRatings).toEqual([{ objectiveId: 'OBJ-1', rating: 5 }]);
    expect(mine.summary).toBeUndefined(); // a participant never reads the others' forms

    await post('my', form({ improvements: 'Inject I-02 needed the full sample.', anonymous: false })).expect(200);

    const events = (await timeline(s, exerciseId)).filter((e) => String(e.action).startsWith('feedback.'));
    expect(events.map((e) => [e.action, e.actorUserId])).toEqual([
      ['feedback.submit', id.sg],
      ['feedback.replace', id.sg],
      ['feedback.submit', id.my],
    ]);
    expect(JSON.stringify(events)).not.toContain('ISM templates');
  });

  it('gives evaluators the summary, one form per person, comments anonymised unless the writer opted out', async () => {
    const view = (await get('evaluator').expect(200)).body;
    expect(view.summary.respondents).toBe(2);
    expect(view.summary.objectives).toEqual([
      // SG's replaced form gives 5, MY's 4: the first SG form (4) is not counted.
      {
        objectiveId: 'OBJ-1',
        capability: 'Operational Communications',
        count: 2,
        mean: 4.5,
        distribution: [0, 0, 0, 1, 1],
      },
      { objectiveId: 'OBJ-2', capability: 'Cybersecurity', count: 1, mean: 2, distribution: [0, 1, 0, 0, 0] },
    ]);
    expect(view.summary.capabilities).toEqual([
      { capability: 'Operational Communications', count: 0, mean: null, distribution: [0, 0, 0, 0, 0] },
      { capability: 'Cybersecurity', count: 2, mean: 3, distribution: [0, 0, 2, 0, 0] },
    ]);
    const [sg, my] = view.summary.comments;
    expect(sg).toEqual({
      strengths: 'The ISM templates were quick to fill in.',
      submittedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(my).toMatchObject({
      improvements: 'Inject I-02 needed the full sample.',
      author: 'Named Analyst Siti',
      teamCode: 'MY',
    });
    expect(JSON.stringify(view)).not.toContain('Quiet Analyst Tan');
    expect((await get('controller').expect(200)).body.summary.respondents).toBe(2);
  });

  it('is summarised in the AAR: JSON, HTML and CSV, anonymised', async () => {
    const json = (await get('evaluator', '/report?format=json').expect(200)).body;
    expect(json.feedback.respondents).toBe(2);
    expect(json.feedback.objectives[0]).toMatchObject({ objectiveId: 'OBJ-1', count: 2, mean: 4.5 });
    expect(JSON.stringify(json)).not.toContain('Quiet Analyst Tan');
    expect(json.timeline.some((r: { detail?: string }) => String(r.detail).includes('feedback.'))).toBe(false);

    const html = (await get('evaluator', '/report?format=html').expect(200)).text;
    expect(html).toContain('Participant feedback</h2>');
    expect(html).toContain('The ISM templates were quick to fill in.');
    expect(html).toContain('Named Analyst Siti (MY)');
    expect(html).not.toContain('Quiet Analyst Tan');

    const csv = (await get('evaluator', '/report?format=csv').expect(200)).text;
    const [, second] = csv.split('\r\n\r\n');
    const rows = parse(second!, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.feedback_kind, r.feedback_item, r.responses, r.mean])).toEqual([
      ['objective', 'OBJ-1', '2', '4.5'],
      ['objective', 'OBJ-2', '1', '2'],
      ['capability', 'Operational Communications', '0', ''],
      ['capability', 'Cybersecurity', '2', '3'],
    ]);
  });

  (haveChromium ? it : it.skip)(
    'team console: the form after ENDEX, keyboard-usable radio groups; evaluator review: the summary',
    async () => {
      let browser: Browser | undefined;
      try {
        browser = await launchChromium();
        const errors: string[] = [];
        const open = async (token: string, path: string): Promise<Page> => {
          const ctx = await browser!.newContext({ viewport: { width: 1366, height: 900 } });
          // Signed in as the start page would leave it; sandboxed frames (the AAR preview) have no storage.
          await ctx.addInitScript({
            content: `if (window === window.top) localStorage.setItem('drill.token', ${JSON.stringify(token)})`,
          });
          const page = await ctx.newPage();
          page.setDefaultTimeout(20_000);
          page.on('pageerror', (e) => errors.push(e.message));
          await page.goto(`${s.url}/${path}?exercise=${exerciseId}`);
          return page;
        };
        const team = await open(tok.sg2!, 'team.html');
        await team.getByRole('heading', { name: 'Participant feedback' }).waitFor();
        const obj1 = team.getByRole('group', { name: 'OBJ-1 — Operational Communications' });
        await obj1.getByRole('radio', { name: '3 Neutral' }).check();
        // Arrow keys move within the radio group, as in any native one.
        await obj1.getByRole('radio', { name: '3 Neutral' }).press('ArrowRight');
        await expect(obj1.getByRole('radio', { name: '4 Agree' }).isChecked()).resolves.toBe(true);
        await team.getByLabel('Areas for improvement').fill('More time for the malware sample.');
        await expect(team.getByRole('checkbox', { name: /Anonymous/ }).isChecked()).resolves.toBe(true);
        mkdirSync(ARTIFACTS, { recursive: true });
        await team.locator('#feedback').screenshot({ path: join(ARTIFACTS, 'feedback-team-form.png') });
        await team.getByRole('button', { name: 'Send feedback' }).click();
        await team.getByRole('button', { name: 'Replace my feedback' }).waitFor();
        const mine = (await get('sg2').expect(200)).body.mine;
        expect(mine.objectiveRatings).toEqual([{ objectiveId: 'OBJ-1', rating: 4 }]);
        expect(mine).toMatchObject({ improvements: 'More time for the malware sample.', anonymous: true });

        const review = await open(tok.evaluator!, 'evaluator.html');
        const panel = review.locator('#feedback');
        await panel.getByText('3 participants have sent the form.', { exact: false }).waitFor();
        await expect(panel.getByText('More time for the malware sample.').isVisible()).resolves.toBe(true);
        await expect(panel.textContent()).resolves.not.toContain('Browser Analyst Lim');
        const obj1Row = panel.getByRole('row', { name: /^OBJ-1/ });
        await expect(obj1Row.getByRole('cell').nth(1).textContent()).resolves.toBe('4.33'); // (5 + 4 + 4) / 3
        await panel.screenshot({ path: join(ARTIFACTS, 'feedback-evaluator-panel.png') });
        expect(errors).toEqual([]);
      } finally {
        await browser?.close().catch(() => undefined);
      }
    },
    90_000,
  );
});

// On PostgreSQL two first submissions of one person can both find no form to replace; the second must replace the
// first, not fail on the one-form-per-person index.
const postgresUp = await requireService('PostgreSQL', 5432);
(postgresUp ? describe : describe.skip)('participant feedback on PostgreSQL', () => {
  let db: ScratchDatabase;
  let s: TestServer;
  afterAll(async () => {
    await s?.close();
    await db?.drop();
  });

  it('keeps one form per person when the same person submits twice at once', async () => {
    db = await createDatabase('drill_feedback');
    s = await startServer({ DATABASE_URL: db.url });
    const team = await createTeam(s, 'SG');
    const u = await createUser(s, 'participant', team, 'Double Clicker');
    await saveScenario(s, fixture('aar-drill.yaml'));
    const ex = (await createExercise(s, { scenarioId: 'aar-test-drill', name: 'pg', speed: 60, teamIds: [team] })).id;
    await act(s, ex, 'start');
    await act(s, ex, 'complete');
    const send = (rating: number) =>
      s
        .http()
        .post(`/api/exercises/${ex}/feedback`)
        .set(bearer(u.token))
        .send(form({ objectiveRatings: [{ objectiveId: 'OBJ-1', rating }] }));
    for (let round = 0; round < 5; round++) {
      const both = await Promise.all([send(2), send(4)]);
      expect(both.map((r) => r.status)).toEqual([200, 200]);
    }
    const summary = (await s.http().get(`/api/exercises/${ex}/feedback`).set(bearer(ADMIN_TOKEN)).expect(200)).body;
    expect(summary.summary.respondents).toBe(1);
  }, 60_000);
});
