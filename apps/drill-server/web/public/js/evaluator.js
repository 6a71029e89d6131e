// Evaluator review: scorecards with their explanations, score overrides with justification, HSEEP objective
// ratings, and the after-action report when the server offers it.
import {
  announce,
  api,
  ApiError,
  clear,
  connectLive,
  downloadText,
  DrillClock,
  errorText,
  exerciseIdFromUrl,
  formatScenario,
  formatWall,
  h,
  requireUser,
  setupHeader,
  showConnection,
  statusBadge,
  toast,
} from './common.js';
import { CAPABILITY_ELEMENTS, NOTE_KINDS, RATINGS } from './vocab.js';

const exerciseId = exerciseIdFromUrl();
const me = await requireUser(['evaluator', 'controller']);
setupHeader(me);
const canEdit = me.role === 'evaluator';
/** A published AAR freezes scores: the server refuses overrides (409) until an evaluator reopens it. */
const canOverride = () => canEdit && !state.cards?.scoresFrozen;
const el = (id) => document.getElementById(id);
el('board-link').href = `control.html?exercise=${encodeURIComponent(exerciseId)}`;
el('readonly-note').hidden = canEdit;

const state = { exercise: null, status: undefined, cards: null, team: '', open: new Set(), openObjectives: new Set() };
/** Set by any edit in the scorecard or objective forms; cleared when they are rebuilt. */
let dirty = false;

const fmt = (x) => (x == null ? '—' : Number(x).toFixed(2));
const pct = (x) => (x == null ? '—' : `${Math.round(x)}%`);

const clock = new DrillClock((s, ms) => (el('clock').textContent = formatScenario(ms)));
function applyState(s) {
  const ended = (x) => x === 'completed' || x === 'aborted';
  const changed = state.status !== undefined && ended(s.status) !== ended(state.status);
  state.status = s.status;
  clock.update(s);
  clear(el('status'), statusBadge(s.status));
  // Publishing opens when the exercise ends.
  if (changed && aar.available) renderAar();
}

// ───────────── scorecards ─────────────

async function loadScores() {
  state.cards = await api(`/api/exercises/${exerciseId}/scorecards`);
  await loadNames();
  el('stale').hidden = true;
  el('frozen-note').hidden = !state.cards.scoresFrozen;
  if (!state.team || !state.cards.teams.some((t) => t.teamId === state.team))
    state.team = state.cards.teams[0]?.teamId ?? '';
  const m = state.cards.method;
  el('method').textContent = m
    ? `Method: w = ${fmt(m.timelinessWeight)} (timeliness share); T at the deadline = ${fmt(m.timelinessFloor)}; ratings P ≥ ${fmt(m.ratingThresholds?.P)}, S ≥ ${fmt(m.ratingThresholds?.S)}, M ≥ ${fmt(m.ratingThresholds?.M)}.`
    : '';
  renderTeams();
  renderScorecard();
  renderObjectives();
  dirty = false;
}

function renderTeams() {
  clear(
    el('team-buttons'),
    state.cards.teams.map((t) =>
      h(
        'button',
        {
          type: 'button',
          'aria-pressed': String(t.teamId === state.team),
          dataset: { team: t.code },
          onclick: () => ((state.team = t.teamId), renderTeams(), renderScorecard(), el('scorecard-title').focus()),
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

/** Report and user ids in the server's explanations, as people name them ("MY report 2", "Eve"). */
const names = new Map();
async function loadNames() {
  const reports = await api(`/api/exercises/${exerciseId}/ism/reports`).catch(() => []);
  const perTeam = new Map();
  for (const r of [...reports].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt))) {
    const who = r.teamCode ?? 'control';
    perTeam.set(who, (perTeam.get(who) ?? 0) + 1);
    names.set(r.id, `${who} report ${perTeam.get(who)} (${formatScenario(r.submittedScenarioMs)})`);
  }
  for (const t of state.cards?.teams ?? [])
    for (const i of t.injects) if (i.override && i.overrideBy) names.set(i.override.by, i.overrideBy);
  names.set(me.id, me.name);
}
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const humanise = (text) => String(text ?? '').replace(UUID, (id) => names.get(id) ?? id);

function explanationList(x) {
  if (!x) return '';
  const c = x.components ?? {};
  const item = (label, text) => (text ? h('li', {}, h('strong', {}, `${label}: `), humanise(text)) : '');
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

function overrideForm(team, s) {
  const id = `ov-${team.code}-${s.injectId}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const err = h('div', { class: 'error-box', role: 'alert', hidden: true, id: `${id}-err` });
  const form = h(
    'form',
    {
      novalidate: true,
      'aria-labelledby': `${id}-legend`,
      onsubmit: async (e) => {
        e.preventDefault();
        err.hidden = true;
        const t = form.querySelector(`#${id}-t`).value.trim();
        const c = form.querySelector(`#${id}-c`).value.trim();
        const justification = form.querySelector(`#${id}-j`).value.trim();
        const problems = [];
        const num = (v) => (v === '' ? undefined : Number(v));
        const T = num(t);
        const C = num(c);
        for (const [v, name] of [
          [T, 'Timeliness'],
          [C, 'Completeness'],
        ]) {
          if (v !== undefined && (Number.isNaN(v) || v < 0 || v > 1))
            problems.push(`${name} must be a number from 0 to 1.`);
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
          document.querySelector(`[data-score="${team.code}-${s.injectId}"] summary`)?.focus();
        } catch (e2) {
          clear(err, errorText(e2));
          err.hidden = false;
        }
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
        h(
          'div',
          { class: 'field' },
          h('label', { for: `${id}-t` }, 'Timeliness T (0–1)'),
          h('input', {
            id: `${id}-t`,
            type: 'number',
            min: '0',
            max: '1',
            step: '0.01',
            placeholder: `auto ${fmt(s.auto.timeliness)}`,
            inputmode: 'decimal',
          }),
        ),
        h(
          'div',
          { class: 'field' },
          h('label', { for: `${id}-c` }, 'Completeness C (0–1)'),
          h('input', {
            id: `${id}-c`,
            type: 'number',
            min: '0',
            max: '1',
            step: '0.01',
            placeholder: `auto ${fmt(s.auto.completeness)}`,
            inputmode: 'decimal',
          }),
        ),
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
  return form;
}

function renderScorecard() {
  const team = state.cards.teams.find((t) => t.teamId === state.team);
  el('scorecard-title').textContent = team ? `Scorecard — ${team.code} (${team.name ?? ''})` : 'Scorecard';
  el('scorecard-title').tabIndex = -1;
  if (!team) return clear(el('scorecard'), h('p', { class: 'empty' }, 'No team in this exercise.'));
  if (!team.injects.length)
    return clear(
      el('scorecard'),
      h(
        'p',
        { class: 'empty' },
        'Nothing scored yet: scores appear once injects needing a response are released to the team.',
      ),
    );
  clear(
    el('scorecard'),
    h(
      'p',
      {},
      h('strong', {}, `Total ${pct(team.percent)}`),
      team.autoPercent !== team.percent ? ` (automatic ${pct(team.autoPercent)})` : '',
    ),
    team.injects.map((s) => {
      const k = `${team.teamId}|${s.injectId}`;
      const d = h(
        'details',
        {
          class: 'panel',
          dataset: { score: `${team.code}-${s.injectId}` },
          open: state.open.has(k) ? true : undefined,
          ontoggle: (e) => (e.target.open ? state.open.add(k) : state.open.delete(k)),
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
              `Override by ${s.overrideBy ?? s.override.by} at ${formatWall(s.override.at)}: `,
              h('q', {}, s.override.justification),
            )
          : '',
        explanationList(s.explanation),
        canOverride() ? overrideForm(team, s) : '',
      );
      return d;
    }),
  );
}

// ───────────── objectives ─────────────

function ratingForm(o) {
  const id = `rate-${o.objectiveId}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const err = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        err.hidden = true;
        const rating = form.querySelector(`#${id}-r`).value;
        const teamId = form.querySelector(`#${id}-team`).value;
        const justification = form.querySelector(`#${id}-j`).value.trim();
        if (!justification) {
          clear(err, 'Write why you rate it so.');
          err.hidden = false;
          form.querySelector(`#${id}-j`).focus();
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
        } catch (e2) {
          clear(err, errorText(e2));
          err.hidden = false;
        }
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
              h('option', { value: r.value, selected: r.value === (o.rating ?? o.computedRating) }, r.label),
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
            state.cards.teams.map((t) => h('option', { value: t.teamId }, `Team ${t.code} only`)),
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
  return form;
}

function renderObjectives() {
  const objs = state.cards.objectives ?? [];
  const code = (id) => state.cards.teams.find((t) => t.teamId === id)?.code ?? id;
  clear(
    el('objectives'),
    objs.length === 0
      ? h('p', { class: 'empty' }, 'The scenario has no objectives.')
      : objs.map((o) =>
          h(
            'details',
            {
              class: 'panel',
              dataset: { objective: o.objectiveId },
              open: state.openObjectives.has(o.objectiveId) ? true : undefined,
              ontoggle: (e) =>
                e.target.open ? state.openObjectives.add(o.objectiveId) : state.openObjectives.delete(o.objectiveId),
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
            o.perTeam?.length
              ? h(
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
                )
              : '',
            canOverride() ? ratingForm(o) : '',
          ),
        ),
  );
}

// ───────────── after-action report ─────────────

const aar = { available: false, workspace: null };

function objectiveOptions(includeNone) {
  const objs = state.cards?.objectives ?? [];
  return [
    includeNone ? h('option', { value: '' }, '— none —') : '',
    objs.map((o) =>
      h('option', { value: o.objectiveId }, `${o.objectiveId}${o.capability ? ` · ${o.capability}` : ''}`),
    ),
  ];
}

function formError(box, e) {
  const details = e instanceof ApiError ? e.details : [];
  clear(
    box,
    h('strong', {}, errorText(e instanceof ApiError ? new Error(e.message) : e)),
    details.length
      ? h(
          'ul',
          {},
          details.map((d) => h('li', {}, `${d.path}: ${d.message}`)),
        )
      : '',
  );
  box.hidden = false;
}

async function loadAar() {
  const box = el('aar-body');
  try {
    aar.workspace = await api(`/api/exercises/${exerciseId}/aar`);
    aar.available = true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404 && /Cannot GET/i.test(e.message)) {
      clear(
        box,
        h(
          'p',
          { class: 'notice' },
          'The after-action report (preview, evaluator notes, improvement plan and publishing) arrives with its own issue; this server does not offer it yet. Scores, overrides and objective ratings above are what it will be built from.',
        ),
      );
      return;
    }
    clear(box, h('p', { class: 'error-box' }, `The after-action report cannot be shown: ${errorText(e)}`));
    return;
  }
  renderAar();
  await loadPreview();
}

function renderAar() {
  const ws = aar.workspace;
  const published = ws.state.status === 'published';
  const editable = canEdit && !published;
  const ended = state.status === 'completed' || state.status === 'aborted';
  const stateLine = published
    ? h(
        'p',
        { class: 'notice', id: 'aar-state' },
        `Published${ws.state.publishedBy ? ` by ${ws.state.publishedBy}` : ''} at ${formatWall(ws.state.publishedAt)} (${new Date(ws.state.publishedAt).toLocaleDateString()}). The report is frozen: notes, plan, scores and ratings can no longer change unless an evaluator reopens it.`,
      )
    : h(
        'p',
        { class: 'hint', id: 'aar-state' },
        'Draft: it changes as scores, notes and the plan change, until an evaluator publishes it.',
      );

  const publishArea = h('div', { class: 'actions', id: 'aar-publish' });
  if (canEdit && !published) {
    const confirmBox = h('span', { hidden: true });
    const button = h(
      'button',
      { type: 'button', class: 'primary', disabled: !ended, 'aria-describedby': 'publish-hint' },
      'Publish…',
    );
    button.addEventListener('click', () => {
      const cancel = h(
        'button',
        { type: 'button', onclick: () => ((confirmBox.hidden = true), button.focus()) },
        'Cancel',
      );
      clear(
        confirmBox,
        h(
          'span',
          { class: 'confirm', role: 'alertdialog', 'aria-label': 'Confirm publishing' },
          'Publish the AAR? It is frozen from then on.',
          h(
            'button',
            {
              type: 'button',
              class: 'primary',
              onclick: async () => {
                confirmBox.hidden = true;
                try {
                  await api(`/api/exercises/${exerciseId}/aar/publish`, { method: 'POST' });
                  toast('After-action report published.', 'ok');
                  announce('After-action report published.');
                  await loadAar();
                  await loadScores();
                } catch (e) {
                  toast(`Could not publish: ${errorText(e)}`, 'error');
                }
              },
            },
            'Yes, publish',
          ),
          cancel,
        ),
      );
      confirmBox.hidden = false;
      cancel.focus();
    });
    clear(
      publishArea,
      button,
      h(
        'span',
        { class: 'hint', id: 'publish-hint' },
        ended
          ? 'Publishing freezes the report as it stands.'
          : 'Publishing opens once the exercise is completed or aborted.',
      ),
      confirmBox,
    );
  }
  if (canEdit && published) {
    const reopenErr = h('div', { class: 'error-box', role: 'alert', hidden: true });
    clear(
      publishArea,
      h(
        'form',
        {
          novalidate: true,
          id: 'reopen-form',
          onsubmit: async (e) => {
            e.preventDefault();
            reopenErr.hidden = true;
            const reason = el('reopen-reason').value.trim();
            if (!reason) {
              el('reopen-reason').focus();
              return formError(reopenErr, new Error('Say why the AAR is reopened.'));
            }
            try {
              await api(`/api/exercises/${exerciseId}/aar/reopen`, { method: 'POST', body: { reason } });
              toast('After-action report reopened: it is a draft again.', 'ok');
              announce('After-action report reopened.');
              await loadAar();
              await loadScores();
            } catch (err) {
              formError(reopenErr, err);
            }
          },
        },
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'reopen-reason' }, 'Reason for reopening'),
          h('textarea', { id: 'reopen-reason', rows: '2', maxlength: '5000', required: true }),
          h(
            'span',
            { class: 'hint' },
            'Reopening returns the report to draft so scores can be corrected; the reason is kept in the audit log.',
          ),
        ),
        reopenErr,
        h('button', { type: 'submit' }, 'Reopen AAR'),
      ),
    );
  }

  // Notes
  const notesByObjective = new Map();
  for (const n of ws.notes) {
    if (!notesByObjective.has(n.objectiveId)) notesByObjective.set(n.objectiveId, []);
    notesByObjective.get(n.objectiveId).push(n);
  }
  const noteKind = (k) => NOTE_KINDS.find((x) => x.value === k)?.label ?? k;
  const notesList = ws.notes.length
    ? h(
        'ul',
        { class: 'feed', id: 'aar-notes' },
        [...notesByObjective.entries()].flatMap(([obj, notes]) =>
          notes.map((n) =>
            h(
              'li',
              { dataset: { note: n.id } },
              h(
                'div',
                { class: 'report-head' },
                h('strong', {}, obj),
                h(
                  'span',
                  { class: `badge ${n.kind === 'strength' ? 'status-running' : 'status-paused'}` },
                  noteKind(n.kind),
                ),
                h('span', { class: 'hint' }, `${n.author}, ${formatWall(n.at)}`),
              ),
              h('div', { style: 'white-space:pre-wrap' }, n.text),
              editable
                ? h(
                    'button',
                    { type: 'button', class: 'small danger', onclick: () => removeAarItem('notes', n.id, 'note') },
                    'Delete',
                    h('span', { class: 'visually-hidden' }, ` note on ${obj}`),
                  )
                : '',
            ),
          ),
        ),
      )
    : h('p', { class: 'empty', id: 'aar-notes' }, 'No note yet.');

  const noteErr = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const noteForm = editable
    ? h(
        'form',
        {
          novalidate: true,
          id: 'note-form',
          onsubmit: async (e) => {
            e.preventDefault();
            noteErr.hidden = true;
            const f = e.target;
            const body = {
              objectiveId: f.querySelector('#note-objective').value,
              kind: f.querySelector('input[name=note-kind]:checked')?.value,
              text: f.querySelector('#note-text').value.trim(),
            };
            if (!body.text) return formError(noteErr, new Error('Write the note.'));
            try {
              await api(`/api/exercises/${exerciseId}/aar/notes`, { method: 'POST', body });
              toast('Note added.', 'ok');
              await loadAar();
              el('note-text')?.focus();
            } catch (err) {
              formError(noteErr, err);
            }
          },
        },
        h(
          'fieldset',
          {},
          h('legend', {}, 'Add a note'),
          noteErr,
          h(
            'div',
            { class: 'row' },
            h(
              'div',
              { class: 'field' },
              h('label', { for: 'note-objective' }, 'Objective'),
              h('select', { id: 'note-objective' }, objectiveOptions(false)),
            ),
          ),
          h(
            'fieldset',
            { class: 'field' },
            h('legend', {}, 'Kind'),
            h(
              'div',
              { class: 'actions' },
              NOTE_KINDS.map((k, i) =>
                h(
                  'label',
                  { style: 'font-weight:400' },
                  h('input', { type: 'radio', name: 'note-kind', value: k.value, checked: i === 0 }),
                  ` ${k.label}`,
                ),
              ),
            ),
          ),
          h(
            'div',
            { class: 'field' },
            h('label', { for: 'note-text' }, 'Note'),
            h('textarea', { id: 'note-text', rows: '2', maxlength: '5000' }),
          ),
          h('button', { type: 'submit', class: 'primary' }, 'Add note'),
        ),
      )
    : '';

  // Improvement plan
  const teamCode = (id) => state.cards?.teams.find((t) => t.teamId === id)?.code ?? id;
  const element = (v) => CAPABILITY_ELEMENTS.find((x) => x.value === v)?.label ?? v;
  const planTable = ws.plan.length
    ? h(
        'table',
        { class: 'data', id: 'aar-plan' },
        h('caption', { class: 'visually-hidden' }, 'Improvement plan'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [
              'Objective',
              'Capability',
              'Issue',
              'Corrective action',
              'Element',
              'Responsible',
              'POC',
              'Start',
              'Due',
              editable ? 'Delete' : '',
            ]
              .filter(Boolean)
              .map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          ws.plan.map((p) =>
            h(
              'tr',
              { dataset: { item: p.id } },
              h('td', {}, p.objectiveId ?? '—'),
              h('td', {}, p.capability),
              h('td', {}, p.issue),
              h('td', {}, p.correctiveAction),
              h('td', {}, element(p.capabilityElement)),
              h('td', {}, p.responsibleTeamId ? teamCode(p.responsibleTeamId) : (p.organisation ?? '')),
              h('td', {}, p.poc ?? ''),
              h('td', {}, p.startDate ?? ''),
              h('td', {}, p.dueDate),
              editable
                ? h(
                    'td',
                    {},
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'small danger',
                        onclick: () => removeAarItem('plan', p.id, 'plan item'),
                      },
                      'Delete',
                      h('span', { class: 'visually-hidden' }, ` ${p.issue}`),
                    ),
                  )
                : '',
            ),
          ),
        ),
      )
    : h('p', { class: 'empty', id: 'aar-plan' }, 'No improvement-plan item yet.');

  const planErr = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const field = (id, label, control, hint) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      control,
      hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : '',
    );
  const planForm = editable
    ? h(
        'form',
        {
          novalidate: true,
          id: 'plan-form',
          onsubmit: async (e) => {
            e.preventDefault();
            planErr.hidden = true;
            const v = (id) => el(id).value.trim();
            const body = {
              ...(v('plan-objective') ? { objectiveId: v('plan-objective') } : {}),
              ...(v('plan-capability') ? { capability: v('plan-capability') } : {}),
              issue: v('plan-issue'),
              correctiveAction: v('plan-action'),
              capabilityElement: v('plan-element'),
              ...(v('plan-team') ? { responsibleTeamId: v('plan-team') } : {}),
              ...(v('plan-org') ? { organisation: v('plan-org') } : {}),
              ...(v('plan-poc') ? { poc: v('plan-poc') } : {}),
              ...(v('plan-start') ? { startDate: v('plan-start') } : {}),
              dueDate: v('plan-due'),
            };
            const missing = [];
            if (!body.issue) missing.push('the issue');
            if (!body.correctiveAction) missing.push('the corrective action');
            if (!body.dueDate) missing.push('the due date');
            if (!body.responsibleTeamId && !body.organisation)
              missing.push('who is responsible (a team or an organisation)');
            if (missing.length) return formError(planErr, new Error(`Give ${missing.join(', ')}.`));
            try {
              await api(`/api/exercises/${exerciseId}/aar/plan`, { method: 'POST', body });
              toast('Improvement-plan item added.', 'ok');
              await loadAar();
            } catch (err) {
              formError(planErr, err);
            }
          },
        },
        h(
          'fieldset',
          {},
          h('legend', {}, 'Add an improvement-plan item'),
          planErr,
          h(
            'div',
            { class: 'row' },
            field('plan-objective', 'Objective', h('select', { id: 'plan-objective' }, objectiveOptions(true))),
            field(
              'plan-capability',
              'Capability',
              h('input', { id: 'plan-capability', type: 'text', 'aria-describedby': 'plan-capability-hint' }),
              'Empty: the objective’s capability.',
            ),
          ),
          field(
            'plan-issue',
            'Issue / area for improvement',
            h('textarea', { id: 'plan-issue', rows: '2', maxlength: '5000' }),
          ),
          field('plan-action', 'Corrective action', h('textarea', { id: 'plan-action', rows: '2', maxlength: '5000' })),
          h(
            'div',
            { class: 'row' },
            field(
              'plan-element',
              'Capability element',
              h(
                'select',
                { id: 'plan-element' },
                CAPABILITY_ELEMENTS.map((c) => h('option', { value: c.value }, c.label)),
              ),
            ),
            field(
              'plan-team',
              'Responsible team',
              h(
                'select',
                { id: 'plan-team' },
                h('option', { value: '' }, '— another organisation —'),
                (state.cards?.teams ?? []).map((t) => h('option', { value: t.teamId }, t.code)),
              ),
            ),
            field(
              'plan-org',
              'or organisation',
              h('input', { id: 'plan-org', type: 'text', placeholder: 'Drill control' }),
            ),
          ),
          h(
            'div',
            { class: 'row' },
            field('plan-poc', 'Point of contact', h('input', { id: 'plan-poc', type: 'text' })),
            field('plan-start', 'Start date', h('input', { id: 'plan-start', type: 'date' })),
            field('plan-due', 'Due date', h('input', { id: 'plan-due', type: 'date', required: true })),
          ),
          h('button', { type: 'submit', class: 'primary' }, 'Add item'),
        ),
      )
    : '';

  const frame = h('iframe', { class: 'aar', id: 'aar-frame', title: 'After-action report preview', sandbox: '' });
  clear(
    el('aar-body'),
    stateLine,
    publishArea,
    h('h3', {}, 'Evaluator notes (strengths and areas for improvement)'),
    notesList,
    noteForm,
    h('h3', { style: 'margin-top:1rem' }, 'Improvement plan'),
    planTable,
    planForm,
    h('h3', { style: 'margin-top:1rem' }, 'Preview'),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', onclick: () => loadPreview() }, 'Refresh preview'),
      ['html', 'csv', 'json'].map((f) =>
        h('button', { type: 'button', onclick: () => download(f) }, `Download ${f.toUpperCase()}`),
      ),
    ),
    frame,
  );
}

async function loadPreview() {
  const frame = el('aar-frame');
  if (!frame) return;
  try {
    const html = await api(`/api/exercises/${exerciseId}/report?format=html`, { accept: 'text/html' });
    // A sandboxed document with no scripts: the report is static HTML with inline SVG.
    frame.srcdoc = typeof html === 'string' ? html : JSON.stringify(html);
  } catch (e) {
    frame.srcdoc = `<p style="font-family:sans-serif;color:#a4161a">The preview cannot be shown: ${errorText(e).replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</p>`;
  }
}

async function removeAarItem(kind, id, noun) {
  try {
    await api(`/api/exercises/${exerciseId}/aar/${kind}/${id}`, { method: 'DELETE' });
    toast(`${noun[0].toUpperCase()}${noun.slice(1)} deleted.`, 'ok');
    await loadAar();
  } catch (e) {
    toast(`Could not delete the ${noun}: ${errorText(e)}`, 'error');
  }
}

async function download(format) {
  const types = { html: 'text/html', csv: 'text/csv', json: 'application/json' };
  try {
    const body = await api(`/api/exercises/${exerciseId}/report?format=${format}`, { accept: types[format] });
    const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
    const draft = aar.workspace?.state.status === 'published' ? '' : '-draft';
    downloadText(
      `aar-${state.exercise?.name?.toLowerCase().replace(/[^a-z0-9]+/g, '-') ?? exerciseId}${draft}.${format}`,
      types[format],
      text,
    );
  } catch (e) {
    toast(errorText(e), 'error');
  }
}

// ───────────── start ─────────────

try {
  state.exercise = await api(`/api/exercises/${exerciseId}`);
} catch (e) {
  clear(el('main'), h('div', { class: 'error-box', role: 'alert' }, `This exercise cannot be opened: ${errorText(e)}`));
  throw e;
}
setupHeader(me, { exerciseName: `${state.exercise.name} — review` });
document.title = `${state.exercise.name} — Evaluator review`;
applyState(state.exercise.clock);
try {
  await loadScores();
} catch (e) {
  clear(el('scorecard'), h('p', { class: 'error-box' }, errorText(e)));
}
await loadAar();
el('refresh').addEventListener('click', () => loadScores().catch((e) => toast(errorText(e), 'error')));

/** A half-typed override or rating must not vanish under a live refresh: any edit holds refreshes back. */
for (const id of ['scorecard', 'objectives'])
  for (const ev of ['input', 'change']) el(id).addEventListener(ev, () => (dirty = true));
const editing = () => dirty;
let refreshTimer;
await connectLive(exerciseId, {
  onStatus: showConnection,
  handlers: {
    'exercise.state': applyState,
    'score.update': () => {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => {
        if (editing()) el('stale').hidden = false;
        else loadScores().catch(() => (el('stale').hidden = false));
      }, 500);
    },
  },
});
