// A team's drill-down in the side panel: its score (GET …/scorecards/:teamId), each of its deliveries with the
// times in scenario time, and the ISM reports it sent (the reports drill control holds, filtered to the team).
import type { CooperationView } from '@drill/contracts';
import type { InjectScore } from '@drill/scoring';
import { api, ApiError, errorText } from '../common/api.js';
import { cooperationBlock } from '../common/assistance-view.js';
import { cooperationOf } from './assistance.js';
import { byId, clear, h } from '../common/dom.js';
import { cellKey, exerciseId, state } from './context.js';
import { openInject, PROGRESS_HEADINGS, progressCells, rebuild } from './detail.js';
import { reportItem } from './feed.js';

/** What the drill-down reads of a team's scorecard. */
interface TeamScorecard {
  teams: {
    teamId: string;
    percent: number | null;
    autoPercent: number | null;
    injects: (Pick<InjectScore, 'injectId' | 'final' | 'override'> & { title?: string })[];
    cooperation?: CooperationView;
  }[];
}

const pct = (x: number | null | undefined) => (x == null ? '—' : `${Math.round(x)}%`);
const share = (x: number | null | undefined) => (x == null ? '—' : `${Math.round(x * 100)}%`);

export function renderTeamDetail(): void {
  const t = state.teams.find((x) => x.id === state.selectedTeam);
  byId('detail-title').textContent = t ? `${t.code} · ${t.name}` : 'Team';
  if (!t) return;
  clear(
    byId('detail-body'),
    h('p', { id: 'team-summary' }),
    h(
      'section',
      { 'aria-labelledby': 'team-score-title' },
      h('h3', { id: 'team-score-title' }, 'Score'),
      h('div', { id: 'team-score', 'aria-live': 'polite' }, h('p', { class: 'hint' }, 'Reading the scorecard…')),
    ),
    h(
      'section',
      { 'aria-labelledby': 'team-reports-title' },
      h('h3', { id: 'team-reports-title' }, 'Reports'),
      h('div', { id: 'team-reports' }),
    ),
    h(
      'section',
      { 'aria-labelledby': 'team-deliveries-title' },
      h('h3', { id: 'team-deliveries-title' }, 'Deliveries'),
      h('div', { id: 'team-deliveries', class: 'table-scroll' }),
    ),
  );
  refreshTeamDetail();
  void loadTeamScore(t.id);
}

/** Reads the team's scorecard again (on opening, and when its score moves). */
export async function loadTeamScore(teamId: string): Promise<void> {
  const box = document.getElementById('team-score');
  if (!box) return;
  let card: TeamScorecard['teams'][number] | undefined;
  try {
    card = (
      await api<TeamScorecard>(`/api/exercises/${exerciseId}/scorecards/${encodeURIComponent(teamId)}`)
    ).teams.find((x) => x.teamId === teamId);
  } catch (e) {
    if (state.detail !== 'team' || state.selectedTeam !== teamId) return;
    clear(
      box,
      h(
        'p',
        { class: e instanceof ApiError && e.status === 403 ? 'hint' : 'error-box' },
        e instanceof ApiError && e.status === 403
          ? 'Scores are for controllers and evaluators.'
          : `The scorecard cannot be read: ${errorText(e)}`,
      ),
    );
    return;
  }
  // The panel may have moved on to another team while the scorecard was on its way.
  if (state.detail !== 'team' || state.selectedTeam !== teamId) return;
  if (!card) return void clear(box, h('p', { class: 'empty' }, 'No score yet.'));
  rebuild(
    box,
    h(
      'p',
      {},
      h('strong', { class: 'big-figure' }, pct(card.percent)),
      card.autoPercent !== card.percent ? ` (automatic ${pct(card.autoPercent)}, changed by an evaluator)` : '',
    ),
    card.injects.length
      ? h(
          'table',
          { class: 'data compact' },
          h('caption', { class: 'visually-hidden' }, 'Score per inject: timeliness, completeness and the score'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Inject', 'Timeliness', 'Completeness', 'Score'].map((c) => h('th', { scope: 'col' }, c)),
            ),
          ),
          h(
            'tbody',
            {},
            card.injects.map((i) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row', title: i.title ?? '' }, i.injectId, i.override ? ' (overridden)' : ''),
                h('td', {}, share(i.final.timeliness)),
                h('td', {}, share(i.final.completeness)),
                h('td', {}, share(i.final.score)),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'No inject that needs a response has reached the team yet.'),
    h('h4', {}, 'Cooperation (answering requests for assistance)'),
    cooperationBlock(card.cooperation ?? cooperationOf(teamId)),
  );
}

/** The drill-down's live part: online count, reports and deliveries as the board holds them. */
export function refreshTeamDetail(): void {
  const t = state.teams.find((x) => x.id === state.selectedTeam);
  const reportsBox = document.getElementById('team-reports');
  const deliveriesBox = document.getElementById('team-deliveries');
  if (!t || !reportsBox || !deliveriesBox) return;
  const online = state.presence.get(t.id);
  byId('team-summary').textContent =
    online === undefined ? '' : `${online} console${online === 1 ? '' : 's'} of the team open`;

  const reports = [...state.feed.values()]
    .filter((r) => r.teamId === t.id)
    .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
  rebuild(
    reportsBox,
    reports.length
      ? h(
          'ol',
          { class: 'feed team-reports' },
          reports.map((r) => reportItem(r)),
        )
      : h('p', { class: 'empty' }, 'No report from this team yet.'),
  );

  const rows = state.injects.filter((i) => state.cells.has(cellKey(t.id, i.id)));
  rebuild(
    deliveriesBox,
    rows.length
      ? h(
          'table',
          { class: 'data compact' },
          h('caption', { class: 'visually-hidden' }, `Deliveries to ${t.code} in scenario time (wall time on hover)`),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Inject', ...PROGRESS_HEADINGS].map((c) => h('th', { scope: 'col' }, c)),
            ),
          ),
          h(
            'tbody',
            {},
            rows.map((i) => {
              const c = state.cells.get(cellKey(t.id, i.id));
              return h(
                'tr',
                { dataset: { inject: i.id } },
                h(
                  'th',
                  { scope: 'row' },
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'link',
                      title: `${i.title}: preview`,
                      dataset: { focusKey: `inject-${i.id}` },
                      onclick: () => openInject(i.id, t.id),
                    },
                    i.id,
                  ),
                ),
                progressCells(t.code, i.id, c),
              );
            }),
          ),
        )
      : h('p', { class: 'empty' }, 'No delivery for this team yet.'),
  );
}
