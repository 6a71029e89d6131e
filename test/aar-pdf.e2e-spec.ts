// The AAR for CERT heads: its own TLP marking in every format, the PDF printed by headless Chromium (and the 501,
// 504 and 429 around it), CSV figures rounded as documented, accessible charts, and a start-up that ends with the
// console's address and the first controller's token.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AarPdfPrinter } from '../apps/drill-server/src/reporting/aar-pdf.js';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { startReplica } from './support/cluster.js';
import { waitUntil } from './support/drill-client.js';
import { act, createExercise, fixture, saveScenario, settled, timeline } from './support/drill.js';
import { expectAs } from './support/expect.js';

const SCREENS = fileURLToPath(new URL('./artifacts/screens/', import.meta.url));
const haveChromium = chromiumAvailable('the AAR PDF and screenshot checks');

/** A PDF's document title (Info /Title), as a literal string or UTF-16BE hex, as Chromium writes it. */
function pdfTitle(pdf: Buffer): string | undefined {
  const text = pdf.toString('latin1');
  const hex = /\/Title\s*<([0-9A-Fa-f\s]+)>/.exec(text);
  if (hex) {
    const bytes = Buffer.from(hex[1]!.replace(/\s+/g, ''), 'hex');
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return bytes.subarray(2).swap16().toString('utf16le');
    return bytes.toString('latin1');
  }
  const literal = /\/Title\s*\(((?:\\.|[^\\)])*)\)/.exec(text);
  return literal?.[1];
}

/** Whether a process still runs (a zombie awaiting its reaper does not). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('after-action report: marking, PDF and CSV', () => {
  let s: TestServer;
  let exerciseId: string;
  const tok: Record<string, string> = {};
  const teams: Record<string, string> = {};
  const get = (path: string, who = 'evaluator') =>
    s.http().get(`/api/exercises/${exerciseId}${path}`).set(bearer(tok[who]!));
  const put = (path: string, body: unknown, who = 'evaluator') =>
    s
      .http()
      .put(`/api/exercises/${exerciseId}${path}`)
      .set(bearer(tok[who]!))
      .send(body as object);
  const pdf = () =>
    get('/report?format=pdf')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

  beforeAll(async () => {
    s = await startServer();
    for (const code of ['SG', 'MY']) {
      teams[code] = await createTeam(s, code);
      tok[code] = (await createUser(s, 'participant', teams[code], `${code} analyst`)).token;
    }
    tok.evaluator = (await createUser(s, 'evaluator', undefined, 'Eva Luator')).token;
    tok.controller = ADMIN_TOKEN;
    await saveScenario(s, fixture('aar-drill.yaml'));
    exerciseId = (
      await createExercise(s, {
        scenarioId: 'aar-test-drill',
        name: 'PDF drill',
        speed: 600,
        teamIds: Object.values(teams),
      })
    ).id;
    await act(s, exerciseId, 'start');
    await settled(s, exerciseId, { receipts: false });
    // SG answers I-01 fully and I-02 late-ish; MY answers I-01 partly (at a looser label, so its scores are zeroed
    // but its completeness keeps a long binary tail).
    const report = (who: string, body: Record<string, unknown>) =>
      s.http().post(`/api/exercises/${exerciseId}/ism/reports`).set(bearer(tok[who]!)).send(body).expect(201);
    await report('SG', {
      kind: 'notification',
      injectIds: ['I-01'],
      title: 'Ransomware at the hospital',
      tlp: 'TLP:AMBER',
      recipients: { teams: ['MY'] },
      classification: { class: 'malicious-code', type: 'infected-system' },
      severity: 'high',
      iocs: [{ type: 'ip-dst', value: '203.0.113[.]7', toIds: true }],
      actions: [{ text: 'Isolated the encrypted servers' }],
    });
    await report('MY', {
      kind: 'early-warning',
      injectIds: ['I-01', 'I-02'],
      title: 'Leak site seen',
      tlp: 'TLP:GREEN',
      recipients: { teams: 'all' },
      iocs: [{ type: 'domain', value: 'krait-leaks.example', toIds: false }],
    });
    await act(s, exerciseId, 'complete');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('is marked TLP:AMBER until an evaluator chooses: in the workspace, HTML, CSV, JSON and a header', async () => {
    expect((await get('/aar').expect(200)).body.marking).toBe('TLP:AMBER');
    const html = await get('/report?format=html').expect(200);
    expect(html.headers['x-aar-marking']).toBe('TLP:AMBER');
    expect(html.text).toContain('<title>TLP:AMBER — After-Action Report — PDF drill</title>');
    expect(html.text).toMatch(/@top-center \{ content: "TLP:AMBER";/);
    const rows = parse((await get('/report?format=csv').expect(200)).text, { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.report_tlp))).toEqual(new Set(['TLP:AMBER']));
    expect((await get('/report?format=json').expect(200)).body.marking).toBe('TLP:AMBER');
  });

  it('refuses a marking that is not a TLP 2.0 label (400 naming marking) and anyone but an evaluator (403)', async () => {
    for (const body of [{ marking: 'TLP:PURPLE' }, { marking: 'amber' }, {}, { marking: 3 }]) {
      const r = await put('/aar/marking', body).expect(400);
      expectAs(
        r.body.details?.map((d: { path: string }) => d.path),
        JSON.stringify(body),
      ).toEqual(['/marking']);
      expect(r.body.message).toMatch(
        /marking must be one of TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER\+STRICT, TLP:RED/,
      );
    }
    await put('/aar/marking', { marking: 'TLP:RED' }, 'controller').expect(403);
    await put('/aar/marking', { marking: 'TLP:RED' }, 'SG').expect(403);
    expect((await get('/aar').expect(200)).body.marking).toBe('TLP:AMBER');
  });

  it('carries the chosen marking into every format, on record in the audit log', async () => {
    expect((await put('/aar/marking', { marking: 'TLP:RED' }).expect(200)).body).toEqual({
      exerciseId,
      marking: 'TLP:RED',
    });
    expect((await get('/aar').expect(200)).body.marking).toBe('TLP:RED');
    const html = (await get('/report?format=html').expect(200)).text;
    expect(html).toContain('<title>TLP:RED — After-Action Report');
    expect(html).toMatch(/<div class="marking marking-top"[^>]*><span class="tlp tlp-red">TLP:RED<\/span>/);
    expect(html).toMatch(/@bottom-center \{ content: "TLP:RED";/);
    expect(html).not.toContain('TLP:AMBER —');
    const rows = parse((await get('/report?format=csv').expect(200)).text, { columns: true }) as Record<
      string,
      string
    >[];
    expect(new Set(rows.map((r) => r.report_tlp))).toEqual(new Set(['TLP:RED']));
    expect((await get('/report?format=json').expect(200)).body.marking).toBe('TLP:RED');
    const events = (await timeline(s, exerciseId)).filter((e) => e.kind === 'event' && e.action === 'aar.marking');
    expect(events).toHaveLength(1);
  });

  it('writes the CSV figures rounded: scores to 3 places, percentages and minutes to 2, as the JSON rounded', async () => {
    // An evaluator's override of C = 0.123456789 gives figures with long tails: the override, the final score and
    // the team's percentage.
    await put(`/scores/${teams.MY}/I-01`, { completeness: 0.123456789, justification: 'phoned in, partly' }).expect(
      200,
    );
    const aar = (await get('/report?format=json').expect(200)).body;
    const rows = parse((await get('/report?format=csv').expect(200)).text, { columns: true }) as Record<
      string,
      string
    >[];
    const numeric = [
      'team_percent',
      'time_to_ack_min',
      'time_to_report_min',
      'timeliness',
      'completeness',
      'auto_score',
      'final_score',
    ];
    const r2 = (x: number) => Math.round(x * 100) / 100;
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    let unrounded = 0;
    for (const row of rows) {
      for (const c of numeric)
        expectAs(row[c], `${row.team_code}/${row.inject_id} ${c}`).toMatch(/^(-?\d+(\.\d{1,3})?)?$/);
      const t = aar.scorecards.find((x: any) => x.code === row.team_code);
      const r = t.injects.find((x: any) => x.injectId === row.inject_id);
      expect(Number(row.team_percent)).toBe(r2(t.percent));
      expect(Number(row.final_score)).toBe(r3(r.final));
      expect(Number(row.completeness)).toBe(r3(r.completeness));
      expect(row.time_to_report_min === '' ? null : Number(row.time_to_report_min)).toBe(
        r.timeToReport === null ? null : r2(r.timeToReport),
      );
      if ([t.percent, r.final, r.completeness, r.timeToReport].some((x) => x !== null && String(x).length > 8))
        unrounded++;
    }
    // The JSON's figures do have long tails, so the checks above were not vacuous.
    expect(unrounded).toBeGreaterThan(0);
    const my = rows.find((r) => r.team_code === 'MY' && r.inject_id === 'I-01')!;
    expect(my.override_completeness).toBe('0.123');
    expect(
      aar.scorecards.find((t: any) => t.code === 'MY').injects.find((i: any) => i.injectId === 'I-01').override
        .completeness,
    ).toBe(0.123456789);
  });

  (haveChromium ? it : it.skip)(
    'prints the PDF with Chromium, marked, and the evaluator console offers marking and "Download PDF"',
    async () => {
      const first = await pdf().expect(200);
      expect(first.headers['content-type']).toBe('application/pdf');
      expect(first.headers['content-disposition']).toMatch(/^attachment; filename="aar-pdf-drill-draft\.pdf"$/);
      const body = first.body as Buffer;
      expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(body.length).toBeGreaterThan(20_000);
      expect(pdfTitle(body)).toBe('TLP:RED — After-Action Report — PDF drill');

      let browser: Browser | undefined;
      try {
        browser = await launchChromium();
        mkdirSync(SCREENS, { recursive: true });
        // The AAR itself at a desktop size, its charts images named by their titles.
        const report = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        await report.setContent((await get('/report?format=html').expect(200)).text, { waitUntil: 'load' });
        for (const title of [
          'Completeness by component per team',
          'Inject releases, acknowledgements and reports over scenario time',
          'Time to first report per inject',
          'Information sharing between teams',
        ]) {
          await expect(report.getByRole('img', { name: title, exact: true }).count()).resolves.toBe(1);
          await expect(
            report.getByRole('heading', { name: new RegExp(`^Figure \\d\\. ${title}$`) }).count(),
          ).resolves.toBe(1);
        }
        await report.screenshot({ path: join(SCREENS, 'aar.png') });

        // The evaluator picks the marking and downloads the PDF from the review page.
        const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
        const page = await ctx.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`${s.url}/`);
        await page.getByLabel('Access token', { exact: true }).fill(tok.evaluator!);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('link', { name: 'Open review' }).click();
        const picker = page.getByLabel('TLP marking of the report (header and footer of every page)');
        await expect(picker.inputValue()).resolves.toBe('TLP:RED');
        await picker.selectOption('TLP:AMBER+STRICT');
        await page.getByRole('button', { name: 'Set marking' }).click();
        await page.locator('#aar-marking-current', { hasText: 'TLP:AMBER+STRICT' }).waitFor();
        expect((await get('/aar').expect(200)).body.marking).toBe('TLP:AMBER+STRICT');
        await page.locator('#aar-marking-form').screenshot({ path: join(SCREENS, 'aar-marking.png') });
        const [download] = await Promise.all([
          page.waitForEvent('download', { timeout: 60_000 }),
          page.getByRole('button', { name: 'Download PDF' }).click(),
        ]);
        expect(download.suggestedFilename()).toBe('aar-pdf-drill-draft.pdf');
        const downloaded = readFileSync((await download.path())!);
        expect(downloaded.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        expect(pdfTitle(downloaded)).toBe('TLP:AMBER+STRICT — After-Action Report — PDF drill');
        expect(errors).toEqual([]);
      } finally {
        await browser?.close();
      }
    },
    120_000,
  );

  it('freezes the marking with the report on publication', async () => {
    const marking = (await get('/aar').expect(200)).body.marking;
    expect(
      (await s.http().post(`/api/exercises/${exerciseId}/aar/publish`).set(bearer(tok.evaluator!)).expect(200)).body,
    ).toMatchObject({ marking, state: { status: 'published' } });
    await put('/aar/marking', { marking: 'TLP:CLEAR' }).expect(409);
    expect((await get('/report?format=json').expect(200)).body.marking).toBe(marking);
    expect((await get('/report?format=html').expect(200)).text).toContain(`<title>${marking} — After-Action Report`);
  });
});

describe('AAR PDF: the Chromium the server runs', () => {
  let s: TestServer;
  let exerciseId: string;
  // DRILL_CHROMIUM_PATH points here; each test puts there the "Chromium" it needs (a stand-in script for the
  // browser, which is not ours), or nothing.
  const dir = mkdtempSync(join(tmpdir(), 'drill-pdf-test-'));
  const chromium = join(dir, 'bin', 'chromium');
  const install = (script: string) => {
    mkdirSync(dirname(chromium), { recursive: true });
    writeFileSync(chromium, `#!/bin/sh\n${script}`);
    chmodSync(chromium, 0o755);
  };
  const getPdf = () =>
    s
      .http()
      .get(`/api/exercises/${exerciseId}/report?format=pdf`)
      .set(bearer(ADMIN_TOKEN))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  const json = (r: { body: Buffer }) => JSON.parse(r.body.toString('utf8'));

  beforeAll(async () => {
    s = await startServer({ DRILL_CHROMIUM_PATH: chromium });
    const team = await createTeam(s, 'BN');
    await saveScenario(s, fixture('aar-drill.yaml'));
    exerciseId = (
      await createExercise(s, { scenarioId: 'aar-test-drill', name: 'Stand-in', speed: 1, teamIds: [team] })
    ).id;
  });
  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 501 naming the missing Chromium and how to install one', async () => {
    rmSync(chromium, { force: true });
    const r = await getPdf().expect(501);
    expect(json(r)).toMatchObject({
      statusCode: 501,
      error: 'Not Implemented',
      details: [{ path: '/format', message: 'pdf needs Chromium on the server' }],
    });
    const message = json(r).message as string;
    expect(message).toContain(`DRILL_CHROMIUM_PATH is ${chromium}, which is not an executable file`);
    expect(message).toContain('apt-get install chromium');
  });

  it('hands Chromium the self-contained, marked HTML with no network and no browser header or footer', async () => {
    const printed = join(dir, 'printed.html');
    const argsFile = join(dir, 'args.txt');
    install(
      `for a in "$@"; do case "$a" in --print-to-pdf=*) out="\${a#--print-to-pdf=}";; file://*) in="\${a#file://}";; esac; done\n` +
        `cp "$in" '${printed}'\nprintf '%s\\n' "$@" > '${argsFile}'\nprintf '%%PDF-1.7 stand-in\\n' > "$out"\n`,
    );
    const r = await getPdf().expect(200);
    expect(r.body.toString('latin1')).toBe('%PDF-1.7 stand-in\n');
    const html = readFileSync(printed, 'utf8');
    expect(html).toMatch(/@top-center \{ content: "TLP:AMBER";/);
    expect(html).toMatch(/@bottom-center \{ content: "TLP:AMBER";/);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\';');
    const args = readFileSync(argsFile, 'utf8').trim().split('\n');
    expect(args).toEqual(
      expect.arrayContaining([
        '--headless',
        '--no-pdf-header-footer',
        '--host-resolver-rules=MAP * ~NOTFOUND',
        '--proxy-server=http://127.0.0.1:9',
      ]),
    );
    expect(args.includes('--no-sandbox')).toBe(process.getuid?.() === 0);
    const out = args.find((a) => a.startsWith('--print-to-pdf='))!.slice('--print-to-pdf='.length);
    expect(existsSync(dirname(out))).toBe(false); // its temporary directory is gone
  });

  it('answers 503 when Chromium prints nothing, and keeps what it said for the log, not the client', async () => {
    install("echo 'sandbox exploded at 0xdeadbeef' >&2\nexit 3\n");
    const r = await getPdf().expect(503);
    expect(json(r)).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(json(r).message).toMatch(/Chromium failed to print the AAR \(exit 3\)/);
    expect(json(r).message).not.toContain('0xdeadbeef');
  });

  it('prints two at a time, queues four, refuses more with 429, and stops a print past its time with 504', async () => {
    const pids = join(dir, 'slow.pids');
    const outs = join(dir, 'slow.outs');
    install(
      `echo $$ >> '${pids}'\nfor a in "$@"; do case "$a" in --print-to-pdf=*) echo "\${a#--print-to-pdf=}" >> '${outs}';; esac; done\n` +
        `sleep 60 &\necho $! >> '${pids}'\nwait\n`,
    );
    const printer = s.app.get(AarPdfPrinter);
    printer.timeoutMs = 4000;
    try {
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 7 }, () => getPdf()));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([429, 504, 504, 504, 504, 504, 504]);
      const refused = answers.find((a) => a.status === 429)!;
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(json(refused).message).toMatch(/2 PDFs are being printed and 4 are waiting/);
      expect(json(answers.find((a) => a.status === 504)!)).toMatchObject({
        statusCode: 504,
        error: 'Gateway Timeout',
        message: expect.stringMatching(/did not finish printing the AAR within 4 s/),
      });
      // Six prints, two at a time, 4 s each: three rounds.
      expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 4000 - 500);
      // Every stand-in and the process it started were killed, and every temporary directory removed.
      const ids = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
      expect(ids).toHaveLength(12);
      await waitUntil(() => ids.every((pid) => !running(pid)), 5000, 'the stand-ins and their children to end');
      const dirs = readFileSync(outs, 'utf8').trim().split('\n').map(dirname);
      expect(dirs).toHaveLength(6);
      for (const d of dirs) expect(existsSync(d)).toBe(false);
    } finally {
      printer.timeoutMs = 30_000;
    }
  }, 60_000);
});

// Start-up as a person sees it: `node main.js` with an empty database and no DRILL_ADMIN_TOKEN.
describe('start-up output', () => {
  it('ends with the console address, then the first controller’s token; Nest’s route lines are debug', async () => {
    const replica = await startReplica('startup', {
      databaseUrl: 'sqlite::memory:',
      adminToken: '',
      env: { LOG_LEVEL: 'info' },
    });
    try {
      await waitUntil(() => /\n {2}drl_\S+\n$/.test(replica.output()), 10_000, 'the token line');
      const out = replica.output();
      const lines = out.trimEnd().split('\n');
      const url = `http://localhost:${replica.port}/`;
      expect(lines.slice(-5)).toEqual([
        `Console: ${url}`,
        '',
        `First start: created controller "Drill administrator". Its bearer token, shown only this once — store it, then sign in at ${url} with it:`,
        '',
        expect.stringMatching(/^ {2}drl_[A-Za-z0-9_-]{20,}$/),
      ]);
      expect(out).toContain(`drill-server ready — embedded, SQLite :memory:; API docs at ${url}api/docs`);
      // The ~55 "Mapped {/api/…, GET} route" lines and the module list are not at info any more.
      expect(out).not.toMatch(/Mapped \{|RouterExplorer|RoutesResolver|InstanceLoader/);
      // The token signs in.
      const token = lines.at(-1)!.trim();
      const me = await fetch(`${replica.url}/api/me`, { headers: bearer(token) });
      expect(me.status).toBe(200);
    } finally {
      await replica.stop();
    }
  }, 90_000);
});
