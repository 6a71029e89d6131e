// The board's timeline (MSEL) view: one row per inject in scenario-time order (msel.ts places them), with its
// planned offset, when it actually went out (earliest and latest over the teams) and each team's state as a strip;
// conditional injects nothing has armed yet wait at the end with their condition. One tab stop; arrow keys move
// between the injects, Enter opens the preview.
import { byId, clear, h } from '../common/dom.js';
import { formatScenario } from '../common/format.js';
import { describeCell, progress, statusLabel } from './board.js';
import { cellKey, state, type InjectColumn, type Progress } from './context.js';
import { openInject, rebuild } from './detail.js';
import { conditionText, placeInjects, type Placement } from './msel.js';

const time = (ms: number | undefined) => (ms != null && Number.isFinite(ms) ? formatScenario(ms) : '—');

function injectButton(i: InjectColumn): HTMLElement {
  const selected = state.detail === 'inject' && state.selectedInject === i.id;
  return h(
    'button',
    {
      type: 'button',
      class: 'msel-inject link',
      tabindex: '-1',
      'aria-pressed': String(selected),
      dataset: { inject: i.id, focusKey: `msel-${i.id}` },
      onclick: () => openInject(i.id, ''),
    },
    h('strong', {}, i.id),
    ` ${i.title}`,
  );
}

/** Each team's state of the inject: counts in words, and one chip per team (its state in words on hover). */
function teamStrip(i: InjectColumn): HTMLElement {
  const counts = new Map<Progress, number>();
  const chips: HTMLElement[] = [];
  for (const t of state.teams) {
    const c = state.cells.get(cellKey(t.id, i.id));
    if (!c) continue;
    const { st } = progress(c);
    counts.set(st, (counts.get(st) ?? 0) + 1);
    chips.push(
      h(
        'span',
        { class: `team-chip st-${st}`, title: describeCell(t.code, i.id, c, true), dataset: { team: t.code } },
        t.code,
      ),
    );
  }
  const words = [...counts].map(([st, n]) => `${n} ${statusLabel(st).toLowerCase()}`).join(', ');
  return h(
    'div',
    {},
    h('div', { class: 'hint' }, words || 'no team yet'),
    chips.length ? h('div', { class: 'strip', 'aria-hidden': 'true' }, chips) : '',
  );
}

function placedRow(p: Placement): HTMLElement {
  const i = p.inject;
  const range =
    p.firstReleasedMs == null
      ? '—'
      : p.firstReleasedMs === p.lastReleasedMs
        ? time(p.firstReleasedMs)
        : `${time(p.firstReleasedMs)} – ${time(p.lastReleasedMs)}`;
  return h(
    'tr',
    { dataset: { inject: i.id, at: String(p.atMs) } },
    h('td', { class: 'mono' }, time(p.atMs), h('span', { class: 'hint' }, ` ${p.by}`)),
    h('td', { class: 'mono' }, i.trigger ? 'conditional' : (i.offset ?? '—')),
    h('th', { scope: 'row' }, injectButton(i), i.trigger ? h('div', { class: 'hint' }, conditionText(i.trigger)) : ''),
    h('td', {}, h('span', { class: 'mono' }, range), h('div', { class: 'hint' }, `${p.released} of ${p.teams} teams`)),
    h('td', {}, teamStrip(i)),
  );
}

function unarmedRow(i: InjectColumn): HTMLElement {
  return h(
    'tr',
    { dataset: { inject: i.id } },
    h('td', { class: 'mono' }, '—'),
    h('td', { class: 'mono' }, i.offset ? `not before ${i.offset}` : '—'),
    h('th', { scope: 'row' }, injectButton(i)),
    h('td', { colspan: '2' }, i.trigger ? `Condition: ${conditionText(i.trigger)}` : ''),
  );
}

/** Draws the view (when it is the one shown); called on every change of the board and every few seconds. */
export function renderMsel(): void {
  if (state.view !== 'timeline') return;
  const table = byId('msel');
  const m = placeInjects(state.injects, state.cells.values());
  rebuild(
    table,
    h(
      'caption',
      { class: 'visually-hidden' },
      'Injects in scenario-time order: when each sits, its planned offset, when it went out and how far each team got.',
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['At (scenario)', 'Planned', 'Inject', 'Released', 'Teams'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h('tbody', { id: 'msel-placed' }, m.placed.map(placedRow)),
    m.unarmed.length
      ? h(
          'tbody',
          { id: 'msel-unarmed', 'aria-labelledby': 'msel-unarmed-title' },
          h(
            'tr',
            { class: 'group' },
            h('th', { colspan: '5', scope: 'colgroup', id: 'msel-unarmed-title' }, 'Conditional, not armed'),
          ),
          m.unarmed.map(unarmedRow),
        )
      : '',
  );
  // Keep the one tab stop where it was, or on the first inject.
  const buttons = [...table.querySelectorAll<HTMLButtonElement>('button.msel-inject')];
  const current = buttons.find((b) => b === document.activeElement) ?? buttons.find((b) => b.dataset.inject === last);
  (current ?? buttons[0])?.setAttribute('tabindex', '0');
}

let last = '';

function moveInMsel(e: KeyboardEvent): void {
  const from = (e.target as Element).closest?.<HTMLButtonElement>('button.msel-inject');
  if (!from) return;
  const buttons = [...byId('msel').querySelectorAll<HTMLButtonElement>('button.msel-inject')];
  const n = buttons.indexOf(from);
  const to =
    e.key === 'ArrowDown'
      ? n + 1
      : e.key === 'ArrowUp'
        ? n - 1
        : e.key === 'Home'
          ? 0
          : e.key === 'End'
            ? buttons.length - 1
            : undefined;
  if (to === undefined) return;
  e.preventDefault();
  const next = buttons[Math.max(0, Math.min(buttons.length - 1, to))];
  if (!next) return;
  from.tabIndex = -1;
  next.tabIndex = 0;
  last = next.dataset.inject ?? '';
  next.focus();
}

export function setupMsel(): void {
  byId('msel').addEventListener('keydown', moveInMsel);
  byId('msel').addEventListener('focusin', (e) => {
    const b = (e.target as Element).closest?.<HTMLButtonElement>('button.msel-inject');
    if (b) last = b.dataset.inject ?? '';
  });
  clear(byId('msel'));
}
