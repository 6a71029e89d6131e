// The "Participant feedback" panel of the evaluator review: the HSEEP participant feedback forms summarised per
// objective and per capability (responses, mean, how many gave each rating) and the comments, anonymous unless the
// writer chose to be named. Open once the exercise has ended.
import {
  FEEDBACK_RATING_TEXT,
  type FeedbackComment,
  type FeedbackSummary,
  type FeedbackView,
  type RatingSummary,
} from '@drill/reporting';
import { api, ApiError, errorText } from '../common/api.js';
import { byId, clear, h } from '../common/dom.js';
import { exerciseId } from './context.js';

const RATINGS = [1, 2, 3, 4, 5] as const;

function ratingTable(caption: string, first: string, rows: { label: string; s: RatingSummary }[]) {
  return h(
    'table',
    { class: 'feedback-summary' },
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, first),
        h('th', { scope: 'col', class: 'num' }, 'Responses'),
        h('th', { scope: 'col', class: 'num' }, 'Mean'),
        RATINGS.map((r) => h('th', { scope: 'col', class: 'num', title: FEEDBACK_RATING_TEXT[r] }, String(r))),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, r.label),
          h('td', { class: 'num' }, r.s.count),
          h('td', { class: 'num' }, h('strong', {}, r.s.mean === null ? '—' : r.s.mean.toFixed(2))),
          r.s.distribution.map((n, i) =>
            h('td', { class: 'num', 'aria-label': `${n} rated ${i + 1} (${FEEDBACK_RATING_TEXT[i + 1]})` }, n),
          ),
        ),
      ),
    ),
  );
}

const byline = (c: FeedbackComment) => (c.author ? `${c.author}${c.teamCode ? ` (${c.teamCode})` : ''}` : 'Anonymous');

function commentList(title: string, comments: FeedbackComment[], pick: (c: FeedbackComment) => string | undefined) {
  const items = comments.filter((c) => pick(c));
  return h(
    'div',
    {},
    h('h3', {}, title),
    items.length
      ? h(
          'ul',
          { class: 'feedback-comments' },
          items.map((c) => h('li', {}, h('p', {}, pick(c)), h('p', { class: 'muted' }, byline(c)))),
        )
      : h('p', { class: 'empty' }, 'None written.'),
  );
}

function render(view: FeedbackView): void {
  const body = byId('feedback-body');
  const f: FeedbackSummary | undefined = view.summary;
  if (!view.open) {
    clear(
      body,
      h('p', { class: 'hint' }, 'Participants give their feedback after ENDEX; the summary appears here then.'),
    );
    return;
  }
  if (!f || f.respondents === 0) {
    clear(body, h('p', { class: 'empty' }, 'No participant has sent the feedback form yet.'));
    return;
  }
  clear(
    body,
    h(
      'p',
      { role: 'status' },
      `${f.respondents} ${f.respondents === 1 ? 'participant has' : 'participants have'} sent the form. Ratings: 1 strongly disagree – 5 strongly agree.`,
    ),
    ratingTable(
      'Objectives: the exercise let us practise this objective',
      'Objective',
      f.objectives.map((o) => ({ label: `${o.objectiveId} — ${o.capability}`, s: o })),
    ),
    ratingTable(
      'Capabilities: the exercise tested this capability of our team',
      'Capability',
      f.capabilities.map((c) => ({ label: c.capability, s: c })),
    ),
    h(
      'div',
      { class: 'two-col' },
      commentList('Strengths', f.comments, (c) => c.strengths),
      commentList('Areas for improvement', f.comments, (c) => c.improvements),
    ),
  );
}

/** Loads and shows the summary; called at start and whenever the exercise's status changes. */
export async function loadFeedback(): Promise<void> {
  try {
    render(await api<FeedbackView>(`/api/exercises/${exerciseId}/feedback`));
  } catch (e) {
    // Observers follow the review but do not read what participants wrote.
    if (e instanceof ApiError && e.status === 403)
      clear(
        byId('feedback-body'),
        h('p', { class: 'hint' }, 'Participant feedback is for evaluators and controllers.'),
      );
    else clear(byId('feedback-body'), h('p', { class: 'error-box' }, errorText(e)));
  }
}
