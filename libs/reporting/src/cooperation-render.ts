import { csvRow, roundTo } from './csv.js';
import { CONTROL_LABEL, type AarCooperation, type CooperationCounts, type CooperationRequest } from './cooperation.js';
import { DASH, escapeHtml as esc, minutes, score } from './format.js';
import type { Aar } from './model.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const kindText = (k: string) => k.replace(/-/g, ' ');
const tlpClass = (l: string) => l.replace('TLP:', '').replace('+', '-').toLowerCase();
const th = (text: string, cls = '') => `<th${cls ? ` class="${cls}"` : ''} scope="col">${text}</th>`;

/** The section's opening sentence: what was asked and how it was answered, in the report's own figures. */
export function cooperationSummary(c: AarCooperation): string {
  const t = c.totals;
  if (t.requests === 0)
    return 'Nobody asked for assistance during the drill, and no request scripted in the scenario was released.';
  const asides = [
    t.scripted ? `${t.scripted} scripted by drill control as a foreign CERT` : '',
    t.toControl ? `${t.toControl} to drill control` : '',
  ].filter(Boolean);
  const medians = [
    t.medianToFirstResponseMinutes === null ? '' : `to the first answer ${minutes(t.medianToFirstResponseMinutes)} min`,
    t.medianToFulfilmentMinutes === null ? '' : `to fulfilment ${minutes(t.medianToFulfilmentMinutes)} min`,
  ].filter(Boolean);
  return (
    `${plural(t.requests, 'request')} for assistance${asides.length ? ` (${asides.join(', ')})` : ''}: ` +
    `${t.answered} answered (${t.answeredOnTarget} within the target), ${t.fulfilled} fulfilled, ${t.declined} declined, ` +
    `${t.accepted} accepted but not fulfilled, ${t.open} never answered.` +
    (medians.length ? ` Median time ${medians.join(', ')} (scenario minutes after the request).` : '')
  );
}

const statusCell = (s: string) =>
  s === 'open' ? '<strong>never answered</strong>' : s === 'accepted' ? 'accepted, not fulfilled' : esc(s);

function requestWords(r: CooperationRequest): string {
  if (r.withheld) return `<span class="muted">text withheld (${esc(r.tlp)})</span>`;
  const iocs = r.iocs.length
    ? `<div>${r.iocs.map((i) => `<code>${esc(i.type)} ${esc(i.value)}</code>`).join(' ')}</div>`
    : '';
  const answers = r.answers.length
    ? `<ul class="why-list">${r.answers
        .map(
          (a) =>
            `<li><strong>${esc(a.status)}</strong> after ${minutes(a.afterMinutes)} min: ${esc(a.text ?? '')}</li>`,
        )
        .join('')}</ul>`
    : '';
  return `${esc(r.text ?? '')}${iocs}${answers}`;
}

function matrixTable(c: AarCooperation): string {
  const m = c.matrix;
  const cellOf = new Map(m.cells.map((x) => [`${x.from}\u0000${x.to}`, x]));
  const rows = m.rows.map((from) => {
    const cells = m.columns.map((to) => {
      if (from.kind === 'team' && from.key === to.key) return `<td class="num muted">${DASH}</td>`;
      const x = cellOf.get(`${from.key}\u0000${to.key}`);
      if (!x) return '<td class="num">0</td>';
      const med = x.medianToFirstResponseMinutes;
      return `<td class="num"><strong>${x.requests}</strong> <span class="muted">(${med === null ? 'no answer' : `${minutes(med)} min`})</span></td>`;
    });
    return `<tr><th scope="row">${esc(from.label)}</th>${cells.join('')}</tr>`;
  });
  return (
    `<table class="grid compact cooperation-matrix"><caption>Requests for assistance per asking party (rows) and asked party (columns), with the median scenario minutes to the first answer</caption>` +
    `<thead><tr>${th('Asking \\ asked')}${m.columns.map((p) => th(esc(p.label), 'num')).join('')}</tr></thead>` +
    `<tbody>${rows.join('\n')}</tbody></table>`
  );
}

const onTarget = (n: number, of: number) => (of === 0 ? DASH : `${n}/${of}`);

function teamTable(c: AarCooperation): string {
  const rows = c.teams.map(
    (t) =>
      `<tr data-team="${esc(t.code)}"><th scope="row">${esc(t.code)} <span class="muted">${esc(t.name)}</span></th>` +
      `<td class="num">${t.asked}</td><td class="num">${t.answered}</td><td class="num">${onTarget(t.answeredOnTarget, t.answered)}</td>` +
      `<td class="num">${t.fulfilled}</td><td class="num">${t.declined}</td><td class="num">${t.open}</td>` +
      `<td class="num">${minutes(t.medianToFirstResponseMinutes)}</td><td class="num">${minutes(t.medianToFulfilmentMinutes)}</td>` +
      `<td class="num">${t.sent}</td><td class="num" data-figure="cooperation"><strong>${score(t.score)}</strong></td>` +
      `<td class="why">${esc(t.explanation)}</td></tr>`,
  );
  return (
    `<table class="grid compact cooperation-teams"><caption>Each team as the asked party (times in scenario minutes after the request) and the requests it sent</caption>` +
    `<thead><tr>${th('Team')}${th('Asked', 'num')}${th('Answered', 'num')}${th('On target', 'num')}${th('Fulfilled', 'num')}${th('Declined', 'num')}` +
    `${th('Never answered', 'num')}${th('Median to first answer', 'num')}${th('Median to fulfilment', 'num')}${th('Sent', 'num')}${th('Score', 'num')}${th('Why')}</tr></thead>` +
    `<tbody>${rows.join('\n')}</tbody></table>`
  );
}

function requestTable(c: AarCooperation): string {
  const rows = c.requests.map(
    (r) =>
      `<tr data-request="${esc(r.id)}"><td class="nowrap">${esc(r.requestedScenarioTime)}</td>` +
      `<td>${esc(r.from.teamId === null ? (r.scripted ? r.from.name : CONTROL_LABEL) : r.from.code)}${r.scripted ? ' <span class="muted">(scripted)</span>' : ''}</td>` +
      `<td>${esc(r.to.teamId === null ? CONTROL_LABEL : r.to.code)}</td><td>${esc(kindText(r.kind))}</td><td>${r.injectId ? esc(r.injectId) : DASH}</td>` +
      `<td><span class="tlp tlp-${tlpClass(r.tlp)}">${esc(r.tlp)}</span></td>` +
      `<td class="num">${minutes(r.toFirstResponseMinutes)}</td><td class="num">${minutes(r.toFulfilmentMinutes)}</td>` +
      `<td>${statusCell(r.status)}</td><td class="num">${score(r.score)}</td>` +
      `<td>${requestWords(r)}${r.explanation ? `<div class="why">${esc(r.explanation)}</div>` : ''}</td></tr>`,
  );
  return (
    `<table class="grid compact cooperation-requests"><caption>Every request, oldest first: first answer and fulfilment in scenario minutes after the request</caption>` +
    `<thead><tr>${th('Requested')}${th('From')}${th('To')}${th('Kind')}${th('Inject')}${th('TLP')}${th('First answer', 'num')}` +
    `${th('Fulfilled', 'num')}${th('Final status')}${th('Score', 'num')}${th('Request and answers')}</tr></thead>` +
    `<tbody>${rows.join('\n')}</tbody></table>`
  );
}

/**
 * The AAR's "Cooperation" section; empty when the report has none. `figure` is the heat map, already rendered as
 * the report's other figures are (html.ts), or empty when nobody asked anything.
 */
export function cooperationSectionHtml(aar: Aar, number: string, figure: string): string {
  const c = aar.cooperation;
  if (!c) return '';
  const body =
    c.totals.requests === 0
      ? `<p class="empty">${esc(cooperationSummary(c))}</p>`
      : `<p class="lead">${esc(cooperationSummary(c))} A team's score is the mean over the requests it was asked of how fast it answered and how the request ended, against the targets.
  Requests marked stricter than this report (${esc(aar.marking)}) are listed without their text.</p>
  ${figure}
  ${matrixTable(c)}
  <h3>Teams</h3>
  ${teamTable(c)}
  <h3>Requests</h3>
  ${requestTable(c)}`;
  return `
<section id="cooperation" class="section">
  <h2><span class="sec-no">${esc(number)}</span> Cooperation</h2>
  ${body}
</section>`;
}

// ───────────── CSV ─────────────

export const COOPERATION_TEAM_CSV_COLUMNS = [
  'report_tlp',
  'scope',
  'team_code',
  'team_name',
  'asked',
  'answered',
  'answered_on_target',
  'fulfilled',
  'fulfilled_on_target',
  'declined',
  'accepted_not_fulfilled',
  'never_answered',
  'sent',
  'median_to_first_answer_min',
  'median_to_fulfilment_min',
  'cooperation_score',
] as const;

export const COOPERATION_REQUEST_CSV_COLUMNS = [
  'report_tlp',
  'request_id',
  'from_code',
  'from_name',
  'to_code',
  'to_name',
  'scripted',
  'kind',
  'inject_id',
  'request_tlp',
  'requested_at',
  'requested_scenario_time',
  'first_answer_after_min',
  'fulfilled_after_min',
  'respond_target_min',
  'fulfil_target_min',
  'final_status',
  'request_score',
] as const;

export const COOPERATION_MATRIX_CSV_COLUMNS = [
  'report_tlp',
  'asking_party',
  'asked_party',
  'requests',
  'answered',
  'median_to_first_answer_min',
] as const;

// As the scorecards' CSV rounds: scores to three places, scenario minutes to two.
const sc = (x: number | null | undefined) => roundTo(x, 3);
const min = (x: number | null | undefined) => roundTo(x, 2);
const countCells = (c: CooperationCounts) => [
  c.answered,
  c.answeredOnTarget,
  c.fulfilled,
  c.fulfilledOnTarget,
  c.declined,
  c.accepted,
  c.open,
];

/**
 * The cooperation figures as three more CSV tables (each with its header, separated by one empty line): the totals
 * and each team, each request, and each pair of the matrix; nothing when the report has no cooperation section or
 * nobody asked anything (as feedback writes nothing without respondents).
 * Request texts and answers stay out, as comments do: free text belongs in the HTML and JSON.
 */
export function cooperationCsvLines(aar: Aar): string[] {
  const c = aar.cooperation;
  if (!c || c.totals.requests === 0) return [];
  const label = new Map([...c.matrix.rows, ...c.matrix.columns].map((p) => [p.key, p.label]));
  const t = c.totals;
  return [
    csvRow(COOPERATION_TEAM_CSV_COLUMNS),
    csvRow([
      aar.marking,
      'all',
      '',
      'All requests',
      t.requests,
      ...countCells(t),
      t.requests,
      min(t.medianToFirstResponseMinutes),
      min(t.medianToFulfilmentMinutes),
      null,
    ]),
    ...c.teams.map((x) =>
      csvRow([
        aar.marking,
        'team',
        x.code,
        x.name,
        x.asked,
        ...countCells(x),
        x.sent,
        min(x.medianToFirstResponseMinutes),
        min(x.medianToFulfilmentMinutes),
        sc(x.score),
      ]),
    ),
    '',
    csvRow(COOPERATION_REQUEST_CSV_COLUMNS),
    ...c.requests.map((r) =>
      csvRow([
        aar.marking,
        r.id,
        r.from.code,
        r.from.name,
        r.to.code,
        r.to.name,
        r.scripted ? 'yes' : 'no',
        r.kind,
        r.injectId,
        r.tlp,
        r.requestedAt,
        r.requestedScenarioTime,
        min(r.toFirstResponseMinutes),
        min(r.toFulfilmentMinutes),
        r.targets.respondMinutes,
        r.targets.fulfilMinutes,
        r.status,
        sc(r.score),
      ]),
    ),
    '',
    csvRow(COOPERATION_MATRIX_CSV_COLUMNS),
    ...c.matrix.cells.map((x) =>
      csvRow([
        aar.marking,
        label.get(x.from) ?? x.from,
        label.get(x.to) ?? x.to,
        x.requests,
        x.answered,
        min(x.medianToFirstResponseMinutes),
      ]),
    ),
  ];
}
