// The teams × injects grid: one cell per delivery with how far it got and how long ago in scenario time, the
// consoles each team has open and its score. Columns run in scenario time (msel.ts); the team, online and score
// columns stay put while the injects scroll under them. One tab stop for the whole grid; arrow keys move between
// the inject headers, the team names and the cells.
import { byId, clear, h } from '../common/dom.js';
import { cooperationTitle } from './assistance.js';
import { formatAge, formatLocal, formatScenario, formatWall } from '../common/format.js';
import { cellKey, clock, state, type Cell, type InjectColumn, type Progress } from './context.js';
import { openInject, openTeam, rebuild } from './detail.js';
import { renderMsel } from './msel-view.js';
import { compactAge, conditionText, isReleased, placeInjects, progressOf } from './msel.js';

const STATUS_LABEL: Readonly<Record<Progress, string>> = {
  none: 'not for this team',
  scheduled: 'Scheduled',
  armed: 'Armed',
  released: 'Released',
  delivered: 'Delivered',
  acknowledged: 'Acknowledged',
  reported: 'Reported',
  skipped: 'Skipped',
  'not-triggered': 'Not triggered',
};
// One short word per cell keeps twenty-odd injects across a laptop screen; the legend and the cell's label say it
// in full.
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
export const shortLabel = (p: Progress) => SHORT[p] ?? p;

/** How far a (team, inject) pair has got, and since when in scenario time. */
export const progress = (c: Cell | undefined) => progressOf(c, state.speed);

/** Whether a team is past the inject's deadline (scenario time since release) without a report. */
export function isOverdue(c: Cell | undefined, inject: InjectColumn | undefined): boolean {
  if (!c || !isReleased(c) || c.reportedAt || !inject?.responseRequired || inject.deadlineMinutes == null) return false;
  if (c.releasedScenarioMs == null) return false;
  return clock.scenarioMs - c.releasedScenarioMs > inject.deadlineMinutes * 60_000;
}

/**
 * A pair's state in words, with its age in scenario time; `wall` adds the wall time of the change (UTC and local),
 * for a tooltip.
 */
export function describeCell(teamCode: string, injectId: string, c: Cell | undefined, wall = false): string {
  const inject = state.injects.find((i) => i.id === injectId);
  const { st, sinceMs, sinceWall } = progress(c);
  const due = (st === 'scheduled' || st === 'armed') && c?.dueScenarioMs != null ? formatScenario(c.dueScenarioMs) : '';
  const when =
    sinceMs != null
      ? `, ${formatAge(clock.scenarioMs - sinceMs)} ago in scenario time (at ${formatScenario(sinceMs)})`
      : due
        ? ` at ${due}`
        : '';
  const text = `${teamCode}, ${injectId}: ${statusLabel(st)}${when}${isOverdue(c, inject) ? ', past its deadline' : ''}`;
  return wall && sinceWall ? `${text}\n${wallTitle(sinceWall)}` : text;
}

/** A wall instant for a tooltip beside a scenario time: UTC, as the drill writes it, and the reader's own time. */
export const wallTitle = (iso: string) => `Wall time: ${formatWall(iso)} · ${formatLocal(iso)}`;

/** The planned scenario time a column shows: its offset, or for a conditional inject where it now sits. */
function columnTime(i: InjectColumn, atMs: number | undefined): string {
  if (!i.trigger) return i.offset ?? (atMs != null && Number.isFinite(atMs) ? formatScenario(atMs).slice(1, 7) : '');
  return atMs != null && Number.isFinite(atMs) ? `if ${formatScenario(atMs).slice(1, 7)}` : 'cond.';
}

/** The focusable buttons of the grid by row (0: inject headers) and column (0: team names), for arrow keys. */
let grid: (HTMLButtonElement | null)[][] = [];

export function buildBoard(): void {
  state.cellEls.clear();
  const placedAt = new Map(placeInjects(state.injects, state.cells.values()).placed.map((p) => [p.inject.id, p.atMs]));
  const colButtons = state.injects.map((i) =>
    h(
      'button',
      {
        type: 'button',
        class: 'col',
        title: [
          `${i.id} · ${i.title}`,
          i.offset ? `planned ${i.offset}` : '',
          i.trigger ? `conditional: ${conditionText(i.trigger)}` : '',
        ]
          .filter(Boolean)
          .join(' · '),
        'aria-label': `${i.id}, ${i.title}: preview`,
        dataset: { inject: i.id, focusKey: `grid-col-${i.id}` },
        tabindex: '-1',
        onclick: () => openInject(i.id, ''),
      },
      h('span', { class: 'col-id' }, i.id),
      h('span', { class: 'col-time' }, columnTime(i, placedAt.get(i.id))),
    ),
  );
  const head = h(
    'thead',
    {},
    h(
      'tr',
      {},
      h('th', { scope: 'col', class: 'team pin-team' }, 'Team'),
      h('th', { scope: 'col', class: 'pin-online' }, h('span', { title: 'Consoles open' }, 'Online')),
      h('th', { scope: 'col', class: 'pin-score' }, 'Score'),
      colButtons.map((b) => h('th', { scope: 'col', dataset: { inject: b.dataset.inject ?? '' } }, b)),
    ),
  );
  grid = [[null, ...colButtons]];
  const body = h(
    'tbody',
    {},
    state.teams.map((t) => {
      const teamButton = h(
        'button',
        {
          type: 'button',
          class: 'team-link',
          title: `${t.name}: deliveries, reports and score`,
          dataset: { team: t.code, focusKey: `grid-team-${t.id}` },
          tabindex: '-1',
          onclick: () => openTeam(t.id),
        },
        t.code,
      );
      const cells = state.injects.map((i) => {
        const b = h('button', {
          type: 'button',
          class: 'cell',
          dataset: { team: t.code, inject: i.id, focusKey: `grid-cell-${t.id}-${i.id}` },
          tabindex: '-1',
          onclick: () => openInject(i.id, t.id),
        });
        state.cellEls.set(cellKey(t.id, i.id), b);
        return b;
      });
      grid.push([teamButton, ...cells]);
      return h(
        'tr',
        { dataset: { team: t.code } },
        h('th', { scope: 'row', class: 'team pin-team' }, teamButton),
        h('td', { class: 'presence pin-online', id: `presence-${t.id}` }),
        h('td', { class: 'score pin-score', id: `score-${t.id}` }),
        cells.map((b) => h('td', {}, b)),
      );
    }),
  );
  const table = byId('board');
  rebuild(
    table,
    h(
      'caption',
      { class: 'visually-hidden' },
      'Delivery state of every inject for every team, injects in scenario-time order. Arrow keys move between cells.',
    ),
    head,
    body,
  );
  // One tab stop for the whole grid (roving tabindex): 20 teams × 25 injects would otherwise be 500 Tab presses.
  // It stays on the button that had focus when the grid was redrawn.
  const focused = grid.flat().find((b) => b && b === document.activeElement);
  (focused ?? grid[1]?.[1] ?? grid[0]?.[1] ?? grid[1]?.[0])?.setAttribute('tabindex', '0');
  for (const t of state.teams) {
    renderPresence(t.id);
    renderScore(t.id);
  }
  refreshAges();
  pinColumns(table);
}

/**
 * The team, online and score columns are sticky on the left; each one's offset is the width of those before it,
 * measured, since the team codes set the first width.
 */
function pinColumns(table: HTMLElement): void {
  const first = table.querySelector<HTMLElement>('thead th.pin-team');
  const second = table.querySelector<HTMLElement>('thead th.pin-online');
  if (!first || !second) return;
  table.style.setProperty('--pin-online', `${first.offsetWidth}px`);
  table.style.setProperty('--pin-score', `${first.offsetWidth + second.offsetWidth}px`);
}

const MOVES: Readonly<Record<string, readonly [number, number]>> = {
  ArrowRight: [0, 1],
  ArrowLeft: [0, -1],
  ArrowDown: [1, 0],
  ArrowUp: [-1, 0],
};

function moveInGrid(e: KeyboardEvent): void {
  const from = (e.target as Element).closest?.<HTMLButtonElement>('button');
  if (!from) return;
  const r = grid.findIndex((row) => row.includes(from));
  if (r < 0) return;
  const c = grid[r]!.indexOf(from);
  const move = MOVES[e.key];
  let to: [number, number];
  if (move) to = [r + move[0], c + move[1]];
  else if (e.key === 'Home') to = [r, 0];
  else if (e.key === 'End') to = [r, grid[r]!.length - 1];
  else return;
  e.preventDefault();
  const row = grid[Math.max(0, Math.min(grid.length - 1, to[0]))] ?? [];
  const next = row[Math.max(0, Math.min(row.length - 1, to[1]))];
  if (!next) return;
  from.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
}

export function setupBoard(): void {
  byId('board').addEventListener('keydown', moveInGrid);
  setInterval(() => {
    refreshAges();
    renderMsel();
  }, 5000);
  // Scores and presence arrive after the grid is drawn and may widen its first columns.
  new ResizeObserver(() => pinColumns(byId('board'))).observe(byId('board'));
}

export function renderCell(teamId: string, injectId: string): void {
  const b = state.cellEls.get(cellKey(teamId, injectId));
  if (!b) return;
  const c = state.cells.get(cellKey(teamId, injectId));
  const inject = state.injects.find((i) => i.id === injectId);
  const { st, sinceMs } = progress(c);
  const overdue = isOverdue(c, inject);
  const due = (st === 'scheduled' || st === 'armed') && c?.dueScenarioMs != null ? formatScenario(c.dueScenarioMs) : '';
  const short = sinceMs != null ? compactAge(clock.scenarioMs - sinceMs) : due.slice(2, 7);
  b.className = `cell st-${st}${overdue ? ' overdue' : ''}`;
  const selected = state.detail === 'inject' && state.selectedInject === injectId && state.selectedTeam === teamId;
  b.setAttribute('aria-pressed', String(selected));
  const code = state.teams.find((t) => t.id === teamId)?.code ?? teamId;
  b.setAttribute('aria-label', describeCell(code, injectId, c));
  b.title = describeCell(code, injectId, c, true);
  b.dataset.state = st;
  // A scheduled cell is its due time alone: the narrowest cell, and the one most of the grid holds.
  const word = st === 'scheduled' && short ? '' : shortLabel(st);
  clear(b, word, short ? h('span', { class: 'age' }, word ? ` ${short}` : short) : '');
}

/** Marks the selected inject's header (its preview is open for all its teams). */
export function renderSelection(): void {
  for (const b of byId('board').querySelectorAll<HTMLElement>('button.col'))
    b.setAttribute(
      'aria-pressed',
      String(state.detail === 'inject' && b.dataset.inject === state.selectedInject && !state.selectedTeam),
    );
  for (const b of byId('board').querySelectorAll<HTMLElement>('button.team-link'))
    b.setAttribute(
      'aria-pressed',
      String(state.detail === 'team' && state.teams.find((t) => t.id === state.selectedTeam)?.code === b.dataset.team),
    );
}

export function refreshAges(): void {
  for (const t of state.teams) for (const i of state.injects) renderCell(t.id, i.id);
  renderSelection();
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
  td.title = cooperationTitle(teamId);
}

export function renderSummary(): void {
  const cells = [...state.cells.values()];
  const released = cells.filter(isReleased);
  const acked = released.filter((c) => c.acknowledgedAt || c.status === 'acknowledged').length;
  const reported = released.filter((c) => c.reportedAt).length;
  const online = [...state.presence.values()].filter((n) => n > 0).length;
  byId('summary').textContent =
    `${state.teams.length} teams (${online} online) · ${released.length} deliveries released, ${acked} acknowledged, ${reported} reported · ${state.feed.size} ISM reports`;
}
