import { parse } from 'csv-parse/sync';
import { describe, expect, it } from '@jest/globals';
import type { AssistanceRequestView, CooperationView, TlpLabel } from '@drill/contracts';
import { buildAar } from './build.js';
import { cooperationChartText, cooperationSpec } from './charts.js';
import { aarCooperation } from './cooperation.js';
import {
  COOPERATION_MATRIX_CSV_COLUMNS,
  COOPERATION_REQUEST_CSV_COLUMNS,
  COOPERATION_TEAM_CSV_COLUMNS,
  cooperationCsvLines,
} from './cooperation-render.js';
import { renderAarCsv } from './csv.js';
import { renderAarHtml } from './html.js';
import type { AarInput } from './model.js';
import { at, fixtureInput } from './spec-fixture.js';

// Five requests among the fixture's teams A, B, C (ids tA, tB, tC), all with the default targets (30 / 120 min):
//   r2 min 2  JPCERT/CC (simulated, scripted on I-1) → A  declined after 40 (late)
//   r3 min 2  JPCERT/CC (simulated, scripted on I-1) → B  accepted after 10, never fulfilled
//   r1 min 3  A → B takedown                             accepted after 5, fulfilled after 20.004
//   r4 min 6  B → C log-check, TLP:RED                    never answered
//   r5 min 8  C → drill control analysis                  fulfilled after 15 (its first answer)
const SECRET = 'Check the VPN logs for 10.66.0.7 <b>now</b>';
const PERSONA = 'JPCERT/CC (simulated)';
const team = (id: string) => ({ teamId: id, code: id.slice(1), name: `${id.slice(1)} CERT` });
const CONTROL = { teamId: null, code: 'control', name: 'Drill control' };
const JPCERT = { teamId: null, code: 'control', name: PERSONA };

function request(
  id: string,
  min: number,
  from: AssistanceRequestView['from'],
  to: AssistanceRequestView['to'],
  over: Partial<AssistanceRequestView> & { answers?: [string, number, string][] } = {},
): AssistanceRequestView {
  const { answers = [], ...rest } = over;
  const hhmm = `T+00:${String(min).padStart(2, '0')}:00`;
  return {
    id,
    exerciseId: 'ex-1',
    from,
    to,
    requestedBy: from.teamId ? { userId: `u-${from.code}`, name: `Analyst ${from.code}` } : null,
    injectId: null,
    kind: 'takedown',
    text: `Request ${id}`,
    tlp: 'TLP:AMBER',
    iocs: [],
    scripted: false,
    status: 'open',
    requestedAt: at(min),
    requestedScenarioTime: hhmm,
    toFirstResponseMinutes: null,
    toFulfilmentMinutes: null,
    targets: { respondMinutes: 30, fulfilMinutes: 120 },
    responses: answers.map(([status, after, text], i) => ({
      id: `${id}-a${i}`,
      status: status as 'accepted',
      text,
      byUserId: 'u-x',
      byName: 'Responder Name',
      at: at(min + after),
      scenarioTime: hhmm,
      afterMinutes: after,
    })),
    ...rest,
  };
}

const REQUESTS: AssistanceRequestView[] = [
  request('r1', 3, team('tA'), team('tB'), {
    status: 'fulfilled',
    toFirstResponseMinutes: 5,
    toFulfilmentMinutes: 20.004,
    iocs: [{ type: 'domain', value: 'evil.example' }],
    answers: [
      ['accepted', 5, 'On it'],
      ['fulfilled', 20.004, 'Domain suspended'],
    ],
  }),
  request('r4', 6, team('tB'), team('tC'), { kind: 'log-check', tlp: 'TLP:RED', text: SECRET }),
  request('r5', 8, team('tC'), CONTROL, {
    kind: 'analysis',
    tlp: 'TLP:CLEAR',
    status: 'fulfilled',
    toFirstResponseMinutes: 15,
    toFulfilmentMinutes: 15,
    answers: [['fulfilled', 15, 'Sample is a loader']],
  }),
  request('r2', 2, JPCERT, team('tA'), {
    scripted: true,
    injectId: 'I-1',
    tlp: 'TLP:GREEN',
    status: 'declined',
    toFirstResponseMinutes: 40,
    answers: [['declined', 40, 'Not ours']],
  }),
  request('r3', 2, JPCERT, team('tB'), {
    scripted: true,
    injectId: 'I-1',
    tlp: 'TLP:GREEN',
    status: 'accepted',
    toFirstResponseMinutes: 10,
    answers: [['accepted', 10, 'Looking']],
  }),
];

const view = (score: number, requestIds: string[], explanation: string): CooperationView => ({
  score,
  asked: requestIds.length,
  sent: 1,
  answered: requestIds.length,
  fulfilled: 0,
  medianToFirstResponseMinutes: null,
  medianToFulfilmentMinutes: null,
  requests: requestIds.map((requestId) => ({
    requestId,
    fromCode: 'x',
    kind: 'takedown',
    injectId: null,
    scripted: false,
    status: 'open',
    response: 1,
    outcome: score,
    score,
    explanation: `request ${requestId} scored ${score}`,
  })),
  explanation,
});

// C has no view: its score is not computed (it was asked once and never answered).
const VIEWS = new Map<string, CooperationView>([
  ['tA', view(0.2, ['r2'], 'declined a request it was expected to fulfil')],
  ['tB', view(0.87549, ['r1', 'r3'], 'answered both in time')],
]);

const inputWith = (marking?: TlpLabel, assistance = REQUESTS): AarInput =>
  fixtureInput({ assistance, cooperation: VIEWS, ...(marking ? { marking } : {}) });

describe('aarCooperation', () => {
  const c = aarCooperation({
    teams: fixtureInput().teams,
    assistance: REQUESTS,
    cooperation: VIEWS,
    marking: 'TLP:AMBER',
  });

  it('counts every request once: answered, on target, fulfilled, declined, still open, with medians', () => {
    expect(c.totals).toEqual({
      requests: 5,
      scripted: 2,
      toControl: 1,
      answered: 4,
      answeredOnTarget: 3, // r2 answered after 40 > 30
      fulfilled: 2,
      fulfilledOnTarget: 2,
      declined: 1,
      accepted: 1,
      open: 1,
      medianToFirstResponseMinutes: 12.5, // 5, 10, 15, 40
      medianToFulfilmentMinutes: (20.004 + 15) / 2,
    });
  });

  it('gives each team its figures as the asked party, what it sent, and the scoring’s score', () => {
    const [a, b, cc] = c.teams;
    expect(a).toMatchObject({ code: 'A', asked: 1, sent: 1, answered: 1, answeredOnTarget: 0, declined: 1 });
    expect(a).toMatchObject({ medianToFirstResponseMinutes: 40, medianToFulfilmentMinutes: null, score: 0.2 });
    expect(a!.explanation).toBe('declined a request it was expected to fulfil');
    expect(b).toMatchObject({ asked: 2, sent: 1, answered: 2, fulfilled: 1, accepted: 1, open: 0, score: 0.87549 });
    expect(b).toMatchObject({ medianToFirstResponseMinutes: 7.5, medianToFulfilmentMinutes: 20.004 });
    expect(cc).toMatchObject({ asked: 1, sent: 1, answered: 0, open: 1, score: null });
    expect(cc!.medianToFirstResponseMinutes).toBeNull();
    expect(cc!.explanation).toBe('No cooperation score was computed.');
    const idle = aarCooperation({ teams: fixtureInput().teams, assistance: [], marking: 'TLP:AMBER' });
    expect(idle.teams[0]).toMatchObject({ asked: 0, score: null, explanation: expect.stringMatching(/Not asked/) });
  });

  it('lists the requests oldest first, with the per-request score, without naming people', () => {
    expect(c.requests.map((r) => r.id)).toEqual(['r2', 'r3', 'r1', 'r4', 'r5']);
    const r1 = c.requests.find((r) => r.id === 'r1')!;
    expect(r1).toMatchObject({ fromKey: 'A', toKey: 'B', score: 0.87549, explanation: 'request r1 scored 0.87549' });
    expect(r1.answers.map((a) => [a.status, a.afterMinutes, a.text])).toEqual([
      ['accepted', 5, 'On it'],
      ['fulfilled', 20.004, 'Domain suspended'],
    ]);
    expect(c.requests.find((r) => r.id === 'r5')).toMatchObject({ toKey: 'control', score: null });
    expect(JSON.stringify(c)).not.toMatch(/Analyst|Responder Name/);
  });

  it('builds the matrix: teams, then drill control and its personas as asking parties; control asked last', () => {
    expect(c.matrix.rows.map((p) => [p.key, p.kind])).toEqual([
      ['A', 'team'],
      ['B', 'team'],
      ['C', 'team'],
      [PERSONA, 'persona'],
    ]);
    expect(c.matrix.columns.map((p) => p.label)).toEqual(['A', 'B', 'C', 'Drill control']);
    expect(c.matrix.cells).toEqual([
      { from: 'A', to: 'B', requests: 1, answered: 1, medianToFirstResponseMinutes: 5 },
      { from: 'B', to: 'C', requests: 1, answered: 0, medianToFirstResponseMinutes: null },
      { from: 'C', to: 'control', requests: 1, answered: 1, medianToFirstResponseMinutes: 15 },
      { from: PERSONA, to: 'A', requests: 1, answered: 1, medianToFirstResponseMinutes: 40 },
      { from: PERSONA, to: 'B', requests: 1, answered: 1, medianToFirstResponseMinutes: 10 },
    ]);
    const own = aarCooperation({
      teams: fixtureInput().teams,
      assistance: [request('x', 1, CONTROL, team('tA')), request('y', 2, JPCERT, team('tA'), { scripted: true })],
      marking: 'TLP:AMBER',
    });
    expect(own.matrix.rows.map((p) => p.label)).toEqual(['A', 'B', 'C', 'Drill control', PERSONA]);
    expect(own.matrix.columns.map((p) => p.key)).toEqual(['A', 'B', 'C']);
  });

  it('withholds the words of a request marked stricter than the report, and only those', () => {
    const r4 = c.requests.find((r) => r.id === 'r4')!;
    expect(r4).toMatchObject({ withheld: true, text: null, iocs: [], kind: 'log-check', tlp: 'TLP:RED' });
    expect(c.requests.filter((r) => r.withheld).map((r) => r.id)).toEqual(['r4']);
    const red = aarCooperation({ teams: [], assistance: REQUESTS, marking: 'TLP:RED' });
    expect(red.requests.find((r) => r.id === 'r4')).toMatchObject({ withheld: false, text: SECRET });
    const strict = aarCooperation({
      teams: [],
      assistance: [
        request('s', 1, team('tA'), team('tB'), { tlp: 'TLP:AMBER+STRICT', answers: [['accepted', 1, 'ok']] }),
      ],
      marking: 'TLP:AMBER',
    });
    expect(strict.requests[0]).toMatchObject({ withheld: true, text: null, answers: [{ text: null }] });
  });
});

describe('the AAR with a cooperation section', () => {
  it('has one only when the requests were given', () => {
    expect(buildAar(fixtureInput()).cooperation).toBeUndefined();
    expect(buildAar(inputWith()).cooperation?.totals.requests).toBe(5);
  });

  it('renders it after information sharing, with summary, heat map, tables and the RED text withheld', async () => {
    const aar = buildAar(inputWith());
    const html = await renderAarHtml(aar);
    const order = ['sharing', 'cooperation', 'reachability', 'plan'].map((id) => html.indexOf(`<section id="${id}"`));
    expect(order[0]).toBeGreaterThan(0);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Point-of-contact reachability moves down one number.
    expect(html).toMatch(/<section id="reachability"[^>]*>\s*<h2><span class="sec-no">8<\/span>/);
    expect(html).toContain('<li><a href="#cooperation">Cooperation</a></li>');
    const section = /<section id="cooperation"[\s\S]*?<\/section>/.exec(html)![0];
    expect(section).toContain('<span class="sec-no">7</span> Cooperation');
    expect(section).toContain(
      '5 requests for assistance (2 scripted by drill control as a foreign CERT, 1 to drill control): 4 answered (3 within the target), 2 fulfilled, 1 declined, 1 accepted but not fulfilled, 1 never answered. Median time to the first answer 12.5 min, to fulfilment 17.5 min',
    );
    expect(section).toMatch(
      /<figure class="chart" id="fig-cooperation"[^>]*><h3 class="fig-title"[^>]*><span class="fig-no">Figure 5\.<\/span>/,
    );
    expect(section).toMatch(/<svg[^>]*role="img" aria-labelledby="chart-cooperation-title"/);
    expect(section).toContain('text withheld (TLP:RED)');
    expect(section).toMatch(/<tr data-team="B">.*?data-figure="cooperation"><strong>0\.875<\/strong>/);
    expect(section).toContain('JPCERT/CC (simulated) <span class="muted">(scripted)</span>');
    expect(section).toContain('Domain suspended');
    expect(section).toContain('<code>domain evil.example</code>');
    // Nowhere in any format of an AMBER report: neither escaped nor raw.
    for (const text of [html, JSON.stringify(aar), renderAarCsv(aar)]) {
      expect(text).not.toContain('10.66.0.7');
    }
    const red = await renderAarHtml(buildAar(inputWith('TLP:RED')));
    expect(red).toContain('Check the VPN logs for 10.66.0.7 &lt;b&gt;now&lt;/b&gt;');
    expect(red).not.toContain('text withheld');
  });

  it('says so when nobody asked, with no chart', async () => {
    const html = await renderAarHtml(buildAar(inputWith(undefined, [])));
    const section = /<section id="cooperation"[\s\S]*?<\/section>/.exec(html)![0];
    expect(section).toContain('<p class="empty">Nobody asked for assistance during the drill');
    expect(section).not.toContain('<table');
    expect(section).not.toContain('<figure');
    expect(html).not.toMatch(/NaN|undefined|Infinity/);
    expect(cooperationChartText(buildAar(inputWith(undefined, []))).description).toMatch(/nobody asked/);
  });

  it('escapes what people wrote', async () => {
    const evil = '<script>alert(1)</script>';
    const html = await renderAarHtml(
      buildAar(
        inputWith(undefined, [
          request('e', 1, { teamId: null, code: 'control', name: `CERT ${evil}` }, team('tA'), {
            scripted: true,
            text: evil,
            answers: [['accepted', 1, evil]],
          }),
        ]),
      ),
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('CERT &lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('the cooperation heat map', () => {
  const aar = buildAar(inputWith());

  it('draws every asking × asked pair, a team’s own cell blank, with counts and median minutes', () => {
    const values = (
      cooperationSpec(aar) as {
        data: { values: { from: string; to: string; requests: number | null; label: string }[] };
      }
    ).data.values;
    expect(values).toHaveLength(4 * 4);
    const cell = (from: string, to: string) => values.find((v) => v.from === from && v.to === to)!;
    expect(cell('A', 'A').requests).toBeNull();
    expect(cell('A', 'B')).toMatchObject({ requests: 1, label: '1 · 5.0 min' });
    expect(cell('B', 'C')).toMatchObject({ requests: 1, label: '1 · no answer' });
    expect(cell(PERSONA, 'C')).toMatchObject({ requests: 0, label: '0' });
    expect(cell('C', 'Drill control').requests).toBe(1);
    expect(JSON.stringify(cooperationSpec(aar))).not.toMatch(/"url"\s*:/);
  });

  it('describes its figures in words', () => {
    const t = cooperationChartText(aar);
    expect(t.title).toMatch(/^Requests for assistance/);
    expect(t.description).toContain('5 requests over 5 pairs');
    expect(t.description).toContain('A to B 1 (median first answer 5.0 min)');
    expect(t.description).toContain('B to C 1, unanswered');
    expect(`${t.title} ${t.description}`).not.toMatch(/NaN|undefined|null/);
  });
});

describe('the cooperation CSV tables', () => {
  const aar = buildAar(inputWith());
  const csv = renderAarCsv(aar);
  const table = (header: readonly string[]) => {
    const block = csv.split('\r\n\r\n').find((b) => b.startsWith(header.join(',') + '\r\n'));
    expect(block).toBeDefined();
    return parse(block!, { columns: true }) as Record<string, string>[];
  };

  it('follow the scorecards, each with its header, rounded as the scorecards: scores 3 places, minutes 2', () => {
    expect(csv.startsWith('report_tlp,team_code,')).toBe(true);
    const teams = table(COOPERATION_TEAM_CSV_COLUMNS);
    expect(teams.map((r) => [r.scope, r.team_code])).toEqual([
      ['all', ''],
      ['team', 'A'],
      ['team', 'B'],
      ['team', 'C'],
    ]);
    expect(teams[0]).toMatchObject({ asked: '5', answered: '4', answered_on_target: '3', never_answered: '1' });
    expect(teams[0]).toMatchObject({ median_to_first_answer_min: '12.5', median_to_fulfilment_min: '17.5' });
    expect(teams[2]).toMatchObject({
      report_tlp: 'TLP:AMBER',
      cooperation_score: '0.875',
      median_to_fulfilment_min: '20',
    });
    expect(teams[3]).toMatchObject({ cooperation_score: '', median_to_first_answer_min: '', never_answered: '1' });
  });

  it('list every request without its words, and every pair of the matrix', () => {
    const requests = table(COOPERATION_REQUEST_CSV_COLUMNS);
    expect(requests.map((r) => r.request_id)).toEqual(['r2', 'r3', 'r1', 'r4', 'r5']);
    expect(requests[0]).toMatchObject({ from_name: PERSONA, to_code: 'A', scripted: 'yes', inject_id: 'I-1' });
    expect(requests[2]).toMatchObject({
      first_answer_after_min: '5',
      fulfilled_after_min: '20',
      request_score: '0.875',
    });
    expect(requests[3]).toMatchObject({ request_tlp: 'TLP:RED', final_status: 'open', first_answer_after_min: '' });
    expect(csv).not.toContain('Domain suspended');
    const pairs = table(COOPERATION_MATRIX_CSV_COLUMNS);
    expect(
      pairs.map((p) => `${p.asking_party}>${p.asked_party}:${p.requests}/${p.median_to_first_answer_min}`),
    ).toEqual(['A>B:1/5', 'B>C:1/', 'C>Drill control:1/15', `${PERSONA}>A:1/40`, `${PERSONA}>B:1/10`]);
  });

  it('are absent without a cooperation section or without requests', () => {
    expect(cooperationCsvLines(buildAar(fixtureInput()))).toEqual([]);
    expect(cooperationCsvLines(buildAar(inputWith(undefined, [])))).toEqual([]);
    expect(renderAarCsv(buildAar(fixtureInput()))).not.toContain('cooperation_score');
  });
});
