// Control board: exercise lifecycle and clock, the teams × injects delivery grid with ages, inject actions
// (release now, skip, retime), the live ISM feed and how many consoles each team has open.
import {
  announce,
  api,
  clear,
  connectLive,
  DrillClock,
  errorText,
  exerciseIdFromUrl,
  formatAge,
  formatScenario,
  formatWall,
  h,
  requireUser,
  setupHeader,
  showConnection,
  statusBadge,
  tlpBadge,
  toast,
} from './common.js';
import { REPORT_KINDS } from './vocab.js';

const exerciseId = exerciseIdFromUrl();
const me = await requireUser(['controller', 'evaluator', 'observer']);
setupHeader(me);
const canControl = me.role === 'controller';
const el = (id) => document.getElementById(id);

const reviewLink = el('review-link');
if (me.role === 'observer') reviewLink.hidden = true;
else reviewLink.href = `evaluator.html?exercise=${encodeURIComponent(exerciseId)}`;

const state = {
  exercise: null,
  status: 'draft',
  teams: [],
  /** Columns: {id, title, offset, offsetSeconds, responseRequired, deadlineMinutes, targets, trigger} */
  injects: [],
  /** `${teamId}|${injectId}` → delivery row (timeline shape) plus reportedAt */
  cells: new Map(),
  presence: new Map(),
  scores: new Map(),
  feed: new Map(),
  selectedInject: '',
  selectedTeam: '',
  cellEls: new Map(),
};
const key = (teamId, injectId) => `${teamId}|${injectId}`;

// ───────────── clock and lifecycle ─────────────

const clock = new DrillClock((s, ms) => {
  el('clock').textContent = formatScenario(ms);
});

const ALLOWED = {
  start: ['draft', 'scheduled'],
  pause: ['running'],
  resume: ['paused'],
  complete: ['running', 'paused'],
  abort: ['draft', 'scheduled', 'running', 'paused'],
};

function applyState(s) {
  const changed = s.status !== state.status;
  state.status = s.status;
  clock.update(s);
  clear(el('status'), statusBadge(s.status));
  el('speed').textContent = s.speed === 1 ? 'real time' : `×${s.speed}`;
  for (const b of el('lifecycle').querySelectorAll('button')) {
    b.hidden = !canControl || !ALLOWED[b.dataset.action].includes(s.status);
  }
  if (changed) announce(`Exercise ${s.status}.`);
  refreshAges();
}

el('readonly-note').hidden = canControl;
for (const b of document.querySelectorAll('.controller-only')) b.hidden = !canControl;

async function lifecycle(action) {
  clear(el('lifecycle-confirm'));
  el('lifecycle-confirm').hidden = true;
  try {
    const view = await api(`/api/exercises/${exerciseId}/${action}`, { method: 'POST' });
    applyState(view.clock);
    toast(`Exercise ${view.status}.`, 'ok');
    scheduleTimeline();
  } catch (e) {
    toast(`Could not ${action}: ${errorText(e)}`, 'error');
  }
}

el('lifecycle').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-action]');
  if (!b) return;
  const action = b.dataset.action;
  if (!b.dataset.confirm) return void lifecycle(action);
  const box = el('lifecycle-confirm');
  const cancel = h('button', { type: 'button', onclick: () => ((box.hidden = true), b.focus()) }, 'Cancel');
  clear(
    box,
    h(
      'div',
      { class: 'confirm', role: 'alertdialog', 'aria-label': `Confirm ${action}` },
      h('span', {}, b.dataset.confirm),
      h('button', { type: 'button', class: 'danger primary', onclick: () => lifecycle(action) }, `Yes, ${action}`),
      cancel,
    ),
  );
  box.hidden = false;
  cancel.focus();
});

// ───────────── board ─────────────

const STATUS_LABEL = {
  none: '—',
  scheduled: 'Scheduled',
  armed: 'Armed',
  released: 'Released',
  delivered: 'Delivered',
  acknowledged: 'Acknowledged',
  reported: 'Reported',
  skipped: 'Skipped',
  'not-triggered': 'Not triggered',
};
// One line per cell keeps twenty teams on a laptop screen; the full words are in the legend and the cell's label.
const SHORT = {
  none: '—',
  scheduled: 'Sched',
  armed: 'Armed',
  released: 'Rel',
  delivered: 'Deliv',
  acknowledged: 'Ack',
  reported: 'Rep',
  skipped: 'Skip',
  'not-triggered': 'N/T',
};
const shortAge = (ms) => {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}`;
};

/** The furthest a (team, inject) pair has got, and since when (ms epoch). */
function progress(c) {
  if (!c) return { st: 'none' };
  if (c.status !== 'released') return { st: c.status };
  if (c.reportedAt) return { st: 'reported', since: Date.parse(c.reportedAt) };
  if (c.acknowledgedAt) return { st: 'acknowledged', since: Date.parse(c.acknowledgedAt) };
  if (c.deliveredAt) return { st: 'delivered', since: Date.parse(c.deliveredAt) };
  return { st: 'released', since: c.releasedAt ? Date.parse(c.releasedAt) : undefined };
}

function isOverdue(c, inject) {
  if (!c || c.status !== 'released' || c.reportedAt || !inject?.responseRequired || inject.deadlineMinutes == null)
    return false;
  if (c.releasedScenarioMs == null) return false;
  return clock.scenarioMs - c.releasedScenarioMs > inject.deadlineMinutes * 60_000;
}

function buildBoard() {
  const table = el('board');
  state.cellEls.clear();
  const head = h(
    'thead',
    {},
    h(
      'tr',
      {},
      h('th', { scope: 'col', class: 'team' }, 'Team'),
      h('th', { scope: 'col' }, h('span', { title: 'Consoles open' }, 'Online')),
      h('th', { scope: 'col' }, 'Score'),
      state.injects.map((i) =>
        h(
          'th',
          { scope: 'col' },
          h(
            'button',
            {
              type: 'button',
              class: 'col',
              title: `${i.id} · ${i.title}${i.offset ? ` · ${i.offset}` : ''}`,
              'aria-pressed': String(state.selectedInject === i.id && !state.selectedTeam),
              dataset: { inject: i.id },
              onclick: () => selectInject(i.id, ''),
            },
            i.id,
            h(
              'span',
              { class: 'hint', style: 'display:block;font-weight:400' },
              i.trigger ? 'conditional' : (i.offset ?? ''),
            ),
          ),
        ),
      ),
    ),
  );
  const body = h(
    'tbody',
    {},
    state.teams.map((t) =>
      h(
        'tr',
        { dataset: { team: t.code } },
        h('th', { scope: 'row', class: 'team', title: t.name }, t.code),
        h('td', { class: 'presence', id: `presence-${t.id}` }),
        h('td', { class: 'score', id: `score-${t.id}` }),
        state.injects.map((i) => {
          const b = h('button', {
            type: 'button',
            class: 'cell',
            dataset: { team: t.code, inject: i.id },
            onclick: () => selectInject(i.id, t.id),
          });
          state.cellEls.set(key(t.id, i.id), b);
          return h('td', {}, b);
        }),
      ),
    ),
  );
  clear(
    table,
    h(
      'caption',
      { class: 'visually-hidden' },
      'Delivery state of every inject for every team. Arrow keys move between cells.',
    ),
    head,
    body,
  );
  // One tab stop for the whole grid (roving tabindex): 20 teams × 20 injects would otherwise be 400 Tab presses.
  const cells = [...state.cellEls.values()];
  cells.forEach((c, n) => (c.tabIndex = n === 0 ? 0 : -1));
  for (const t of state.teams) {
    renderPresence(t.id);
    renderScore(t.id);
  }
  refreshAges();
}

el('board').addEventListener('keydown', (e) => {
  const cell = e.target.closest?.('button.cell');
  if (!cell) return;
  const r = state.teams.findIndex((t) => t.code === cell.dataset.team);
  const c = state.injects.findIndex((i) => i.id === cell.dataset.inject);
  const moves = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0] };
  let to;
  if (moves[e.key]) to = [r + moves[e.key][0], c + moves[e.key][1]];
  else if (e.key === 'Home') to = [r, 0];
  else if (e.key === 'End') to = [r, state.injects.length - 1];
  else return;
  e.preventDefault();
  const team = state.teams[Math.max(0, Math.min(state.teams.length - 1, to[0]))];
  const inject = state.injects[Math.max(0, Math.min(state.injects.length - 1, to[1]))];
  const next = state.cellEls.get(key(team.id, inject.id));
  if (!next) return;
  cell.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
});

function renderCell(teamId, injectId) {
  const b = state.cellEls.get(key(teamId, injectId));
  if (!b) return;
  const c = state.cells.get(key(teamId, injectId));
  const inject = state.injects.find((i) => i.id === injectId);
  const { st, since } = progress(c);
  const overdue = isOverdue(c, inject);
  const age = since
    ? formatAge(Date.now() - since)
    : st === 'scheduled' && c?.dueScenarioMs != null
      ? formatScenario(c.dueScenarioMs)
      : '';
  const short = since
    ? shortAge(Date.now() - since)
    : st === 'scheduled' && c?.dueScenarioMs != null
      ? formatScenario(c.dueScenarioMs).slice(2, 7)
      : '';
  b.className = `cell st-${st}${overdue ? ' overdue' : ''}`;
  b.setAttribute('aria-pressed', String(state.selectedInject === injectId && state.selectedTeam === teamId));
  const team = state.teams.find((t) => t.id === teamId);
  b.setAttribute(
    'aria-label',
    `${team?.code ?? teamId}, ${injectId}: ${STATUS_LABEL[st]}${age ? (since ? `, ${age} ago` : ` at ${age}`) : ''}${overdue ? ', overdue' : ''}`,
  );
  b.dataset.state = st;
  b.title = b.getAttribute('aria-label');
  clear(b, SHORT[st], short ? h('span', { class: 'age' }, ` ${short}`) : '');
}

function refreshAges() {
  for (const t of state.teams) for (const i of state.injects) renderCell(t.id, i.id);
  renderSummary();
}
setInterval(refreshAges, 5000);

function renderPresence(teamId) {
  const td = el(`presence-${teamId}`);
  if (!td) return;
  const n = state.presence.get(teamId);
  clear(
    td,
    n === undefined ? '' : n > 0 ? h('span', { class: 'online' }, `● ${n}`) : h('span', { class: 'offline' }, '○ 0'),
  );
  td.setAttribute('aria-label', n === undefined ? 'unknown' : `${n} console${n === 1 ? '' : 's'} open`);
}

function renderScore(teamId) {
  const td = el(`score-${teamId}`);
  if (!td) return;
  const p = state.scores.get(teamId);
  td.textContent = p == null ? '—' : `${Math.round(p)}%`;
}

function renderSummary() {
  const rows = [...state.cells.values()];
  const released = rows.filter((c) => c.status === 'released').length;
  const acked = rows.filter((c) => c.status === 'released' && c.acknowledgedAt).length;
  const reported = rows.filter((c) => c.status === 'released' && c.reportedAt).length;
  const online = [...state.presence.values()].filter((n) => n > 0).length;
  el('summary').textContent =
    `${state.teams.length} teams (${online} online) · ${released} deliveries released, ${acked} acknowledged, ${reported} reported · ${state.feed.size} ISM reports`;
}

// ───────────── inject actions ─────────────

function selectInject(injectId, teamId, scroll = true) {
  state.selectedInject = injectId;
  state.selectedTeam = teamId ?? '';
  el('inject-select').value = injectId;
  el('team-select').value = state.selectedTeam;
  for (const b of el('board').querySelectorAll('button.col'))
    b.setAttribute('aria-pressed', String(b.dataset.inject === injectId && !state.selectedTeam));
  refreshAges();
  renderInjectDetail();
  if (scroll) el('inject-actions').scrollIntoView({ block: 'nearest' });
}

function renderInjectDetail() {
  const i = state.injects.find((x) => x.id === state.selectedInject);
  el('inject-error').hidden = true;
  if (!i) {
    el('inject-detail').textContent = 'Choose an inject.';
    return;
  }
  const team = state.teams.find((t) => t.id === state.selectedTeam);
  const rows = state.teams.map((t) => state.cells.get(key(t.id, i.id))).filter(Boolean);
  const count = (s) => rows.filter((c) => c.status === s).length;
  const parts = [
    `${i.id} · ${i.title}`,
    i.offset ? `offset ${i.offset}` : '',
    i.trigger ? 'conditional inject' : '',
    `${count('released')} released, ${count('scheduled') + count('armed')} pending, ${count('skipped')} skipped`,
  ];
  if (team) {
    const c = state.cells.get(key(team.id, i.id));
    const p = progress(c);
    parts.push(
      `${team.code}: ${STATUS_LABEL[p.st]}` +
        (c?.releasedAt ? `; released ${formatWall(c.releasedAt)}` : '') +
        (c?.deliveredAt ? `, delivered ${formatWall(c.deliveredAt)}` : '') +
        (c?.acknowledgedAt ? `, acknowledged ${formatWall(c.acknowledgedAt)}` : '') +
        (c?.reportedAt ? `, first report ${formatWall(c.reportedAt)}` : ''),
    );
  }
  el('inject-detail').textContent = parts.filter(Boolean).join(' · ');
  el('release-now').textContent = team ? `Release now to ${team.code}` : 'Release now to its teams';
}

el('inject-select').addEventListener('change', (e) => selectInject(e.target.value, el('team-select').value, false));
el('team-select').addEventListener('change', (e) => selectInject(el('inject-select').value, e.target.value, false));

function injectError(e) {
  const box = el('inject-error');
  box.textContent = errorText(e);
  box.hidden = false;
}

el('release-now').addEventListener('click', async () => {
  const injectId = state.selectedInject;
  if (!injectId) return;
  const body = state.selectedTeam ? { teamIds: [state.selectedTeam] } : {};
  try {
    const r = await api(`/api/exercises/${exerciseId}/injects/${encodeURIComponent(injectId)}/release`, {
      method: 'POST',
      body,
    });
    const codes = (ids) => ids.map((id) => state.teams.find((t) => t.id === id)?.code ?? id).join(', ');
    toast(
      r.released.length
        ? `Released ${injectId} to ${codes(r.released)}.`
        : `${injectId} was already released to ${codes(r.alreadyReleased) || 'its teams'}.`,
      'ok',
    );
    announce(`Released ${injectId}.`);
    scheduleTimeline(0);
  } catch (e) {
    injectError(e);
  }
});

el('skip').addEventListener('click', () => {
  const injectId = state.selectedInject;
  if (!injectId) return;
  const box = el('skip-confirm');
  const cancel = h('button', { type: 'button', onclick: () => ((box.hidden = true), el('skip').focus()) }, 'Cancel');
  clear(
    box,
    h(
      'span',
      { class: 'confirm', role: 'alertdialog', 'aria-label': `Confirm skipping ${injectId}` },
      `Skip every pending release of ${injectId}?`,
      h(
        'button',
        {
          type: 'button',
          class: 'danger primary',
          onclick: async () => {
            box.hidden = true;
            try {
              const r = await api(`/api/exercises/${exerciseId}/injects/${encodeURIComponent(injectId)}`, {
                method: 'PATCH',
                body: { skip: true },
              });
              toast(`Skipped ${injectId} (${r.skipped ?? 0} pending releases).`, 'ok');
              scheduleTimeline(0);
            } catch (e) {
              injectError(e);
            }
          },
        },
        'Yes, skip',
      ),
      cancel,
    ),
  );
  box.hidden = false;
  cancel.focus();
});

el('retime-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const input = el('retime-offset');
  const offset = input.value.trim();
  const injectId = state.selectedInject;
  if (!/^\+\d{2,3}:[0-5]\d(:[0-5]\d)?$/.test(offset)) {
    input.setAttribute('aria-invalid', 'true');
    injectError(new Error('The offset must look like +HH:MM or +HH:MM:SS, e.g. +01:30.'));
    input.focus();
    return;
  }
  input.removeAttribute('aria-invalid');
  try {
    await api(`/api/exercises/${exerciseId}/injects/${encodeURIComponent(injectId)}`, {
      method: 'PATCH',
      body: { offset },
    });
    toast(`${injectId} retimed to ${offset}.`, 'ok');
    const i = state.injects.find((x) => x.id === injectId);
    if (i) i.offset = offset;
    input.value = '';
    scheduleTimeline(0);
  } catch (err) {
    injectError(err);
  }
});

// ───────────── data ─────────────

function applyTimeline(t) {
  const reported = new Map();
  for (const e of t.entries) {
    if (e.kind !== 'report' || !e.teamId) continue;
    for (const injectId of e.injectIds ?? []) {
      const k = key(e.teamId, injectId);
      if (!reported.has(k) || e.at < reported.get(k)) reported.set(k, e.at);
    }
  }
  const cells = new Map();
  for (const e of t.entries) {
    if (e.kind !== 'delivery') continue;
    const k = key(e.teamId, e.injectId);
    cells.set(k, { ...e, reportedAt: reported.get(k) });
    if (!state.injects.some((i) => i.id === e.injectId)) state.injects.push({ id: e.injectId, title: e.injectId });
  }
  state.cells = cells;
  applyState(t.clock);
  renderInjectDetail();
}

let timelineTimer;
function scheduleTimeline(ms = 300) {
  clearTimeout(timelineTimer);
  timelineTimer = setTimeout(loadTimeline, ms);
}

let timelineAllowed = true;
async function loadTimeline() {
  if (!timelineAllowed) return;
  try {
    const t = await api(`/api/exercises/${exerciseId}/timeline`);
    const before = state.injects.length;
    applyTimeline(t);
    if (state.injects.length !== before) buildBoard();
  } catch (e) {
    if (e.status === 403) {
      timelineAllowed = false;
      el('board-note').hidden = false;
      el('board-note').textContent =
        'The delivery grid needs the controller or evaluator role; it fills in from live events only.';
    }
  }
}

async function loadPresence() {
  try {
    const p = await api(`/api/exercises/${exerciseId}/presence`);
    for (const t of p.teams) {
      state.presence.set(t.teamId, t.connected);
      renderPresence(t.teamId);
    }
    renderSummary();
  } catch {
    /* shown as unknown */
  }
}

const kindLabel = (k) => REPORT_KINDS.find((x) => x.value === k)?.label ?? k;

function addToFeed(r, live) {
  if (state.feed.has(r.id)) return;
  state.feed.set(r.id, r);
  el('feed-empty').hidden = true;
  const item = h(
    'li',
    { class: live ? 'flash' : '', dataset: { report: r.id } },
    h(
      'div',
      { class: 'report-head' },
      h('strong', {}, r.teamCode ?? 'Drill control'),
      h('span', { class: 'badge' }, kindLabel(r.kind)),
      tlpBadge(r.tlp),
      h('span', { class: 'mono muted' }, formatScenario(r.submittedScenarioMs)),
    ),
    h('div', {}, r.title),
    h(
      'div',
      { class: 'hint' },
      [
        r.injectIds?.length ? `answers ${r.injectIds.join(', ')}` : '',
        r.iocs?.length ? `${r.iocs.length} IOCs` : '',
        r.classification ? `${r.classification.class}/${r.classification.type}` : '',
      ]
        .filter(Boolean)
        .join(' · '),
    ),
  );
  const feed = el('feed');
  // Newest first; the initial load arrives oldest first.
  feed.prepend(item);
  while (feed.children.length > 300) feed.lastElementChild.remove();
  if (r.teamId) {
    for (const injectId of r.injectIds ?? []) {
      const c = state.cells.get(key(r.teamId, injectId));
      if (c && !c.reportedAt) {
        c.reportedAt = r.submittedAt;
        renderCell(r.teamId, injectId);
      }
    }
  }
  renderSummary();
}

// ───────────── start ─────────────

try {
  state.exercise = await api(`/api/exercises/${exerciseId}`);
} catch (e) {
  clear(el('main'), h('div', { class: 'error-box', role: 'alert' }, `This exercise cannot be opened: ${errorText(e)}`));
  throw e;
}
setupHeader(me, { exerciseName: state.exercise.name });
document.title = `${state.exercise.name} — Control board`;
state.teams = state.exercise.teams;
applyState(state.exercise.clock);
for (const t of state.teams) el('team-select').append(h('option', { value: t.id }, `Only ${t.code} (${t.name})`));

try {
  const sv = await api(
    `/api/scenarios/${encodeURIComponent(state.exercise.scenarioId)}/versions/${state.exercise.scenarioVersion}`,
  );
  state.injects = [...sv.scenario.injects]
    .sort((a, b) => a.offsetSeconds - b.offsetSeconds)
    .map((i) => ({
      id: i.id,
      title: i.title,
      offset: i.offset,
      offsetSeconds: i.offsetSeconds,
      responseRequired: i.responseRequired,
      deadlineMinutes: i.deadlineMinutes,
      trigger: i.trigger,
    }));
} catch {
  /* observers cannot read scenarios: columns come from the timeline and live events */
}

await loadTimeline();
buildBoard();
clear(
  el('inject-select'),
  state.injects.map((i) => h('option', { value: i.id }, `${i.id} · ${i.title}`)),
);
if (state.injects.length) selectInject(state.injects[0].id, '', false);

if (me.role !== 'observer') {
  api(`/api/exercises/${exerciseId}/scorecards`)
    .then((s) => {
      for (const t of s.teams) {
        state.scores.set(t.teamId, t.percent);
        renderScore(t.teamId);
      }
    })
    .catch(() => undefined);
}
const reports = await api(`/api/exercises/${exerciseId}/ism/reports`).catch(() => []);
for (const r of [...reports].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt))) addToFeed(r, false);

await loadPresence();
setInterval(loadPresence, 10_000);
setInterval(() => scheduleTimeline(0), 20_000);

await connectLive(exerciseId, {
  onStatus: (s) => {
    showConnection(s);
    if (s === 'connected') {
      scheduleTimeline(0);
      loadPresence();
    }
  },
  handlers: {
    'exercise.state': (s) => {
      applyState(s);
      scheduleTimeline();
    },
    delivery: (d) => {
      const k = key(d.teamId, d.injectId);
      const c = state.cells.get(k) ?? { teamId: d.teamId, injectId: d.injectId };
      Object.assign(c, { status: 'released', seq: d.seq ?? c.seq });
      for (const f of ['releasedAt', 'deliveredAt', 'acknowledgedAt']) if (d[f]) c[f] = d[f];
      if (c.releasedScenarioMs == null) c.releasedScenarioMs = clock.scenarioMs;
      state.cells.set(k, c);
      if (!state.injects.some((i) => i.id === d.injectId)) {
        state.injects.push({ id: d.injectId, title: d.injectId });
        buildBoard();
      }
      renderCell(d.teamId, d.injectId);
      renderSummary();
      if (state.selectedInject === d.injectId) renderInjectDetail();
      // The released scenario time and lateness come with the next timeline read.
      if (!d.deliveredAt && !d.acknowledgedAt) scheduleTimeline(1000);
    },
    'inject.skipped': () => scheduleTimeline(0),
    'ism.report': (r) => addToFeed(r, true),
    'score.update': (u) => {
      state.scores.set(u.teamId, u.percent);
      renderScore(u.teamId);
    },
  },
});
