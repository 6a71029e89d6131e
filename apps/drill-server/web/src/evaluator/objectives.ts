// HSEEP objective ratings: the computed rating with its basis, per team, and the evaluator's own rating with why.
import { RATING_TEXT } from '@drill/reporting';
import { RATINGS } from '@drill/scoring';
import { api, errorText } from '../common/api.js';
import { announce, byId, clear, h, toast } from '../common/dom.js';
import { canOverride, exerciseId, fmt, state, type Scorecards } from './context.js';
import { humanise, loadScores } from './scores.js';

type Objective = NonNullable<Scorecards['objectives']>[number];

async function saveRating(o: Objective, id: string, err: HTMLElement): Promise<void> {
  err.hidden = true;
  const rating = byId(`${id}-r`, HTMLSelectElement).value;
  const teamId = byId(`${id}-team`, HTMLSelectElement).value;
  const justificationField = byId(`${id}-j`, HTMLTextAreaElement);
  const justification = justificationField.value.trim();
  if (!justification) {
    clear(err, 'Write why you rate it so.');
    err.hidden = false;
    justificationField.focus();
    return;
  }
  try {
    await api(`/api/exercises/${exerciseId}/ratings/${encodeURIComponent(o.objectiveId)}`, {
      method: 'PUT',
      body: { rating, justification, ...(teamId ? { teamId } : {}) },
    });
    toast(`Rated ${o.objectiveId} ${rating}.`, 'ok');
    announce(`Rated ${o.objectiveId} ${rating}.`);
    await loadScores();
  } catch (e) {
    clear(err, errorText(e));
    err.hidden = false;
  }
}

function ratingForm(o: Objective): HTMLFormElement {
  const id = `rate-${o.objectiveId}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const err = h('div', { class: 'error-box', role: 'alert', hidden: true });
  return h(
    'form',
    {
      novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        void saveRating(o, id, err);
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, `Rate ${o.objectiveId}`),
      err,
      h(
        'div',
        { class: 'row' },
        h(
          'div',
          { class: 'field' },
          h('label', { for: `${id}-r` }, 'Rating'),
          h(
            'select',
            { id: `${id}-r` },
            RATINGS.map((r) =>
              h('option', { value: r, selected: r === (o.rating ?? o.computedRating) }, `${r} — ${RATING_TEXT[r]}`),
            ),
          ),
        ),
        h(
          'div',
          { class: 'field' },
          h('label', { for: `${id}-team` }, 'For'),
          h(
            'select',
            { id: `${id}-team` },
            h('option', { value: '' }, 'The whole exercise'),
            (state.cards?.teams ?? []).map((t) => h('option', { value: t.teamId }, `Team ${t.code} only`)),
          ),
        ),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: `${id}-j` }, 'Justification'),
        h('textarea', { id: `${id}-j`, rows: '2', maxlength: '5000' }),
      ),
      h('button', { type: 'submit', class: 'primary' }, 'Save rating'),
    ),
  );
}

function perTeamTable(o: Objective): HTMLElement | '' {
  if (!o.perTeam?.length) return '';
  const code = (id: string) => state.cards?.teams.find((t) => t.teamId === id)?.code ?? id;
  return h(
    'table',
    { class: 'data score-table' },
    h('caption', { class: 'visually-hidden' }, `${o.objectiveId} per team`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Team'),
        h('th', { scope: 'col', class: 'num' }, 'Mean'),
        h('th', { scope: 'col' }, 'Computed'),
        h('th', { scope: 'col' }, 'Rating'),
        h('th', { scope: 'col' }, 'Evaluator note'),
      ),
    ),
    h(
      'tbody',
      {},
      o.perTeam.map((p) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, code(p.teamId)),
          h('td', { class: 'num' }, fmt(p.mean)),
          h('td', {}, p.computedRating ?? '—'),
          h('td', { class: 'rating' }, p.rating ?? '—'),
          h('td', {}, p.override?.justification ?? ''),
        ),
      ),
    ),
  );
}

export function renderObjectives(): void {
  const objectives = state.cards?.objectives ?? [];
  clear(
    byId('objectives'),
    objectives.length === 0
      ? h('p', { class: 'empty' }, 'The scenario has no objectives.')
      : objectives.map((o) =>
          h(
            'details',
            {
              class: 'panel',
              dataset: { objective: o.objectiveId },
              open: state.openObjectives.has(o.objectiveId) ? true : undefined,
              ontoggle: (e) =>
                (e.target as HTMLDetailsElement).open
                  ? state.openObjectives.add(o.objectiveId)
                  : state.openObjectives.delete(o.objectiveId),
            },
            h(
              'summary',
              {},
              h('strong', {}, `${o.objectiveId}${o.capability ? ` · ${o.capability}` : ''}`),
              ' — rating ',
              h('span', { class: 'rating' }, o.rating ?? 'not rated'),
              o.override ? ` (computed ${o.computedRating ?? '—'}, set by evaluator)` : '',
              `, mean ${fmt(o.mean)}`,
            ),
            h('p', { class: 'hint' }, humanise(o.explanation)),
            perTeamTable(o),
            canOverride() ? ratingForm(o) : '',
          ),
        ),
  );
}
