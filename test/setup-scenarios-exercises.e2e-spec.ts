import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { ADMIN_TOKEN, bearer, createTeam, startServer, type TestServer } from './support/app.js';

// Setting up a drill in the browser alone (issue 18): a scenario uploaded, refused with its problem at its line,
// fixed, saved and previewed; an exercise created by enrolling teams by tag; the control board opened from it.

const SCREENS = fileURLToPath(new URL('./artifacts/screens/', import.meta.url));
const WAIT = 20_000;

const SCENARIO = `id: setup-page-drill
title: Setup page drill
summary: A small drill uploaded through the Scenarios page.
plannedDuration: "+03:00"
objectives:
  - id: OBJ-1
    capability: Operational Communications
    injects: [I-01, I-02]
phases:
  - id: P1
    title: Detection
injects:
  - id: I-01
    offset: "+00:20"
    phase: P1
    title: Bank reports ransomware
    from: Bank SOC
    body: |
      **Ransomware** on the payment servers; the firewall log is attached.
    artefacts:
      - name: fw.log
        mediaType: text/plain
        content: "deny 203.0.113.45:443"
    targets: { tags: [asean] }
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
          critical: true
      classification: { class: malicious-code, type: infected-system }
      recipients: [control]
  - id: I-02
    offset: "+01:00"
    phase: P1
    title: Leak site post
    body: The group claims data from the bank.
    targets: all
    severity: medium
    tlp: TLP:GREEN
    responseRequired: false
`;

/** The same scenario with one slip: an offset without its "+", on a line the test knows. */
const BROKEN = SCENARIO.replace('offset: "+01:00"', 'offset: "1:00"');
const BROKEN_LINE = BROKEN.split('\n').findIndex((l) => l.includes('"1:00"')) + 1;

const haveChromium = chromiumAvailable('the setup page tests');

describe('scenario problems at their line', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('validate names the line and column of the offending value in the YAML as sent', async () => {
    const r = await server
      .http()
      .post('/api/scenarios/validate')
      .set(bearer(ADMIN_TOKEN))
      .set('Content-Type', 'application/yaml')
      .send(BROKEN);
    expect(r.status).toBe(200);
    expect(r.body.valid).toBe(false);
    const offset = r.body.errors.find((e: { path: string }) => e.path === '/injects/1/offset');
    expect(offset).toEqual({
      path: '/injects/1/offset',
      message: expect.stringMatching(/\+HH:MM/),
      line: BROKEN_LINE,
      column: BROKEN.split('\n')[BROKEN_LINE - 1]!.indexOf('"1:00"') + 1,
    });
  });

  it('an MSEL read without saving names the spreadsheet row of each problem', async () => {
    const csv = 'ID,Delivery Time,Title\nA-1,+00:10,ok\nA-2,soon,bad time\n';
    const r = await server
      .http()
      .post('/api/scenarios/import?dryRun=true')
      .set(bearer(ADMIN_TOKEN))
      .attach('file', Buffer.from(csv), 'msel.csv');
    expect(r.status).toBe(422);
    expect(r.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ line: 3 })]));
    expect((await server.http().get('/api/scenarios').set(bearer(ADMIN_TOKEN))).body).toEqual([]);
  });
});

(haveChromium ? describe : describe.skip)('setup pages in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const teams: Record<string, string> = {};

  const shot = (name: string) => page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startServer();
    teams.MY = await createTeam(server, 'MY', ['asean', 'tier-one']);
    teams.SG = await createTeam(server, 'SG', ['asean']);
    teams.JP = await createTeam(server, 'JP', ['apcert']);
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await ctx.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  }, 120_000);

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
  });

  it('the exercise list shows a controller with no exercise where to start', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Access token', { exact: true }).fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const steps = page.locator('#exercise-list .first-steps');
    await steps.waitFor();
    await expect(steps.textContent()).resolves.toContain('No exercise yet. To run your first drill:');
    await expect(steps.getByRole('link').allTextContents()).resolves.toEqual([
      'Teams',
      'Users',
      'Scenarios',
      'New exercise',
    ]);
    const setup = page.getByRole('navigation', { name: 'Setup' });
    await expect(setup.getByRole('link', { name: 'New exercise' }).getAttribute('href')).resolves.toBe(
      'exercises.html',
    );
    await shot('index');
  });

  it('uploads a scenario, shows its problem at its line, saves the fix and previews every inject', async () => {
    await page.locator('#exercise-list').getByRole('link', { name: 'Scenarios' }).click();
    await page.waitForURL(/scenarios\.html/);
    await page.getByText('No scenario yet.').waitFor();

    // An MSEL with a bad cell: its problem names the spreadsheet row, and nothing can be saved.
    await page.getByLabel('Scenario file').setInputFiles({
      name: 'msel.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('ID,Delivery Time,Title\nA-1,+00:10,ok\nA-2,soon,bad time\n'),
    });
    await page
      .locator('#validation')
      .getByText(/^Row 3/)
      .waitFor();
    await expect(page.getByRole('button', { name: 'Save as new version' }).isDisabled()).resolves.toBe(true);

    // The YAML with a slip: checked on upload, its problem shown at its line with the line itself.
    await page.getByLabel('Scenario file').setInputFiles({
      name: 'drill.yaml',
      mimeType: 'application/yaml',
      buffer: Buffer.from(BROKEN),
    });
    const problem = page.locator(`#validation li[data-line="${BROKEN_LINE}"]`).first();
    await problem.waitFor();
    await expect(problem.textContent()).resolves.toContain('/injects/1/offset');
    await expect(problem.locator('pre.excerpt .at').textContent()).resolves.toBe(`${BROKEN_LINE} │     offset: "1:00"`);
    await expect(page.getByRole('button', { name: 'Save as new version' }).isDisabled()).resolves.toBe(true);
    await shot('scenarios-problem');

    // "Line N" puts the cursor on that line of the editor, where the author fixes it.
    await problem.getByRole('button', { name: new RegExp(`^Line ${BROKEN_LINE}, column \\d+$`) }).click();
    const editor = page.getByLabel('Scenario text', { exact: true });
    const cursorLine = await editor.evaluate((el) => {
      const t = el as unknown as { value: string; selectionStart: number };
      return t.value.slice(0, t.selectionStart).split('\n').length;
    });
    expect(cursorLine).toBe(BROKEN_LINE);
    await expect(
      editor.evaluate((el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement),
    ).resolves.toBe(true);
    await editor.fill(SCENARIO);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.locator('#validation .ok-box', { hasText: 'passes the check' }).waitFor();
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByText('Saved “Setup page drill” as setup-page-drill version 1 (2 injects).').waitFor();

    // The preview lists every inject, in offset order, as drill control sees it.
    const preview = page.locator('#preview');
    await preview.getByRole('heading', { name: 'Setup page drill — version 1' }).waitFor();
    const injects = preview.locator('article.inject-preview');
    await expect(injects.count()).resolves.toBe(2);
    const first = injects.nth(0);
    await expect(first.locator('h3').textContent()).resolves.toBe('+00:20 · I-01 · Bank reports ransomware');
    await expect(first.locator('.inject-body strong').textContent()).resolves.toBe('Ransomware');
    const facts = await first.locator('dl.facts').first().textContent();
    expect(facts).toContain('FromBank SOC');
    expect(facts).toContain('Toteams tagged asean');
    expect(facts).toContain('Timingtarget 30 min, deadline 60 min after release (scenario time)');
    await first.getByText('Answer key (drill control only)').click();
    await expect(first.locator('.answer-key tbody tr').textContent()).resolves.toContain('203.0.113[.]45');
    await first.getByText('Artefact fw.log').click();
    await expect(first.locator('pre.artefact').textContent()).resolves.toBe('deny 203.0.113.45:443');
    await expect(injects.nth(1).locator('h3').textContent()).resolves.toBe('+01:00 · I-02 · Leak site post');
    await expect(page.getByRole('button', { name: 'v1' }).getAttribute('aria-pressed')).resolves.toBe('true');
    await shot('scenarios');
  });

  it('creates an exercise enrolling teams by tag, shows refusals at their field, and opens the control board', async () => {
    await page.getByRole('link', { name: 'New exercise with this version' }).click();
    await page.waitForURL(/exercises\.html\?scenario=setup-page-drill&version=1/);
    await expect(page.getByLabel('Scenario', { exact: true }).inputValue()).resolves.toBe('setup-page-drill');
    await page.getByText('2 injects over 3 h 00 of scenario time').waitFor();

    await page.getByLabel('Name', { exact: true }).fill('Setup page drill, first run');
    await page.getByRole('button', { name: 'asean (2)' }).click();
    await expect(page.locator('#team-list li:visible').count()).resolves.toBe(2);
    await page.getByRole('button', { name: 'Enrol all shown' }).click();
    await expect(page.locator('#teams-count').textContent()).resolves.toBe('2 of 3 teams enrolled · 2 shown');

    // The server refuses a speed out of range: the refusal is shown beside the speed field.
    await page.getByLabel('Speed', { exact: true }).fill('0');
    await page.getByRole('button', { name: 'Create exercise' }).click();
    await page.locator('#speed-error').waitFor();
    await expect(page.locator('#speed-error').textContent()).resolves.toBe('must be from 1 to 3600');
    await expect(page.getByLabel('Speed', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');

    await page.getByLabel('Speed', { exact: true }).fill('60');
    await expect(page.locator('#speed-error').isHidden()).resolves.toBe(true);
    await expect(page.locator('#speed-meaning').textContent()).resolves.toBe(
      '×60: a 30-minute deadline lasts 30 s; the whole drill about 3 min.',
    );
    await shot('exercises');
    await page.getByRole('button', { name: 'Create exercise' }).click();
    await page.getByRole('heading', { name: 'Exercise “Setup page drill, first run” created' }).waitFor();
    await page.getByRole('link', { name: 'Open control board' }).click();
    await page.waitForURL(/control\.html\?exercise=/);
    const exerciseId = new URL(page.url()).searchParams.get('exercise')!;
    await page.locator('#connection.conn-online').waitFor();

    const ex = await server.http().get(`/api/exercises/${exerciseId}`).set(bearer(ADMIN_TOKEN));
    expect(ex.body).toMatchObject({
      name: 'Setup page drill, first run',
      scenarioId: 'setup-page-drill',
      scenarioVersion: 1,
      speed: 60,
      status: 'draft',
    });
    expect(ex.body.teams.map((t: { id: string }) => t.id).sort()).toEqual([teams.MY, teams.SG].sort());
  });
});
