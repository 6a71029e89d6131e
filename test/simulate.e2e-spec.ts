import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { expectAs } from './support/expect.js';
import { validateScenarioText } from '@drill/scenario';
import type { Io } from '../apps/drill-cli/src/scenario-commands.js';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { runSimulation, type SimulationResult, type TeamOutcome } from '../apps/drill-cli/src/simulate/simulate.js';

interface CooperationCard {
  score: number | null;
  asked: number;
  sent: number;
  answered: number;
  fulfilled: number;
  requests: { fromCode: string; injectId: string | null; scripted: boolean; status: string; score: number }[];
}

interface InjectCard {
  injectId: string;
  times: { toReport?: number };
  timeliness: { rule: string };
  completeness: { components: { iocs: { decoysReported: { value: string }[] }; actions: { recall: number | null } } };
}

const FILE = 'scenarios/acid-ransomware-health-bank.yaml';
const scenario = validateScenarioText(readFileSync(FILE, 'utf8'), 'yaml').scenario!;

// The whole `drill simulate` in-process: embedded server, five socket.io bots, the ransomware sample drill at ×1800
// (3 scenario hours in about 6 s). Profiles are dealt so that the noisy team is MY, the hospital's CERT, which
// receives the most injects whose answer keys carry decoys.
const haveChromium = chromiumAvailable('the screenshot of the simulated AAR');

describe('drill simulate', () => {
  let result: SimulationResult;
  let out: string;
  const lines: string[] = [];
  const io: Io = { out: (s) => lines.push(s), err: (s) => lines.push(`ERR ${s}`) };
  let cards: { teams: { teamId: string; code: string; injects: InjectCard[]; cooperation: CooperationCard }[] };
  const team = (code: string): TeamOutcome => result.teams.find((t) => t.code === code)!;
  const injectsOf = (code: string) => cards.teams.find((t) => t.code === code)!.injects;
  const cooperationOf = (code: string) => cards.teams.find((t) => t.code === code)!.cooperation;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'drill-sim-'));
    result = await runSimulation(
      {
        scenario: FILE,
        teams: 5,
        speed: 1800,
        seed: 20260415,
        profiles: ['diligent', 'noisy', 'slow', 'partial', 'silent'],
        database: 'sqlite::memory:',
        logLevel: 'silent',
        out,
        progressEverySeconds: 1,
      },
      io,
    );
    cards = JSON.parse(readFileSync(join(out, 'scorecards.json'), 'utf8'));
  }, 180_000); // about 10 s alone; a loaded CI machine once took over 60 s

  it('runs to ENDEX with every team enrolled and no report refused', () => {
    expect(result.teams.map((t) => `${t.code}:${t.profile}`).sort()).toEqual([
      'ID:partial',
      'MY:noisy',
      'PH:silent',
      'SG:diligent',
      'TH:slow',
    ]);
    expect(result.problems).toEqual([]);
    expect(result.scenarioMinutes).toBeGreaterThanOrEqual(180); // planned duration +03:00
    expect(result.teams.reduce((n, t) => n + t.stats.reportsRejected, 0)).toBe(0);
    expect(lines.some((l) => /^T\+\d\d:\d\d:\d\d {2}injects \d+\/19 /.test(l))).toBe(true); // progress lines
    expect(lines.some((l) => /assistance: \d+ sent, \d+ answered, \d+ fulfilled {2}comcheck \d\/5$/.test(l))).toBe(
      true,
    );
    expect(lines.some((l) => l.startsWith('ENDEX at T+'))).toBe(true);
  });

  it('diligent ranks above silent, by a wide margin', () => {
    const sg = team('SG');
    const ph = team('PH');
    expect(sg.rank).toBeLessThan(ph.rank);
    expect(sg.percent!).toBeGreaterThan(ph.percent! + 30);
    expect(sg.answered).toBe(sg.injects);
  });

  it('silent acknowledged some injects and reported on few or none', () => {
    const ph = team('PH');
    expect(ph.stats.received).toBeGreaterThanOrEqual(4);
    expect(ph.stats.reportsSent).toBeLessThanOrEqual(2);
    expect(ph.stats.acknowledged).toBeLessThan(ph.stats.received);
  });

  it('noisy reported decoys, as the scorecards list them', () => {
    const decoys = injectsOf('MY').flatMap((i) =>
      i.completeness.components.iocs.decoysReported.map((d) => `${i.injectId} ${d.value}`),
    );
    expect(decoys.length).toBeGreaterThan(0);
    expect(team('MY').decoysReported).toBe(decoys.length);
    // On most of the injects it answered by the deadline whose answer key has decoys, it fell for at least one.
    const withDecoys = new Set(scenario.injects.filter((i) => i.answerKey?.decoys.length).map((i) => i.id));
    const answered = injectsOf('MY').filter(
      (i) => withDecoys.has(i.injectId) && i.timeliness.rule !== 'after-deadline' && i.times.toReport !== undefined,
    );
    expect(answered.length).toBeGreaterThan(0);
    expect(
      answered.filter((i) => i.completeness.components.iocs.decoysReported.length > 0).length / answered.length,
    ).toBeGreaterThanOrEqual(0.5);
    // The diligent team falls for decoys rarely, if at all.
    expect(team('SG').decoysReported).toBeLessThanOrEqual(1);
  });

  it('slow answered mostly after the target, later than diligent', () => {
    const late = (code: string) => {
      const answered = injectsOf(code).filter((i) => i.times.toReport !== undefined);
      return (
        answered.filter((i) => i.timeliness.rule === 'linear' || i.timeliness.rule === 'after-deadline').length /
        answered.length
      );
    };
    expect(late('TH')).toBeGreaterThanOrEqual(0.5);
    expect(late('TH')).toBeGreaterThan(late('SG'));
  });

  it('partial named fewer of the expected actions than diligent', () => {
    const recall = (code: string) => {
      const xs = injectsOf(code)
        .map((i) => i.completeness.components.actions.recall)
        .filter((r, k) => r !== null && injectsOf(code)[k]!.times.toReport !== undefined) as number[];
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(recall('ID')).toBeLessThan(recall('SG'));
  });

  it('answers requests for assistance by profile: diligent cooperates best, silent not at all', () => {
    const sg = cooperationOf('SG');
    const ph = cooperationOf('PH');
    expect(sg.asked).toBeGreaterThan(0);
    // Diligent answers everything it is asked. (Its score also depends on how late the answers land: at ×1800 a
    // scenario minute is 33 ms, so a loaded machine alone can push an answer past its target; a CI run saw 0.57.)
    expect(sg.answered).toBe(sg.asked);
    expect(sg.score!).toBeGreaterThan(ph.score ?? 0);
    // Silent answers nothing: no score when nobody asked it, 0 when someone did.
    expect(ph.answered).toBe(0);
    expect(ph.score).toBe(ph.asked ? 0 : null);
    // A request scripted in the scenario (a simulated foreign CERT) that reached the diligent team was fulfilled.
    for (const inject of scenario.injects.filter((i) => i.assistance)) {
      const asked = sg.requests.filter((r) => r.scripted && r.injectId === inject.id);
      if (asked.length) expect(asked.map((r) => r.status)).toEqual(['fulfilled']);
    }
    // The bots ask each other too, and some of those requests were fulfilled.
    const betweenTeams = cards.teams.flatMap((t) => t.cooperation.requests.filter((r) => !r.scripted));
    expect(betweenTeams.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    expect(team('MY').stats.requestsSent).toBeGreaterThan(0); // noisy asks
    expect(team('PH').stats.requestsSent).toBe(0);
    // What each bot counted is what the server recorded.
    for (const t of result.teams) {
      const c = cooperationOf(t.code);
      expectAs(
        [t.stats.requestsSent, t.stats.requestsAsked, t.stats.requestsAnswered, t.stats.requestsFulfilled],
        `${t.code} sent, asked, answered, fulfilled`,
      ).toEqual([c.sent, c.asked, c.answered, c.fulfilled]);
      expect(t.cooperation).toBe(c.score);
    }
  });

  it('sent a communications check before STARTEX that every bot but silent confirmed', () => {
    const aar = JSON.parse(readFileSync(join(out, 'aar.json'), 'utf8')) as {
      reachability: { beforeStartex: boolean; teams: { code: string; reached: boolean; confirmed: boolean }[] };
    };
    expect(aar.reachability.beforeStartex).toBe(true);
    expect(aar.reachability.teams.map((t) => `${t.code}:${t.reached}:${t.confirmed}`).sort()).toEqual([
      'ID:true:true',
      'MY:true:true',
      'PH:true:false',
      'SG:true:true',
      'TH:true:true',
    ]);
    for (const t of result.teams) expectAs(t.stats.comchecksConfirmed, t.code).toBe(t.code === 'PH' ? 0 : 1);
  });

  it('writes the scorecards, the run record and the AAR', () => {
    expect(result.outDir).toBe(out);
    const sim = JSON.parse(readFileSync(join(out, 'simulation.json'), 'utf8'));
    expect(sim.seed).toBe(20260415);
    expect(sim.teams.find((t: { code: string }) => t.code === 'PH').profile).toBe('silent');
    expect(sim.teams.find((t: { code: string }) => t.code === 'SG')).toMatchObject({
      cooperation: cooperationOf('SG').score,
      requestsSent: team('SG').stats.requestsSent,
      requestsAnswered: cooperationOf('SG').answered,
      requestsFulfilled: cooperationOf('SG').fulfilled,
      comchecksConfirmed: 1,
    });
    expect(result.aarWritten).toBe(true);
    for (const f of ['aar.html', 'aar.json', 'aar.csv']) expectAs(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'aar.html'), 'utf8')).toMatch(/<html/i);
  });

  (haveChromium ? it : it.skip)('writes an AAR whose screenshot in headless Chromium shows the charts', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1500 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(pathToFileURL(join(out, 'aar.html')).href, { waitUntil: 'load' });
      for (const id of ['timeline', 'response-times', 'completeness', 'sharing']) {
        const svg = page.locator(`figure[data-chart="${id}"] > svg`);
        expectAs(await svg.isVisible(), `${id} chart visible`).toBe(true);
        expectAs((await svg.boundingBox())?.width ?? 0, `${id} width`).toBeGreaterThan(100);
      }
      const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));
      mkdirSync(artifacts, { recursive: true });
      const png = join(artifacts, 'simulated-aar.png');
      await page.locator('figure[data-chart="timeline"]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: png });
      expect(statSync(png).size).toBeGreaterThan(10_000);
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
