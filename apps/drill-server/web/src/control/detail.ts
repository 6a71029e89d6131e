// The side panel beside the board: an inject's preview with its actions, or a team's drill-down. It is not modal:
// the board behind it keeps moving and stays usable, so a controller can watch a column while reading its inject.
// Opening it moves focus to its heading; Escape or Close shuts it and gives focus back to what opened it.
import { formatScenario } from '../common/format.js';
import { byId, h } from '../common/dom.js';
import { describeCell, progress, refreshAges, shortLabel, statusLabel, wallTitle } from './board.js';
import { state, type Cell } from './context.js';
import { renderInjectDetail } from './inject-actions.js';
import { refreshInjectPreview, renderInjectPreview } from './inject-preview.js';
import { scenarioMsAt } from './msel.js';
import { renderMsel } from './msel-view.js';
import { refreshTeamDetail, renderTeamDetail } from './team-detail.js';

/** What opened the panel; by its data-focus key too, as the board may have redrawn it meanwhile. */
let opener: { el: HTMLElement; key?: string } | null = null;

function open(kind: 'inject' | 'team', injectId: string, teamId: string): void {
  const panel = byId('detail');
  const active = document.activeElement;
  if (active instanceof HTMLElement && !panel.contains(active)) opener = { el: active, key: active.dataset.focusKey };
  state.detail = kind;
  state.selectedInject = injectId;
  state.selectedTeam = teamId;
  panel.hidden = false;
  byId('inject-actions').hidden = kind !== 'inject';
  if (kind === 'inject') {
    byId('inject-error').hidden = true;
    byId('skip-confirm').hidden = true;
    renderInjectPreview();
    renderInjectDetail();
  } else renderTeamDetail();
  byId('detail-body').scrollTop = 0;
  refreshAges();
  renderMsel();
  byId('detail-title').focus();
}

/** The preview of an inject; from a cell, for that team (its actions then act on that team only). */
export const openInject = (injectId: string, teamId: string) => open('inject', injectId, teamId);
/** A team's deliveries, reports and score. */
export const openTeam = (teamId: string) => open('team', '', teamId);

export function closeDetail(): void {
  state.detail = null;
  byId('detail').hidden = true;
  refreshAges();
  renderMsel();
  const back = opener?.el.isConnected
    ? opener.el
    : opener?.key
      ? document.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(opener.key)}"]`)
      : null;
  back?.focus();
  opener = null;
}

/** Brings the open panel's live parts (statuses, times, reports) up to date. */
export function refreshDetail(): void {
  if (state.detail === 'inject') {
    refreshInjectPreview();
    renderInjectDetail();
  } else if (state.detail === 'team') refreshTeamDetail();
}

export function setupDetail(): void {
  byId('detail-close').addEventListener('click', closeDetail);
  byId('detail').addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    closeDetail();
  });
}

/**
 * Replaces a live part of a panel, keeping the keyboard focus on the same control (by its data-focus key) when it
 * was inside: the part is rebuilt every few seconds and focus would otherwise fall back to the page.
 */
export function rebuild(container: HTMLElement, ...children: (Node | string)[]): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && container.contains(active) ? active.dataset.focusKey : undefined;
  container.replaceChildren(...children);
  if (key) container.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
}

/** A table cell with a scenario time (T+HH:MM:SS) and, on hover, the wall time it happened. */
export function timeCell(c: Cell | undefined, iso: string | null | undefined, scenarioMs?: number): HTMLElement {
  const ms = scenarioMs ?? (c && iso ? scenarioMsAt(c, iso, state.speed) : undefined);
  if (!iso || ms == null) return h('td', { class: 'mono' }, iso ? '' : '—');
  return h('td', { class: 'mono', title: wallTitle(iso) }, formatScenario(ms));
}

/** A pair's state and its times, as table cells: the same columns in an inject's preview and a team's drill-down. */
export function progressCells(teamCode: string, injectId: string, c: Cell | undefined): HTMLElement[] {
  const { st } = progress(c);
  return [
    h(
      'td',
      { title: describeCell(teamCode, injectId, c, true) },
      h('span', { class: `pill st-${st}` }, shortLabel(st)),
      h('span', { class: 'visually-hidden' }, ` ${statusLabel(st)}`),
    ),
    h('td', { class: 'mono' }, c?.dueScenarioMs != null ? formatScenario(c.dueScenarioMs) : '—'),
    timeCell(c, c?.releasedAt, c?.releasedScenarioMs ?? undefined),
    timeCell(c, c?.deliveredAt),
    timeCell(c, c?.acknowledgedAt),
    timeCell(c, c?.reportedAt, c?.reportedScenarioMs),
  ];
}

/** The column headings that go with progressCells. */
export const PROGRESS_HEADINGS = ['State', 'Due', 'Released', 'Delivered', 'Acknowledged', 'Reported'] as const;
