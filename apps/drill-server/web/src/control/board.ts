// The teams × injects board: one cell per delivery with how far it got and since when, the consoles each team
// has open and its score. One tab stop for the whole grid; arrow keys move between cells.
import { byId, clear, h } from '../common/dom.js';
import { formatAge, formatScenario } from '../common/format.js';
import { cellKey, clock, state, type Cell, type DeliveryStatus, type InjectColumn } from './context.js';
import { selectInject } from './inject-actions.js';

/** How far a (team, inject) pair has got: the delivery's status, or for a released one, its latest receipt. */
type Progress = DeliveryStatus | 'none' | 'delivered' | 'acknowledged' | 'reported';

const STATUS_LABEL: Readonly<Record<Progress, string>> = {
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
const SHORT: Readonly<Record<Progress, string>> = {
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

export const statusLabel = (p: Progress) => STATUS_LABEL[p] ?? p;

const shortAge = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}`;
};

/** The furthest a (team, inject) pair has got, and since when (ms epoch). */
export function progress(c: Cell | undefined): { st: Progress; since?: number } {
  if (!c?.status) return { st: 'none' };
  if (c.status !== 'released') return { st: c.status };
  if (c.reportedAt) return { st: 'reported', since: Date.parse(c.reportedAt) };
  if (c.acknowledgedAt) return { st: 'acknowledged', since: Date.parse(c.acknowledgedAt) };
  if (c.deliveredAt) return { st: 'delivered', since: Date.parse(c.deliveredAt) };
  return { st: 'released', since: c.releasedAt ? Date.parse(c.releasedAt) : undefined };
}

function isOverdue(c: Cell | undefined, inject: InjectColumn | undefined): boolean {
  if (!c || c.status !== 'released' || c.reportedAt || !inject?.responseRequired || inject.deadlineMinutes == null)
    return false;
  if (c.releasedScenarioMs == null) return false;
  return clock.scenarioMs - c.releasedScenarioMs > inject.deadlineMinutes * 60_000;
}

export function buildBoard(): void {
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
          state.cellEls.set(cellKey(t.id, i.id), b);
          return h('td', {}, b);
        }),
      ),
    ),
  );
  clear(
    byId('board'),
    h(
      'caption',
      { class: 'visually-hidden' },
      'Delivery state of every inject for every team. Arrow keys move between cells.',
    ),
    head,
    body,
  );
  // One tab stop for the whole grid (roving tabindex): 20 teams × 20 injects would otherwise be 400 Tab presses.
  [...state.cellEls.values()].forEach((c, n) => (c.tabIndex = n === 0 ? 0 : -1));
  for (const t of state.teams) {
    renderPresence(t.id);
    renderScore(t.id);
  }
  refreshAges();
}

const MOVES: Readonly<Record<string, readonly [number, number]>> = {
  ArrowRight: [0, 1],
  ArrowLeft: [0, -1],
  ArrowDown: [1, 0],
  ArrowUp: [-1, 0],
};

function moveInGrid(e: KeyboardEvent): void {
  const cell = (e.target as Element).closest?.<HTMLButtonElement>('button.cell');
  if (!cell) return;
  const r = state.teams.findIndex((t) => t.code === cell.dataset.team);
  const c = state.injects.findIndex((i) => i.id === cell.dataset.inject);
  const move = MOVES[e.key];
  let to: [number, number];
  if (move) to = [r + move[0], c + move[1]];
  else if (e.key === 'Home') to = [r, 0];
  else if (e.key === 'End') to = [r, state.injects.length - 1];
  else return;
  e.preventDefault();
  const team = state.teams[Math.max(0, Math.min(state.teams.length - 1, to[0]))];
  const inject = state.injects[Math.max(0, Math.min(state.injects.length - 1, to[1]))];
  const next = team && inject ? state.cellEls.get(cellKey(team.id, inject.id)) : undefined;
  if (!next) return;
  cell.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
}

export function setupBoard(): void {
  byId('board').addEventListener('keydown', moveInGrid);
  setInterval(refreshAges, 5000);
}

export function renderCell(teamId: string, injectId: string): void {
  const b = state.cellEls.get(cellKey(teamId, injectId));
  if (!b) return;
  const c = state.cells.get(cellKey(teamId, injectId));
  const inject = state.injects.find((i) => i.id === injectId);
  const { st, since } = progress(c);
  const overdue = isOverdue(c, inject);
  const due = st === 'scheduled' && c?.dueScenarioMs != null ? formatScenario(c.dueScenarioMs) : '';
  const age = since ? formatAge(Date.now() - since) : due;
  const short = since ? shortAge(Date.now() - since) : due.slice(2, 7);
  b.className = `cell st-${st}${overdue ? ' overdue' : ''}`;
  b.setAttribute('aria-pressed', String(state.selectedInject === injectId && state.selectedTeam === teamId));
  const team = state.teams.find((t) => t.id === teamId);
  b.setAttribute(
    'aria-label',
    `${team?.code ?? teamId}, ${injectId}: ${statusLabel(st)}${age ? (since ? `, ${age} ago` : ` at ${age}`) : ''}${overdue ? ', overdue' : ''}`,
  );
  b.dataset.state = st;
  b.title = b.getAttribute('aria-label') ?? '';
  clear(b, SHORT[st] ?? st, short ? h('span', { class: 'age' }, ` ${short}`) : '');
}

export function refreshAges(): void {
  for (const t of state.teams) for (const i of state.injects) renderCell(t.id, i.id);
  renderSummary();
}

export function renderPresence(teamId: string): void {
  const td = document.getElementById(`presence-${teamId}`);
  if (!td) return;
  const n = state.presence.get(teamId);
  clear(
    td,
    n === undefined ? '' : n > 0 ? h('span', { class: 'online' }, `● ${n}`) : h('span', { class: 'offline' }, '○ 0'),
  );
  td.setAttribute('aria-label', n === undefined ? 'unknown' : `${n} console${n === 1 ? '' : 's'} open`);
}

export function renderScore(teamId: string): void {
  const td = document.getElementById(`score-${teamId}`);
  if (!td) return;
  const p = state.scores.get(teamId);
  td.textContent = p == null ? '—' : `${Math.round(p)}%`;
}

export function renderSummary(): void {
  const cells = [...state.cells.values()];
  const released = cells.filter((c) => c.status === 'released').length;
  const acked = cells.filter((c) => c.status === 'released' && c.acknowledgedAt).length;
  const reported = cells.filter((c) => c.status === 'released' && c.reportedAt).length;
  const online = [...state.presence.values()].filter((n) => n > 0).length;
  byId('summary').textContent =
    `${state.teams.length} teams (${online} online) · ${released} deliveries released, ${acked} acknowledged, ${reported} reported · ${state.feed.size} ISM reports`;
}
