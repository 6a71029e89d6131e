import { TLP_LABELS, type TlpLabel } from '@drill/contracts';
import { COMPONENT_KEYS, type ComponentKey, type Rating } from '@drill/scoring';
import {
  accessibleSvg,
  chartTexts,
  COOPERATION_CHART_ID,
  cooperationChartText,
  cooperationSpec,
  renderChartSvg,
  renderCharts,
  type ChartId,
  type ChartText,
} from './charts.js';
import {
  AAR_MARKING_TEXT,
  CAPABILITY_ELEMENT_TEXT,
  DASH,
  escapeHtml as esc,
  minutes,
  percent,
  RATING_TEXT,
  ratio,
  scenarioTime,
  score,
  utc,
} from './format.js';
import { reachabilitySectionHtml } from './comcheck.js';
import { cooperationSectionHtml } from './cooperation-render.js';
import { feedbackSectionHtml } from './feedback-render.js';
import { markdownToHtml } from './markdown.js';
import type { Aar, AarNote, InjectAnalysis, ObjectiveAnalysis, Stats, TeamScorecard } from './model.js';
import { AAR_STYLES } from './styles.js';

const COMPONENT_SHORT: Record<ComponentKey, string> = {
  iocs: 'IOCs',
  classification: 'Class.',
  severity: 'Sev.',
  actions: 'Actions',
  recipients: 'Recip.',
  structure: 'Struct.',
};

const badge = (r: Rating | null, title?: string) =>
  r === null
    ? `<span class="badge badge-none" title="not rated">n/r</span>`
    : `<span class="badge badge-${r}" title="${esc(title ?? RATING_TEXT[r])}">${r}</span>`;

const stat = (s: Stats | null, pick: (s: Stats) => number) => (s === null ? DASH : minutes(pick(s)));
const range = (s: Stats | null) => (s === null ? DASH : `${minutes(s.min)}–${minutes(s.max)}`);

function table(cls: string, head: string[], rows: string[], caption?: string): string {
  return (
    `<table class="${cls}">${caption ? `<caption>${caption}</caption>` : ''}` +
    `<thead><tr>${head.join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`
  );
}

const th = (text: string, cls = '') => `<th${cls ? ` class="${cls}"` : ''} scope="col">${text}</th>`;

/** A chart with a visible title (a heading, so it is in the document outline) above it and its caption below. */
function figure(
  id: ChartId | typeof COOPERATION_CHART_ID,
  n: number,
  svg: string,
  text: ChartText,
  caption: string,
): string {
  return (
    `<figure class="chart" id="fig-${id}" data-chart="${id}" aria-labelledby="fig-${id}-title">` +
    `<h3 class="fig-title" id="fig-${id}-title"><span class="fig-no">Figure ${n}.</span> ${esc(text.title)}</h3>${svg}` +
    `<figcaption>${caption}</figcaption></figure>`
  );
}

const tlpClass = (l: string) => l.replace('TLP:', '').replace('+', '-').toLowerCase();

/** The report's TLP marking as a band, at the top and the foot of the document (TLP 2.0: label, then its rule). */
function markingBand(marking: TlpLabel, where: 'top' | 'bottom'): string {
  return (
    `<div class="marking marking-${where}" role="note" aria-label="Traffic Light Protocol marking of this report">` +
    `<span class="tlp tlp-${tlpClass(marking)}">${esc(marking)}</span> <span class="marking-rule">${esc(AAR_MARKING_TEXT[marking])}</span></div>`
  );
}

/**
 * The marking on every printed page: CSS page-margin boxes at the top and bottom centre of each page (Chromium ≥
 * 131 prints them). Black with the label's colour, as TLP 2.0 asks. The label is one of five fixed strings.
 */
function markingPageRule(marking: TlpLabel): string {
  const colour: Record<TlpLabel, string> = {
    'TLP:CLEAR': '#ffffff',
    'TLP:GREEN': '#33ff00',
    'TLP:AMBER': '#ffc000',
    'TLP:AMBER+STRICT': '#ffc000',
    'TLP:RED': '#ff2b2b',
  };
  // A margin box is as tall as the page margin (16 mm): its own margins shrink the black band to ~6 mm.
  const box = `content: "${marking}"; font: bold 10pt "SFMono-Regular", Consolas, monospace; color: ${colour[marking]}; background: #000; padding: 0 3mm; vertical-align: middle; -webkit-print-color-adjust: exact; print-color-adjust: exact;`;
  return `@page { @top-center { ${box} margin: 7mm 0 3mm; } @bottom-center { ${box} margin: 3mm 0 7mm; } }`;
}

// Defence in depth for a copy opened from disk or handed to a PDF renderer: the same policy the API serves it with
// (minus what a <meta> cannot carry), so a rendering slip can neither run code nor fetch anything.
const META_CSP = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`;

function notesList(notes: AarNote[], empty: string): string {
  if (notes.length === 0) return `<p class="empty">${empty}</p>`;
  return `<ul class="notes">${notes
    .map((n) => `<li><p>${esc(n.text)}</p><p class="byline">${esc(n.author)}, ${utc(n.at)}</p></li>`)
    .join('')}</ul>`;
}

/**
 * The AAR as one self-contained HTML document: inline CSS (screen and print), inline SVG charts, no scripts and
 * no external resources, in the HSEEP AAR/IP order. Every user-written string is escaped.
 */
export async function renderAarHtml(aar: Aar): Promise<string> {
  const charts = await renderCharts(aar);
  const texts = chartTexts(aar);
  const marking = aar.marking;
  const ex = aar.overview.exercise;
  const sc = aar.overview.scenario;
  const kf = aar.keyFigures;
  const draft = aar.state.status !== 'published';
  // The marking leads the title, so it is the first thing a PDF viewer, a tab or a file list shows.
  const title = `${marking} — After-Action Report — ${ex.name}`;

  const statusLine = draft
    ? `<div class="banner banner-draft" role="note"><strong>DRAFT</strong> — this after-action report has not been published; figures, findings and the improvement plan may still change.</div>`
    : `<div class="banner banner-published" role="note"><strong>PUBLISHED</strong> ${utc(aar.state.publishedAt)}${aar.state.publishedBy ? ` by ${esc(aar.state.publishedBy)}` : ''} — this is the final report.</div>`;

  const cover = `
<header class="cover">
  ${markingBand(marking, 'top')}
  ${statusLine}
  <p class="eyebrow">After-Action Report / Improvement Plan</p>
  <h1>${esc(ex.name)}</h1>
  <p class="subtitle">${esc(sc.title)}</p>
  <dl class="meta">
    <div><dt>Exercise dates</dt><dd>${utc(ex.startedAt)} – ${utc(ex.endedAt)}</dd></div>
    <div><dt>Status</dt><dd>${esc(ex.status)}</dd></div>
    <div><dt>Scenario</dt><dd>${esc(sc.id)} v${sc.version}</dd></div>
    <div><dt>Clock speed</dt><dd>×${esc(ex.speed)}</dd></div>
    <div><dt>Participating teams</dt><dd>${aar.overview.teams.length}</dd></div>
    <div><dt>Report generated</dt><dd>${utc(aar.generatedAt)}</dd></div>
    <div><dt>Report marking</dt><dd><span class="tlp tlp-${tlpClass(marking)}">${esc(marking)}</span></dd></div>
  </dl>
  <p class="handling"><strong>Handling:</strong> this report evaluates the performance of participating teams in an exercise. Share it with drill control and the participating organisations only. Exercise injects are fictional.</p>
</header>`;

  const toc = `
<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>
  <li><a href="#overview">Exercise overview</a></li>
  <li><a href="#summary">Executive summary</a></li>
  <li><a href="#analysis">Analysis of capabilities</a></li>
  <li><a href="#scorecards">Team scorecards</a></li>
  <li><a href="#injects">Inject analysis</a></li>
  <li><a href="#sharing">Information sharing</a></li>
${aar.cooperation ? '  <li><a href="#cooperation">Cooperation</a></li>\n' : ''}  <li><a href="#reachability">Point-of-contact reachability</a></li>
  <li class="appendix"><a href="#plan">Appendix A — Improvement plan</a></li>
  <li class="appendix"><a href="#participants">Appendix B — Participants</a></li>
  <li class="appendix"><a href="#timeline">Appendix C — Exercise timeline</a></li>
  <li class="appendix"><a href="#method">Appendix D — Scoring method</a></li>
${aar.feedback ? '  <li class="appendix"><a href="#feedback">Appendix E — Participant feedback</a></li>\n' : ''}</ol></nav>`;

  // 1 — Exercise overview
  const overview = `
<section id="overview" class="section">
  <h2><span class="sec-no">1</span> Exercise overview</h2>
  <table class="kv">
    <tbody>
      <tr><th scope="row">Exercise name</th><td>${esc(ex.name)}</td></tr>
      <tr><th scope="row">Exercise dates</th><td>${utc(ex.startedAt)} – ${utc(ex.endedAt)}${ex.wallMinutes !== null ? ` (${minutes(ex.wallMinutes)} min wall clock)` : ''}</td></tr>
      <tr><th scope="row">Scenario</th><td>${esc(sc.title)} <span class="muted">(${esc(sc.id)}, version ${sc.version}, ${sc.injectCount} injects)</span></td></tr>
      <tr><th scope="row">Scenario time covered</th><td>${ex.scenarioMinutes !== null ? `${minutes(ex.scenarioMinutes)} min` : DASH} of ${sc.plannedDurationMinutes} min planned, at clock speed ×${esc(ex.speed)}</td></tr>
      <tr><th scope="row">Participating teams</th><td>${aar.overview.teams.map((t) => `<span class="chip">${esc(t.code)}</span>`).join(' ')}</td></tr>
    </tbody>
  </table>
  <h3>Scenario</h3>
  <div class="prose">${markdownToHtml(sc.summary, { headingOffset: 3 })}</div>
  ${sc.phases.length > 0 ? `<h3>Phases</h3><ol class="phases">${sc.phases.map((p) => `<li><strong>${esc(p.id)}</strong> ${esc(p.title)}</li>`).join('')}</ol>` : ''}
  <h3>Objectives and capabilities</h3>
  ${table(
    'grid',
    [th('Objective'), th('Capability'), th('Description'), th('Injects')],
    aar.overview.objectives.map(
      (o) =>
        `<tr><td class="nowrap"><strong>${esc(o.id)}</strong></td><td>${esc(o.capability)}</td><td>${o.description ? esc(o.description) : DASH}</td><td>${o.injectIds.map(esc).join(', ')}</td></tr>`,
    ),
  )}
</section>`;

  // 2 — Executive summary
  const kpi = (label: string, value: string, note = '', key = '') =>
    `<div class="kpi"${key ? ` data-figure="${key}"` : ''}><div class="kpi-value">${value}</div><div class="kpi-label">${label}</div>${note ? `<div class="kpi-note">${note}</div>` : ''}</div>`;
  const ratingCounts = (['P', 'S', 'M', 'U'] as Rating[]).map((r) => `${badge(r)}&#8201;${kf.ratings[r]}`).join(' ');
  const highlights = (kind: 'strengths' | 'improvements') =>
    aar.objectives.flatMap((o) =>
      o[kind].map((n) => `<li><span class="muted">${esc(o.id)}</span> ${esc(n.text)}</li>`),
    );
  const strengths = highlights('strengths');
  const afis = highlights('improvements');
  const summary = `
<section id="summary" class="section">
  <h2><span class="sec-no">2</span> Executive summary</h2>
  <div class="kpis">
    ${kpi('teams', String(kf.teams), `${kf.injectsReleased} of ${kf.injects} injects released`, 'teams')}
    ${kpi('response rate', ratio(kf.responseRate), `${kf.pairsResponded} of ${kf.pairsScored} required responses`, 'responseRate')}
    ${kpi('median time to first report', kf.timeToReport ? `${minutes(kf.timeToReport.median)} min` : DASH, kf.timeToReport ? `IQR ${minutes(kf.timeToReport.iqr)} min` : '', 'medianToReport')}
    ${kpi('reports on target', String(kf.pairsOnTarget), `${kf.pairsAfterDeadline} after the deadline`, 'onTarget')}
    ${kpi('mean team score', percent(kf.meanTeamPercent), kf.teamPercent ? `range ${percent(kf.teamPercent.min)}–${percent(kf.teamPercent.max)}` : '', 'meanTeamPercent')}
    ${kpi('reports shared with teams', String(kf.reportsSharedWithTeams), `${kf.reports} team reports, ${kf.sharingPairs} sharing pairs`, 'shared')}
  </div>
  <p class="ratings-line"><strong>Objective ratings:</strong> ${ratingCounts}
    <span class="muted">· ${kf.scoreOverrides} score and ${kf.ratingOverrides} rating overrides by evaluators · ${kf.strengths} strengths, ${kf.improvements} areas for improvement, ${kf.planItems} improvement-plan items</span></p>
  ${table(
    'grid',
    [th('Objective'), th('Capability'), th('Rating'), th('Mean score', 'num'), th('Scored', 'num')],
    aar.objectives.map(
      (o) =>
        `<tr data-objective="${esc(o.id)}"><td class="nowrap">${esc(o.id)}</td><td>${esc(o.capability)}</td><td>${badge(o.rating)} ${o.rating ? RATING_TEXT[o.rating] : 'not rated'}${o.override ? ' <span class="muted">(evaluator)</span>' : ''}</td><td class="num">${score(o.mean)}</td><td class="num">${o.scored}</td></tr>`,
    ),
  )}
  <div class="two-col">
    <div><h3>Major strengths</h3>${strengths.length ? `<ul class="bullets">${strengths.join('')}</ul>` : '<p class="empty">No strengths recorded yet.</p>'}</div>
    <div><h3>Primary areas for improvement</h3>${afis.length ? `<ul class="bullets">${afis.join('')}</ul>` : '<p class="empty">No areas for improvement recorded yet.</p>'}</div>
  </div>
</section>`;

  // 3 — Analysis of capabilities
  const analysis = `
<section id="analysis" class="section">
  <h2><span class="sec-no">3</span> Analysis of capabilities</h2>
  <p class="lead">Each objective is rated on the HSEEP scale from the mean final score of its injects over all teams
  (P ≥ ${score(aar.method.ratingThresholds.P)}, S ≥ ${score(aar.method.ratingThresholds.S)}, M ≥ ${score(aar.method.ratingThresholds.M)}, else U), unless an evaluator rated it with a justification.</p>
  ${aar.objectives.map((o) => objectiveBlock(o)).join('\n')}
</section>`;

  // 4 — Team scorecards
  const objIds = aar.objectives.map((o) => o.id);
  const scorecards = `
<section id="scorecards" class="section">
  <h2><span class="sec-no">4</span> Team scorecards</h2>
  <p class="lead">Score = ${score(aar.method.timelinessWeight)}·T + ${score(1 - aar.method.timelinessWeight)}·C per inject; a team's score is the weighted mean over the injects that required its response. Times are scenario minutes after release.</p>
  ${table(
    'grid scores',
    [
      th('Team'),
      th('Name'),
      th('Score', 'num'),
      th('Automatic', 'num'),
      th('Responded', 'num'),
      th('Median to report', 'num'),
      th('Mean T', 'num'),
      th('Mean C', 'num'),
      ...objIds.map((id) => th(esc(id), 'center')),
    ],
    aar.scorecards.map(
      (t) =>
        `<tr data-team="${esc(t.code)}"><td><a href="#team-${esc(t.code)}"><strong>${esc(t.code)}</strong></a></td><td>${esc(t.name)}</td>` +
        `<td class="num" data-figure="percent"><strong>${percent(t.percent)}</strong></td><td class="num">${percent(t.autoPercent)}</td>` +
        `<td class="num">${t.responded}/${t.scored}</td><td class="num">${stat(t.timeToReport, (s) => s.median)}</td>` +
        `<td class="num">${score(t.meanTimeliness)}</td><td class="num">${score(t.meanCompleteness)}</td>` +
        t.objectiveRatings.map((r) => `<td class="center">${badge(r.rating)}</td>`).join('') +
        `</tr>`,
    ),
  )}
  ${figure('completeness', 1, charts.completeness, texts.completeness, 'Completeness by component per team: the mean automatic score of each component over the team’s scored injects (n/a where no answer key defines it), and the mean final C after evaluator overrides.')}
  ${aar.scorecards.map((t) => teamBlock(t)).join('\n')}
</section>`;

  // 5 — Inject analysis
  const injects = `
<section id="injects" class="section">
  <h2><span class="sec-no">5</span> Inject analysis</h2>
  ${figure('timeline', 2, charts.timeline, texts.timeline, 'Timeline of inject releases, acknowledgements and reports per team (scenario minutes after STARTEX).')}
  ${figure('response-times', 3, charts['response-times'], texts['response-times'], 'Minutes from release to first report per inject: box = interquartile range, line = median, whiskers = min–max, dots = teams; green = target, red = deadline.')}
  ${table(
    'grid injects',
    [
      th('Inject'),
      th('Title'),
      th('Released'),
      th('Teams', 'num'),
      th('Responded', 'num'),
      th('Median', 'num'),
      th('IQR', 'num'),
      th('Min–max', 'num'),
      th('On target', 'num'),
      th('Mean score', 'num'),
    ],
    aar.injects.map(
      (i) =>
        `<tr data-inject="${esc(i.id)}"><td class="nowrap"><a href="#inject-${esc(i.id)}">${esc(i.id)}</a></td><td>${esc(i.title)}${i.responseRequired ? '' : ' <span class="muted">(no response required)</span>'}</td>` +
        `<td class="nowrap">${scenarioTime(i.firstReleasedScenarioMs)}</td><td class="num">${i.releasedTo}</td>` +
        `<td class="num">${i.responseRequired ? `${i.responded}/${i.scored}` : i.responded}</td><td class="num">${stat(i.timeToReport, (s) => s.median)}</td>` +
        `<td class="num">${stat(i.timeToReport, (s) => s.iqr)}</td><td class="num nowrap">${range(i.timeToReport)}</td>` +
        `<td class="num">${i.responseRequired ? `${i.onTarget}/${i.scored}` : DASH}</td><td class="num">${score(i.meanFinal)}</td></tr>`,
    ),
    'Times to first report in scenario minutes after release.',
  )}
  ${aar.injects.map((i) => injectBlock(i)).join('\n')}
</section>`;

  // 6 — Information sharing
  const tlps = TLP_LABELS.filter(
    (l) => aar.sharing.totalsByTlp[l] > 0 || aar.sharing.cells.some((c) => c.byTlp[l] > 0),
  );
  const sharing = `
<section id="sharing" class="section">
  <h2><span class="sec-no">6</span> Information sharing</h2>
  <p class="lead">${aar.sharing.reportsToTeams} team reports were addressed to other teams and ${aar.sharing.reportsControlOnly} to drill control only.
  A report to “all” counts once for every other team; drill control receives every report and is not shown.</p>
  ${figure('sharing', 4, charts.sharing, texts.sharing, 'Information-sharing matrix: reports each author team (rows) addressed to each recipient team (columns), all TLP labels.')}
  ${
    aar.sharing.cells.length === 0
      ? '<p class="empty">No team addressed a report to another team.</p>'
      : table(
          'grid sharing',
          [
            th('From'),
            th('To'),
            th('Reports', 'num'),
            ...tlps.map((l) => th(`<span class="tlp tlp-${tlpClass(l)}">${esc(l)}</span>`, 'num')),
          ],
          aar.sharing.cells.map(
            (c) =>
              `<tr><td>${esc(c.from)}</td><td>${esc(c.to)}</td><td class="num"><strong>${c.total}</strong></td>${tlps.map((l) => `<td class="num">${c.byTlp[l] || ''}</td>`).join('')}</tr>`,
          ),
        )
  }
</section>`;

  // 7 — Cooperation (when the drill had requests for assistance), then point-of-contact reachability
  let cooperationFigure = '';
  if (aar.cooperation && aar.cooperation.totals.requests > 0) {
    const prefix = `chart-${COOPERATION_CHART_ID}`;
    const text = cooperationChartText(aar);
    const svg = accessibleSvg(await renderChartSvg(cooperationSpec(aar), prefix), prefix, text);
    cooperationFigure = figure(
      COOPERATION_CHART_ID,
      5,
      svg,
      text,
      'Requests for assistance each asking party (rows) sent to each asked party (columns), with the median minutes to the first answer; the table below gives every figure.',
    );
  }
  const cooperation = cooperationSectionHtml(aar, '7', cooperationFigure);

  // Appendix A — Improvement plan
  const plan = `
<section id="plan" class="section appendix">
  <h2><span class="sec-no">A</span> Improvement plan</h2>
  <p class="lead">Corrective actions agreed from this exercise, in the HSEEP improvement-plan format.</p>
  ${
    aar.plan.length === 0
      ? '<p class="empty">No improvement-plan items recorded yet.</p>'
      : table(
          'grid plan',
          [
            th('Capability'),
            th('Issue / area for improvement'),
            th('Corrective action'),
            th('Capability element'),
            th('Primary responsible organisation'),
            th('POC'),
            th('Start date'),
            th('Completion date'),
          ],
          aar.plan.map(
            (p) =>
              `<tr><td>${esc(p.capability)}${p.objectiveId ? `<div class="muted">${esc(p.objectiveId)}</div>` : ''}</td><td>${esc(p.issue)}</td><td>${esc(p.correctiveAction)}</td>` +
              `<td>${esc(CAPABILITY_ELEMENT_TEXT[p.capabilityElement] ?? p.capabilityElement)}</td>` +
              `<td>${p.responsibleTeamCode ? `<strong>${esc(p.responsibleTeamCode)}</strong>${p.responsibleTeamName ? ` ${esc(p.responsibleTeamName)}` : ''}` : ''}${p.responsibleTeamCode && p.organisation ? ' · ' : ''}${p.organisation ? esc(p.organisation) : ''}</td>` +
              `<td>${p.poc ? esc(p.poc) : DASH}</td><td class="nowrap">${p.startDate ? esc(p.startDate) : DASH}</td><td class="nowrap">${esc(p.dueDate)}</td></tr>`,
          ),
        )
  }
</section>`;

  // Appendix B — Participants
  const participants = `
<section id="participants" class="section appendix">
  <h2><span class="sec-no">B</span> Participants</h2>
  ${table(
    'grid',
    [th('Code'), th('Team'), th('Country'), th('Score', 'num')],
    aar.overview.teams.map((t) => {
      const card = aar.scorecards.find((s) => s.teamId === t.id);
      return `<tr><td><strong>${esc(t.code)}</strong></td><td>${esc(t.name)}</td><td>${t.country ? esc(t.country) : DASH}</td><td class="num">${percent(card?.percent)}</td></tr>`;
    }),
  )}
</section>`;

  // Appendix C — Timeline
  const timeline = `
<section id="timeline" class="section appendix">
  <h2><span class="sec-no">C</span> Exercise timeline</h2>
  <p class="lead">Every release, acknowledgement, report and audited action, in the order they happened (${aar.timeline.length} entries).</p>
  ${table(
    'grid timeline compact',
    [th('Time (UTC)'), th('Scenario'), th('Kind'), th('Team'), th('Inject'), th('Detail')],
    aar.timeline.map(
      (r) =>
        `<tr class="k-${r.kind}"><td class="nowrap">${utc(r.at)}</td><td class="nowrap">${scenarioTime(r.scenarioMs)}</td><td>${r.kind}</td><td>${r.teamCode ? esc(r.teamCode) : ''}</td><td>${r.injectId ? esc(r.injectId) : ''}</td><td>${esc(r.detail)}</td></tr>`,
    ),
  )}
</section>`;

  // Appendix D — Method
  const w = aar.method.weights;
  const method = `
<section id="method" class="section appendix">
  <h2><span class="sec-no">D</span> Scoring method</h2>
  <ul class="bullets">
    <li>Inject score = ${score(aar.method.timelinessWeight)}·T + ${score(1 - aar.method.timelinessWeight)}·C. T (timeliness) is 1 up to the inject’s target time and falls linearly to the floor at the deadline; 0 after the deadline or without a report.</li>
    <li>C (completeness) weights: ${COMPONENT_KEYS.map((k) => `${esc(k)} ${score(w[k])}`).join(', ')}; components an answer key does not define are left out and the others rescaled.</li>
    <li>HSEEP ratings from the mean inject score: P ≥ ${score(aar.method.ratingThresholds.P)}, S ≥ ${score(aar.method.ratingThresholds.S)}, M ≥ ${score(aar.method.ratingThresholds.M)}, otherwise U. Evaluator overrides are shown beside the automatic figure with their justification.</li>
${aar.cooperation ? '    <li>Cooperation: each request for assistance a team was asked is scored 0–1 on its time to the first answer against the target and on its outcome (final status, time to fulfil and, for a request scripted by drill control, its answer key); a team’s cooperation score is the mean over the requests it was asked. Requests marked stricter than this report are listed without their text, indicators or answers.</li>\n' : ''}    <li>Medians and quartiles are interpolated linearly between order statistics (as QUARTILE.INC); IQR = Q3 − Q1. Common misses are expected IOCs or actions missed by at least half of the teams scored on the inject.</li>
  </ul>
</section>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ACID Drill Orchestrator">
<meta name="tlp" content="${esc(marking)}">
${META_CSP}
<title>${esc(title)}</title>
<style>${AAR_STYLES}
${markingPageRule(marking)}</style>
</head>
<body class="${draft ? 'is-draft' : 'is-published'}">
${draft ? '<div class="watermark" aria-hidden="true">DRAFT</div>' : ''}
<main>
${cover}
${toc}
${overview}
${summary}
${analysis}
${scorecards}
${injects}
${sharing}
${cooperation}
${reachabilitySectionHtml(aar, aar.cooperation ? '8' : '7')}
${plan}
${participants}
${timeline}
${method}
${feedbackSectionHtml(aar, 'E')}
${markingBand(marking, 'bottom')}
</main>
<footer class="doc-footer"><span class="tlp tlp-${tlpClass(marking)}">${esc(marking)}</span> · ${esc(ex.name)} · After-Action Report${draft ? ' · DRAFT' : ''} · generated ${utc(aar.generatedAt)}</footer>
</body>
</html>
`;
}

function objectiveBlock(o: ObjectiveAnalysis): string {
  const perTeam =
    o.perTeam.length === 0
      ? ''
      : `<details class="per-team" open><summary>Per team</summary>${table(
          'grid compact',
          [th('Team'), th('Rating'), th('Mean', 'num'), th('Scored', 'num'), th('Why')],
          o.perTeam.map(
            (p) =>
              `<tr><td>${esc(p.teamCode)}</td><td>${badge(p.rating)}</td><td class="num">${score(p.mean)}</td><td class="num">${p.scored}</td><td class="why">${esc(p.explanation)}</td></tr>`,
          ),
        )}</details>`;
  return `
<article class="objective" id="objective-${esc(o.id)}">
  <header class="objective-head">
    <div class="rating-big rating-${o.rating ?? 'none'}">${o.rating ?? 'n/r'}</div>
    <div><h3>${esc(o.id)} — ${esc(o.capability)}</h3>
    <p class="rating-text">${o.rating ? RATING_TEXT[o.rating] : 'Not rated (nothing scored)'}${o.override ? ' · rated by an evaluator' : ''}</p></div>
  </header>
  ${o.description ? `<p>${esc(o.description)}</p>` : ''}
  <p class="why"><strong>Rating basis:</strong> ${esc(o.explanation)} <span class="muted">(injects ${o.injectIds.map(esc).join(', ')})</span></p>
  <div class="two-col">
    <div><h4>Strengths</h4>${notesList(o.strengths, 'No strengths recorded.')}</div>
    <div><h4>Areas for improvement</h4>${notesList(o.improvements, 'No areas for improvement recorded.')}</div>
  </div>
  ${perTeam}
</article>`;
}

function teamBlock(t: TeamScorecard): string {
  const rows = t.injects.map((r) => {
    const e = r.explanation;
    const why = [
      `<li><strong>Times:</strong> ${esc(e.times)}</li>`,
      `<li><strong>T:</strong> ${esc(e.timeliness)}</li>`,
      `<li><strong>C:</strong> ${esc(e.completeness)}</li>`,
      ...COMPONENT_KEYS.map((k) => `<li><strong>${COMPONENT_SHORT[k]}</strong> ${esc(e.components[k])}</li>`),
      ...(e.override ? [`<li class="override"><strong>Override:</strong> ${esc(e.override)}</li>`] : []),
      `<li><strong>Final:</strong> ${esc(e.final)}</li>`,
    ].join('');
    const finalCell = r.override
      ? `<strong>${score(r.final)}</strong><sup title="evaluator override">*</sup>`
      : `<strong>${score(r.final)}</strong>`;
    return (
      `<tr class="fig" data-team="${esc(t.code)}" data-inject="${esc(r.injectId)}"><td class="nowrap"><strong>${esc(r.injectId)}</strong></td><td>${esc(r.injectTitle)}</td>` +
      `<td class="num">${minutes(r.timeToAcknowledge)}</td><td class="num">${minutes(r.timeToReport)}</td><td class="num">${score(r.timeliness)}</td>` +
      COMPONENT_KEYS.map((k) => `<td class="num">${score(r.components[k])}</td>`).join('') +
      `<td class="num">${score(r.completeness)}</td><td class="num">${score(r.auto)}</td><td class="num" data-figure="final">${finalCell}</td></tr>` +
      `<tr class="explain"><td></td><td colspan="${7 + COMPONENT_KEYS.length}"><ul class="why-list">${why}</ul></td></tr>`
    );
  });
  return `
<article class="team" id="team-${esc(t.code)}">
  <header class="team-head"><h3>${esc(t.code)} — ${esc(t.name)}</h3><div class="team-score"><span class="big">${percent(t.percent)}</span><span class="muted"> automatic ${percent(t.autoPercent)} · responded ${t.responded}/${t.scored}</span></div></header>
  ${t.sinceLastDrill ? `<p class="since-last-drill">${esc(t.sinceLastDrill)}</p>` : ''}
  ${
    rows.length === 0
      ? '<p class="empty">No inject required a response from this team.</p>'
      : table(
          'grid team-scores compact',
          [
            th('Inject'),
            th('Title'),
            th('Ack min', 'num'),
            th('Report min', 'num'),
            th('T', 'num'),
            ...COMPONENT_KEYS.map((k) => th(COMPONENT_SHORT[k], 'num')),
            th('C', 'num'),
            th('Auto', 'num'),
            th('Final', 'num'),
          ],
          rows,
        )
  }
</article>`;
}

function injectBlock(i: InjectAnalysis): string {
  const responded = i.responses.filter((r) => r.timeToReport !== null);
  const misses =
    i.commonMisses.length === 0
      ? i.scored > 0
        ? '<p class="empty">No expected IOC or action was missed by half of the teams or more.</p>'
        : ''
      : `<ul class="misses">${i.commonMisses
          .map(
            (m) =>
              `<li><span class="miss-kind">${m.kind === 'ioc' ? 'IOC' : 'action'}</span> <code>${esc(m.item)}</code>${m.critical ? ' <span class="crit">critical</span>' : ''}${m.description ? ` — ${esc(m.description)}` : ''} <span class="muted">missed by ${m.missedBy}/${m.of} (${m.teams.map(esc).join(', ')})</span></li>`,
          )
          .join('')}</ul>`;
  const bounds = [
    i.targetMinutes !== undefined ? `target ${i.targetMinutes} min` : '',
    i.deadlineMinutes !== undefined ? `deadline ${i.deadlineMinutes} min` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `
<article class="inject" id="inject-${esc(i.id)}">
  <h3><span class="inject-id">${esc(i.id)}</span> ${esc(i.title)}</h3>
  <p class="inject-meta">Scheduled ${esc(i.offset)} · released ${scenarioTime(i.firstReleasedScenarioMs)}${i.firstReleasedAt ? ` (${utc(i.firstReleasedAt)})` : ''} to ${i.releasedTo} team${i.releasedTo === 1 ? '' : 's'} · severity ${esc(i.severity)} · <span class="tlp tlp-${tlpClass(i.tlp)}">${esc(i.tlp)}</span>${bounds ? ` · ${bounds}` : ''}${i.responseRequired ? '' : ' · no response required'}</p>
  <p><strong>Responses:</strong> ${
    responded.length === 0
      ? 'none'
      : responded
          .map(
            (r) => `${esc(r.teamCode)} ${minutes(r.timeToReport)} min${r.final !== null ? ` (${score(r.final)})` : ''}`,
          )
          .join(', ')
  }${i.notResponded.length > 0 ? `; <span class="${i.responseRequired ? 'warn' : 'muted'}">no report: ${i.notResponded.map(esc).join(', ')}</span>` : ''}.
  ${i.timeToReport ? `Median ${minutes(i.timeToReport.median)} min, IQR ${minutes(i.timeToReport.q1)}–${minutes(i.timeToReport.q3)} (${minutes(i.timeToReport.iqr)}), range ${range(i.timeToReport)} min.` : ''}
  ${i.timeToAcknowledge ? `Acknowledged by ${i.timeToAcknowledge.n}, median ${minutes(i.timeToAcknowledge.median)} min.` : ''}</p>
  ${misses ? `<h4>Common misses</h4>${misses}` : ''}
</article>`;
}
