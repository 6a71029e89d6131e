// A team's scorecard: each inject's score with its explanation, and the evaluator's override of T or C with the
// justification that the scorecard and the AAR show beside the figure; and how the team answered requests for
// assistance (cooperation).
import { api, errorText } from '../common/api.js';
import { cooperationBlock } from '../common/assistance-view.js';
import { announce, byId, clear, h, toast } from '../common/dom.js';
import { wallTime } from '../common/format.js';
import { canOverride, exerciseId, fmt, pct, state, type ScorecardInject, type ScorecardTeam } from './context.js';
import { humanise, loadScores } from './scores.js';

export function renderTeams(): void {
  clear(
    byId('team-buttons'),
    (state.cards?.teams ?? []).map((t) =>
      h(
        'button',
        {
          type: 'button',
          'aria-pressed': String(t.teamId === state.team),
          dataset: { team: t.code },
          onclick: () => {
            state.team = t.teamId;
            renderTeams();
            renderScorecard();
            byId('scorecard-title').focus();
          },
        },
        `${t.code} `,
        h(
          'span',
          { class: 'hint', style: 'color:inherit' },
          `${pct(t.percent)}${t.autoPercent !== t.percent ? ` (auto ${pct(t.autoPercent)})` : ''}`,
        ),
      ),
    ),
  );
}

function explanationList(x: ScorecardInject['explanation']): HTMLElement | '' {
  if (!x) return '';
  const c: Partial<NonNullable<typeof x.components>> = x.components ?? {};
  const item = (label: string, text: string | undefined) =>
    text ? h('li', {}, h('strong', {}, `${label}: `), humanise(text)) : '';
  return h(
    'ul',
    { class: 'explain' },
    item('Times', x.times),
    item('Timeliness T', x.timeliness),
    item('IOCs', c.iocs),
    item('Classification', c.classification),
    item('Severity', c.severity),
    item('Actions', c.actions),
    item('Recipients and TLP', c.recipients),
    item('Report structure', c.structure),
    item('Completeness C', x.completeness),
    item('Override', x.override),
    item('Score', x.final),
  );
}

/** A figure from 0 to 1, or undefined when the field is left empty (the automatic figure stays). */
const figure = (v: string) => (v === '' ? undefined : Number(v));

async function saveOverride(team: ScorecardTeam, s: ScorecardInject, id: string, err: HTMLElement): Promise<void> {
  err.hidden = true;
  const T = figure(byId(`${id}-t`, HTMLInputElement).value.trim());
  const C = figure(byId(`${id}-c`, HTMLInputElement).value.trim());
  const justification = byId(`${id}-j`, HTMLTextAreaElement).value.trim();
  const problems: string[] = [];
  for (const [v, name] of [
    [T, 'Timeliness'],
    [C, 'Completeness'],
  ] as const) {
    if (v !== undefined && (Number.isNaN(v) || v < 0 || v > 1)) problems.push(`${name} must be a number from 0 to 1.`);
  }
  if (T === undefined && C === undefined) problems.push('Give a timeliness or a completeness (or both).');
  if (!justification)
    problems.push('Write why: the justification is shown beside the figure in the scorecard and the AAR.');
  if (problems.length) {
    clear(
      err,
      h(
        'ul',
        {},
        problems.map((p) => h('li', {}, p)),
      ),
    );
    err.hidden = false;
    err.focus?.();
    return;
  }
  try {
    await api(`/api/exercises/${exerciseId}/scores/${team.teamId}/${encodeURIComponent(s.injectId)}`, {
      method: 'PUT',
      body: {
        ...(T !== undefined ? { timeliness: T } : {}),
        ...(C !== undefined ? { completeness: C } : {}),
        justification,
      },
    });
    toast(`Override saved for ${team.code} ${s.injectId}.`, 'ok');
    announce(`Override saved for ${team.code} ${s.injectId}.`);
    state.open.add(`${team.teamId}|${s.injectId}`);
    await loadScores();
    document.querySelector<HTMLElement>(`[data-score="${team.code}-${s.injectId}"] summary`)?.focus();
  } catch (e) {
    clear(err, errorText(e));
    err.hidden = false;
  }
}

function overrideForm(team: ScorecardTeam, s: ScorecardInject): HTMLFormElement {
  const id = `ov-${team.code}-${s.injectId}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const err = h('div', { class: 'error-box', role: 'alert', hidden: true, id: `${id}-err` });
  const figureField = (suffix: string, label: string, auto: number) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: `${id}-${suffix}` }, label),
      h('input', {
        id: `${id}-${suffix}`,
        type: 'number',
        min: '0',
        max: '1',
        step: '0.01',
        placeholder: `auto ${fmt(auto)}`,
        inputmode: 'decimal',
      }),
    );
  return h(
    'form',
    {
      novalidate: true,
      'aria-labelledby': `${id}-legend`,
      onsubmit: (e) => {
        e.preventDefault();
        void saveOverride(team, s, id, err);
      },
    },
    h(
      'fieldset',
      {},
      h('legend', { id: `${id}-legend` }, `Override ${s.injectId} for ${team.code}`),
      err,
      h(
        'div',
        { class: 'row' },
        figureField('t', 'Timeliness T (0–1)', s.auto.timeliness),
        figureField('c', 'Completeness C (0–1)', s.auto.completeness),
      ),
      h('p', { class: 'hint' }, 'Leave a figure empty to keep the automatic one.'),
      h(
        'div',
        { class: 'field' },
        h('label', { for: `${id}-j` }, 'Justification'),
        h('textarea', { id: `${id}-j`, rows: '2', maxlength: '5000', required: true }),
      ),
      h('button', { type: 'submit', class: 'primary' }, 'Save override'),
    ),
  );
}

export function renderScorecard(): void {
  const team = state.cards?.teams.find((t) => t.teamId === state.team);
  const title = byId('scorecard-title');
  const card = byId('scorecard');
  title.textContent = team ? `Scorecard — ${team.code} (${team.name ?? ''})` : 'Scorecard';
  title.tabIndex = -1;
  if (!team) {
    clear(card, h('p', { class: 'empty' }, 'No team in this exercise.'));
    return;
  }
  if (!team.injects.length) {
    clear(
      card,
      h(
        'p',
        { class: 'empty' },
        'Nothing scored yet: scores appear once injects needing a response are released to the team.',
      ),
      cooperationSection(team),
    );
    return;
  }
  clear(
    card,
    h(
      'p',
      {},
      h('strong', {}, `Total ${pct(team.percent)}`),
      team.autoPercent !== team.percent ? ` (automatic ${pct(team.autoPercent)})` : '',
    ),
    team.injects.map((s) => {
      const k = `${team.teamId}|${s.injectId}`;
      return h(
        'details',
        {
          class: 'panel',
          dataset: { score: `${team.code}-${s.injectId}` },
          open: state.open.has(k) ? true : undefined,
          ontoggle: (e) => ((e.target as HTMLDetailsElement).open ? state.open.add(k) : state.open.delete(k)),
        },
        h(
          'summary',
          {},
          h('strong', {}, `${s.injectId} · ${s.title ?? ''}`),
          ` — score ${fmt(s.final.score)} (T ${fmt(s.final.timeliness)}, C ${fmt(s.final.completeness)})`,
          s.override
            ? h(
                'span',
                { class: 'badge status-paused', style: 'margin-left:0.4rem' },
                `overridden, auto ${fmt(s.auto.score)}`,
              )
            : '',
        ),
        s.override
          ? h(
              'p',
              { class: 'override-note' },
              `Override by ${s.overrideBy ?? s.override.by} at `,
              wallTime(s.override.at),
              ': ',
              h('q', {}, s.override.justification),
            )
          : '',
        explanationList(s.explanation),
        canOverride() ? overrideForm(team, s) : '',
      );
    }),
    cooperationSection(team),
  );
}

/** How the team answered the requests for assistance it was asked: the score, and each request's with its why. */
function cooperationSection(team: ScorecardTeam): HTMLElement {
  return h(
    'section',
    { class: 'panel cooperation-section', dataset: { cooperation: team.code }, 'aria-labelledby': 'cooperation-title' },
    h('h3', { id: 'cooperation-title' }, `Cooperation — ${team.code}`),
    h(
      'p',
      { class: 'hint' },
      'Requests for assistance the team was asked: each scored on the time to its first answer and on the outcome against the target (or a scripted request’s answer key); the score is their mean.',
    ),
    cooperationBlock(team.cooperation),
  );
}
