import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { waitUntil } from './support/drill-client.js';
import { act, createExercise, saveScenario } from './support/drill.js';

// What the callbacks run inside the page use of the DOM (the test project compiles without the DOM library).
type PageElement = { dataset: Record<string, string | undefined> };
declare const document: {
  elementFromPoint(x: number, y: number): unknown;
  documentElement: { scrollWidth: number; scrollHeight: number };
  activeElement: unknown;
};

// The control board as a drill room sees it on a 1440×900 laptop: twenty teams × twenty-five injects. The grid
// scrolls under its team, online and score columns; the timeline (MSEL) view runs in scenario time, not in id
// order; an inject's preview carries its answer key; a team's drill-down lists its reports. The clock runs in real
// time, so nothing is released but what the test releases.

const SCREENS = fileURLToPath(new URL('./artifacts/screens/', import.meta.url));
const WAIT = 20_000;
const VIEWPORT = { width: 1440, height: 900 };

const CODES = ['BN', 'KH', 'ID', 'LA', 'MY', 'MM', 'PH', 'SG', 'TH', 'VN'].flatMap((c) => [c, `${c}-2`]);

const hhmm = (minutes: number) =>
  `+${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * I-00 (+00:01) with a body, artefact and answer key; I-01 at +00:20 but I-02 at +00:05 (ids out of time order);
 * I-03…I-22 from +00:40; I-23 goes out 10 minutes after I-00 (armed when I-00 is released); I-24 waits on a report
 * on I-22, which nobody gets during the test (not armed).
 */
function scenarioYaml(): string {
  const plain = (id: string, minutes: number) => `
  - id: ${id}
    offset: "${hhmm(minutes)}"
    phase: P1
    title: Situation update ${id}
    body: Update ${id} for every team.
    targets: all
    severity: medium
    tlp: TLP:GREEN
    responseRequired: true
    targetMinutes: 30
    deadlineMinutes: 60`;
  const later = Array.from({ length: 20 }, (_, n) => plain(`I-${String(n + 3).padStart(2, '0')}`, 40 + n * 5));
  return `
id: control-board-drill
title: Control board drill
summary: Twenty-five injects for the control board tests.
plannedDuration: "+03:00"
objectives:
  - id: OBJ-1
    capability: Operational Communications
    injects: [I-00]
phases:
  - id: P1
    title: Detection
injects:
  - id: I-00
    offset: "+00:01"
    phase: P1
    title: Hospital group reports ransomware
    from: "Seri Permata Hospital SOC (simulated)"
    body: |
      **Ransomware** at a hospital group. The EDR export is attached.
    artefacts:
      - name: edr-alerts.csv
        mediaType: text/csv
        content: |
          time_utc,host,remote
          2026-04-14T20:52:44Z,SPMH-FS02,203.0.113[.]45:443
    targets: all
    severity: high
    tlp: TLP:AMBER
    responseRequired: true
    targetMinutes: 30
    deadlineMinutes: 60
    answerKey:
      iocs:
        - type: ip-dst
          value: "203.0.113[.]45"
          weight: 2
      classification: { class: malicious-code, type: infected-system }
      severity: high
      recipients: [control]
${plain('I-01', 20)}
${plain('I-02', 5)}
${later.join('\n')}
  - id: I-23
    offset: "+00:00"
    phase: P1
    title: Follow-up to the hospital case
    trigger:
      after: { inject: I-00, delayMinutes: 10 }
    body: The attackers post a sample of the data.
    targets: all
    severity: medium
    tlp: TLP:GREEN
    responseRequired: false
  - id: I-24
    offset: "+00:00"
    phase: P1
    title: Escalation on a matching report
    trigger:
      ifReportMatches:
        inject: I-22
        classification: { class: malicious-code }
    body: Sent to teams that classified I-22 as malicious code.
    targets: all
    severity: high
    tlp: TLP:AMBER
    responseRequired: false
`;
}

const haveChromium = chromiumAvailable('the control board tests');

(haveChromium ? describe : describe.skip)('control board at 1440×900: 20 teams × 25 injects', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let exerciseId: string;
  const teams: Record<string, string> = {};
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(SCREENS, `control-${name}.png`) });
  const cell = (team: string, inject: string) =>
    page.locator(`#board button.cell[data-team="${team}"][data-inject="${inject}"]`);
  const inViewport = async (l: Locator) => {
    const box = await l.boundingBox();
    if (!box) throw new Error('not rendered');
    return box.x >= 0 && box.y >= 0 && box.x + box.width <= VIEWPORT.width && box.y + box.height <= VIEWPORT.height;
  };
  /** Whether the element is what a person sees at its own centre (not scrolled under a neighbour). */
  const onTop = (l: Locator) =>
    l.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return top !== null && (el === top || el.contains(top));
    });

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startServer();
    for (const code of CODES) teams[code] = await createTeam(server, code);
    const analyst = await createUser(server, 'participant', teams.MY, 'Aisyah (MyCERT)');
    await saveScenario(server, scenarioYaml());
    exerciseId = (
      await createExercise(server, {
        scenarioId: 'control-board-drill',
        name: 'Control board drill',
        speed: 1,
        teamIds: CODES.map((c) => teams[c]),
      })
    ).id;
    await act(server, exerciseId, 'start');
    const release = await server
      .http()
      .post(`/api/exercises/${exerciseId}/injects/I-00/release`)
      .set(bearer(ADMIN_TOKEN))
      .send({});
    expect(release.body.released).toHaveLength(20);
    const report = await server
      .http()
      .post(`/api/exercises/${exerciseId}/ism/reports`)
      .set(bearer(analyst.token))
      .send({
        kind: 'notification',
        injectIds: ['I-00'],
        title: 'MY: KraitLock ransomware at Seri Permata',
        tlp: 'TLP:AMBER',
        classification: { class: 'malicious-code', type: 'infected-system' },
        iocs: [{ type: 'ip-dst', value: '203.0.113[.]45', toIds: true }],
      });
    expect(report.status).toBe(201);

    browser = await launchChromium();
    context = await browser.newContext({ viewport: VIEWPORT });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
    await page.goto(`${server.url}/`);
    await page.getByLabel('Access token', { exact: true }).fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Open control board' }).click();
    await page.locator('#connection.conn-online').waitFor();
  }, 120_000);

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
  });

  it('grid: fits the window, runs in scenario time, and keeps team, online and score in view at the last inject', async () => {
    await waitUntil(
      async () => (await cell('MY', 'I-00').getAttribute('data-state')) === 'reported',
      WAIT,
      'MY × I-00 reported on the board',
    );
    await expect(cell('SG', 'I-00').getAttribute('data-state')).resolves.toBe('released');
    await expect(cell('SG', 'I-01').getAttribute('data-state')).resolves.toBe('scheduled');
    await expect(cell('SG', 'I-01').textContent()).resolves.toBe('00:20'); // due at +00:20: the time says it

    // Columns in scenario time: I-02 (+05) before the armed I-23 (I-00 + 10 min) before I-01 (+20); the
    // conditional inject nobody armed comes last. Each header gives its planned time.
    const columns = await page
      .locator('#board thead button.col')
      .evaluateAll((bs) => bs.map((b) => (b as PageElement).dataset.inject));
    expect(columns).toHaveLength(25);
    expect(columns.slice(0, 4)).toEqual(['I-00', 'I-02', 'I-23', 'I-01']);
    expect(columns.at(-1)).toBe('I-24');
    await expect(page.locator('#board button.col[data-inject="I-01"] .col-time').textContent()).resolves.toBe('+00:20');
    await expect(page.locator('#board button.col[data-inject="I-24"] .col-time').textContent()).resolves.toBe('cond.');

    // Ages are scenario time, with the wall time (UTC and local) on hover.
    const sg = cell('SG', 'I-00');
    await expect(sg.getAttribute('aria-label')).resolves.toMatch(
      /^SG, I-00: Released, \d+ (s|min) ago in scenario time/,
    );
    await expect(sg.getAttribute('title')).resolves.toMatch(/Wall time: \d\d:\d\d:\d\d UTC · .+ \(your local time\)/);

    // The legend names every state, N/T included, and is on screen.
    const legend = page.locator('#legend');
    await expect(legend.textContent()).resolves.toContain('N/T not triggered');
    for (const word of ['00:05', 'Armed', 'Rel', 'Deliv', 'Ack', 'Rep', 'Skip', '—'])
      await expect(legend.locator('li > span', { hasText: word }).count()).resolves.toBeGreaterThan(0);
    expect(await inViewport(legend)).toBe(true);

    // Only the grid scrolls: the page itself neither way, and all twenty teams are in view without scrolling.
    const page_ = await page.evaluate(() => ({
      w: document.documentElement.scrollWidth,
      h: document.documentElement.scrollHeight,
    }));
    expect(page_.w).toBeLessThanOrEqual(VIEWPORT.width);
    expect(page_.h).toBeLessThanOrEqual(VIEWPORT.height);
    const wrap = page.locator('#board-wrap');
    expect(await inViewport(wrap)).toBe(true);
    expect(await inViewport(page.locator('#feed-title'))).toBe(true);
    const sizes = await wrap.evaluate((el) => ({
      sw: el.scrollWidth,
      cw: el.clientWidth,
      sh: el.scrollHeight,
      ch: el.clientHeight,
    }));
    expect(sizes.sw).toBeGreaterThan(sizes.cw); // 25 injects do not fit across: the grid scrolls
    expect(sizes.sh).toBeLessThanOrEqual(sizes.ch);

    await wrap.evaluate((el) => (el.scrollLeft = el.scrollWidth));
    await expect(wrap.evaluate((el) => el.scrollLeft)).resolves.toBeGreaterThan(0);
    for (const code of [CODES[0]!, 'MY', CODES.at(-1)!]) {
      const row = page.locator(`#board tbody tr[data-team="${code}"]`);
      for (const part of [row.locator('th.pin-team'), row.locator('td.pin-online'), row.locator('td.pin-score')]) {
        expect(await inViewport(part)).toBe(true);
        expect(await onTop(part)).toBe(true);
      }
    }
    expect(await inViewport(page.locator('#board thead th.pin-score'))).toBe(true);
    expect(await inViewport(page.locator('#board button.col[data-inject="I-24"]'))).toBe(true);
    expect(await onTop(cell(CODES.at(-1)!, 'I-24'))).toBe(true);
    await waitUntil(
      async () => /%$/.test((await page.locator(`#score-${teams.MY}`).textContent()) ?? ''),
      WAIT,
      'MY scored on the board',
    );
    await shot('grid');
    await wrap.evaluate((el) => (el.scrollLeft = 0));
  }, 120_000);

  it('timeline: one row per inject in scenario time, conditional injects not armed apart, keyboard usable', async () => {
    await page.getByRole('tab', { name: 'Timeline' }).click();
    const rows = page.locator('#msel-placed tr');
    await rows.first().waitFor();
    const order = await rows.evaluateAll((trs) => trs.map((tr) => (tr as PageElement).dataset.inject));
    expect(order).toHaveLength(24);
    expect(order.slice(0, 4)).toEqual(['I-00', 'I-02', 'I-23', 'I-01']);
    expect(order.indexOf('I-01')).toBeGreaterThan(order.indexOf('I-02')); // +20 after +05, whatever the ids say
    const unarmed = page.locator('#msel-unarmed tr[data-inject="I-24"]');
    await expect(unarmed.textContent()).resolves.toContain('Condition: if the team reports I-22 as malicious-code');
    const i00 = page.locator('#msel-placed tr[data-inject="I-00"]');
    await expect(i00.textContent()).resolves.toContain('20 of 20 teams');
    await expect(i00.textContent()).resolves.toContain('1 reported');

    // One tab stop; arrow keys move between injects; Enter opens the preview; Escape gives focus back.
    await page.locator('#msel button.msel-inject[data-inject="I-00"]').focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.evaluate(() => (document.activeElement as PageElement).dataset.inject)).resolves.toBe('I-02');
    await shot('timeline');
    await page.keyboard.press('Enter');
    await expect(page.locator('#detail-title').textContent()).resolves.toBe('I-02 · Situation update I-02');
    await page.keyboard.press('Escape');
    await page.locator('#detail').waitFor({ state: 'hidden' });
    await expect(page.evaluate(() => (document.activeElement as PageElement).dataset.inject)).resolves.toBe('I-02');
    await page.getByRole('tab', { name: 'Grid' }).click();
  }, 60_000);

  it('inject preview: headers, body, artefacts and the answer key for a controller, with its actions', async () => {
    await page.locator('#board button.col[data-inject="I-00"]').click();
    const panel = page.locator('#detail');
    await expect(page.locator('#detail-title').textContent()).resolves.toBe('I-00 · Hospital group reports ransomware');
    await expect(panel.locator('dl.message-headers').textContent()).resolves.toContain(
      'Seri Permata Hospital SOC (simulated)',
    );
    await expect(panel.locator('.inject-body strong').textContent()).resolves.toBe('Ransomware');
    await expect(panel.getByText('edr-alerts.csv').count()).resolves.toBeGreaterThan(0);
    const key = panel.locator('section.answer-key');
    await expect(key.textContent()).resolves.toContain('203.0.113[.]45');
    await expect(key.textContent()).resolves.toContain('malicious-code/infected-system');
    await expect(panel.locator('#preview-teams tr[data-team="MY"]').textContent()).resolves.toContain('Rep');
    await expect(page.getByRole('button', { name: 'Release now to its teams' }).isVisible()).resolves.toBe(true);
    await shot('inject');

    // From a cell, the preview acts on that team: release I-02 now to SG only.
    await page.getByRole('button', { name: 'Close' }).click();
    await cell('SG', 'I-02').click();
    await page.getByRole('button', { name: 'Release now to SG' }).click();
    await waitUntil(
      async () => (await cell('SG', 'I-02').getAttribute('data-state')) === 'released',
      WAIT,
      'SG × I-02 released on the board',
    );
    await expect(cell('MY', 'I-02').getAttribute('data-state')).resolves.toBe('scheduled');
    await page.getByRole('button', { name: 'Close' }).click();
  }, 60_000);

  it('team drill-down: deliveries, reports and score of one team', async () => {
    await page.locator('#board button.team-link[data-team="MY"]').click();
    await expect(page.locator('#detail-title').textContent()).resolves.toBe('MY · MY CERT');
    await expect(page.locator('#team-reports').textContent()).resolves.toContain(
      'MY: KraitLock ransomware at Seri Permata',
    );
    await expect(page.locator('#team-deliveries tr[data-inject="I-00"]').textContent()).resolves.toContain('Rep');
    await waitUntil(
      async () => /\d+%/.test((await page.locator('#team-score').textContent()) ?? ''),
      WAIT,
      'the team’s scorecard',
    );
    await expect(page.locator('#team-score').textContent()).resolves.toContain('I-00');
    // Another team's drill-down lists none of MY's reports.
    await page.locator('#board button.team-link[data-team="SG"]').click();
    await expect(page.locator('#detail-title').textContent()).resolves.toBe('SG · SG CERT');
    await expect(page.locator('#team-reports').textContent()).resolves.toBe('No report from this team yet.');
    await page.locator('#board button.team-link[data-team="MY"]').click();
    await page.locator('#team-score table').waitFor();
    await shot('team');
  }, 60_000);

  it('observer: previews an inject without its text or answer key', async () => {
    const observer = await createUser(server, 'observer', undefined, 'Olga (observer)');
    const ctx = await browser.newContext({ viewport: VIEWPORT });
    try {
      const watch = await ctx.newPage();
      watch.setDefaultTimeout(WAIT);
      watch.on('pageerror', (e) => pageErrors.push(`${watch.url()}: ${e.message}`));
      await watch.goto(`${server.url}/`);
      await watch.getByLabel('Access token', { exact: true }).fill(observer.token);
      await watch.getByRole('button', { name: 'Sign in' }).click();
      await watch.getByRole('link', { name: 'Watch' }).click();
      await watch.locator('#connection.conn-online').waitFor();
      // Observers read neither the scenario nor the timeline: a column appears with the first live delivery.
      await server
        .http()
        .post(`/api/exercises/${exerciseId}/injects/I-03/release`)
        .set(bearer(ADMIN_TOKEN))
        .send({ teamIds: [teams.MY] });
      await watch.locator('#board button.col[data-inject="I-03"]').click();
      await expect(watch.locator('#detail-title').textContent()).resolves.toBe('I-03 · I-03');
      await expect(watch.locator('#detail-body .notice').textContent()).resolves.toContain(
        'for controllers and evaluators',
      );
      await expect(watch.locator('#detail section.answer-key').count()).resolves.toBe(0);
      await expect(watch.getByRole('button', { name: /^Release now/ }).count()).resolves.toBe(0);
    } finally {
      await ctx.close();
    }
  }, 60_000);
});
