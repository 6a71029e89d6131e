import { csvRow, roundTo } from './csv.js';
import { FEEDBACK_RATING_TEXT, type FeedbackComment, type FeedbackSummary, type RatingSummary } from './feedback.js';
import { DASH, escapeHtml as esc, utc } from './format.js';
import type { Aar } from './model.js';

const mean = (m: number | null) => (m === null ? DASH : m.toFixed(2));

/** "1×0 2×1 …" as a row of cells, each with the rating's words for screen readers. */
const distributionCells = (s: RatingSummary) =>
  s.distribution.map((n, i) => `<td class="num" title="${esc(FEEDBACK_RATING_TEXT[i + 1])}">${n}</td>`).join('');

const distributionHead = [1, 2, 3, 4, 5]
  .map((r) => `<th class="num" scope="col"><abbr title="${esc(FEEDBACK_RATING_TEXT[r])}">${r}</abbr></th>`)
  .join('');

function ratingTable(caption: string, firstHead: string, rows: { label: string; s: RatingSummary }[]): string {
  return (
    `<table class="grid compact feedback-ratings"><caption>${esc(caption)}</caption>` +
    `<thead><tr><th scope="col">${esc(firstHead)}</th><th class="num" scope="col">Responses</th><th class="num" scope="col">Mean (1–5)</th>${distributionHead}</tr></thead><tbody>` +
    rows
      .map(
        (r) =>
          `<tr><th scope="row">${r.label}</th><td class="num">${r.s.count}</td><td class="num"><strong>${mean(r.s.mean)}</strong></td>${distributionCells(r.s)}</tr>`,
      )
      .join('\n') +
    `</tbody></table>`
  );
}

const byline = (c: FeedbackComment) =>
  c.author
    ? `${esc(c.author)}${c.teamCode ? ` (${esc(c.teamCode)})` : ''}, ${utc(c.submittedAt)}`
    : `Anonymous, ${esc(c.submittedAt)}`;

function comments(list: FeedbackComment[], pick: (c: FeedbackComment) => string | undefined, empty: string): string {
  const items = list.filter((c) => pick(c));
  if (!items.length) return `<p class="empty">${empty}</p>`;
  return `<ul class="notes">${items
    .map((c) => `<li><p>${esc(pick(c))}</p><p class="byline">${byline(c)}</p></li>`)
    .join('')}</ul>`;
}

/** The AAR's "Participant feedback" appendix; empty when the report has no feedback (the exercise has not ended). */
export function feedbackSectionHtml(aar: Aar, letter: string): string {
  const f: FeedbackSummary | undefined = aar.feedback;
  if (!f) return '';
  const body =
    f.respondents === 0
      ? '<p class="empty">No participant has submitted the feedback form.</p>'
      : `${ratingTable(
          'Objectives: “the exercise let us practise this objective” (1 strongly disagree – 5 strongly agree)',
          'Objective',
          f.objectives.map((o) => ({
            label: `${esc(o.objectiveId)} <span class="muted">${esc(o.capability)}</span>`,
            s: o,
          })),
        )}
  ${ratingTable(
    'Capabilities: “the exercise tested this capability of our team” (1 – 5)',
    'Capability',
    f.capabilities.map((c) => ({ label: esc(c.capability), s: c })),
  )}
  <div class="two-col">
    <div><h3>Strengths</h3>${comments(f.comments, (c) => c.strengths, 'No strengths written.')}</div>
    <div><h3>Areas for improvement</h3>${comments(f.comments, (c) => c.improvements, 'No areas for improvement written.')}</div>
  </div>`;
  return `
<section id="feedback" class="section appendix">
  <h2><span class="sec-no">${esc(letter)}</span> Participant feedback</h2>
  <p class="lead">The HSEEP participant feedback forms submitted after ENDEX (${f.respondents} ${f.respondents === 1 ? 'respondent' : 'respondents'}).
  Comments are anonymous unless their writer chose to be named.</p>
  ${body}
</section>`;
}

export const FEEDBACK_CSV_COLUMNS = [
  'report_tlp',
  'feedback_kind',
  'feedback_item',
  'capability',
  'responses',
  'mean',
  'rated_1',
  'rated_2',
  'rated_3',
  'rated_4',
  'rated_5',
] as const;

/**
 * The feedback figures as a second CSV table (after the scorecards and one empty line), one row per objective and
 * per capability; none when the report has no feedback. Comments stay out: free text belongs in the HTML and JSON.
 */
export function feedbackCsvLines(aar: Aar): string[] {
  const f = aar.feedback;
  if (!f || f.respondents === 0) return [];
  const cells = (s: RatingSummary) => [s.count, roundTo(s.mean, 2), ...s.distribution];
  return [
    csvRow(FEEDBACK_CSV_COLUMNS),
    ...f.objectives.map((o) => csvRow([aar.marking, 'objective', o.objectiveId, o.capability, ...cells(o)])),
    ...f.capabilities.map((c) => csvRow([aar.marking, 'capability', c.capability, c.capability, ...cells(c)])),
  ];
}
