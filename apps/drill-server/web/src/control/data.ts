// Where the board's figures come from: the exercise timeline (read again, debounced, whenever something moved),
// the presence count, and the live `delivery` events in between. Every read puts the injects back in scenario-time
// order (msel.ts) and redraws the grid when that order moved.
import type { DeliveryEvent } from '@drill/contracts';
import { api, ApiError } from '../common/api.js';
import { byId } from '../common/dom.js';
import type { ClockState } from '../common/clock.js';
import { buildBoard, renderCell, renderPresence, renderSummary } from './board.js';
import { cellKey, clock, exerciseId, state, type Cell } from './context.js';
import { refreshDetail } from './detail.js';
import { applyState } from './lifecycle.js';
import { columnOrder, placeInjects } from './msel.js';
import { renderMsel } from './msel-view.js';

/** GET …/timeline: deliveries and reports (and audit events, which the board does not read). */
interface Timeline {
  clock: ClockState;
  entries: (
    | ({ kind: 'delivery' } & Cell)
    | { kind: 'report'; at: string; teamId: string | null; injectIds?: string[]; submittedScenarioMs?: number }
    | { kind: 'event' }
  )[];
}

/** A column for an inject the scenario did not list (observers cannot read scenarios). */
function ensureColumn(injectId: string): boolean {
  if (state.injects.some((i) => i.id === injectId)) return false;
  state.injects.push({ id: injectId, title: injectId });
  return true;
}

/** The column order and each conditional column's place, as last drawn: the grid is redrawn when they move. */
let drawnOrder = '';
const orderKey = () => {
  const m = placeInjects(state.injects, state.cells.values());
  state.injects = columnOrder(m);
  return m.placed.map((p) => `${p.inject.id}${p.inject.trigger ? `@${p.atMs}` : ''}`).join() + `|${m.unarmed.length}`;
};

/** Puts the injects in scenario-time order; redraws the grid when the order moved. */
export function reorder(force = false): void {
  const key = orderKey();
  if (force || key !== drawnOrder) {
    drawnOrder = key;
    buildBoard();
  }
  renderMsel();
  refreshDetail();
}

function applyTimeline(t: Timeline): void {
  const reported = new Map<string, { at: string; ms?: number }>();
  for (const e of t.entries) {
    if (e.kind !== 'report' || !e.teamId) continue;
    for (const injectId of e.injectIds ?? []) {
      const k = cellKey(e.teamId, injectId);
      const first = reported.get(k);
      if (first === undefined || e.at < first.at) reported.set(k, { at: e.at, ms: e.submittedScenarioMs });
    }
  }
  const cells = new Map<string, Cell>();
  for (const e of t.entries) {
    if (e.kind !== 'delivery') continue;
    const k = cellKey(e.teamId, e.injectId);
    const first = reported.get(k);
    cells.set(k, { ...e, reportedAt: first?.at, reportedScenarioMs: first?.ms });
    ensureColumn(e.injectId);
  }
  state.cells = cells;
  applyState(t.clock);
}

let timelineTimer: ReturnType<typeof setTimeout> | undefined;
export function scheduleTimeline(ms = 300): void {
  clearTimeout(timelineTimer);
  timelineTimer = setTimeout(() => void loadTimeline(), ms);
}

let timelineAllowed = true;
export async function loadTimeline(): Promise<void> {
  if (!timelineAllowed) return;
  try {
    applyTimeline(await api<Timeline>(`/api/exercises/${exerciseId}/timeline`));
    reorder();
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      timelineAllowed = false;
      const note = byId('board-note');
      note.hidden = false;
      note.textContent = 'The delivery grid needs the controller or evaluator role; it fills in from live events only.';
    }
  }
}

export async function loadPresence(): Promise<void> {
  try {
    const p = await api<{ teams: { teamId: string; connected: number }[] }>(`/api/exercises/${exerciseId}/presence`);
    for (const t of p.teams) {
      state.presence.set(t.teamId, t.connected);
      renderPresence(t.teamId);
    }
    renderSummary();
    if (state.detail === 'team') refreshDetail();
  } catch {
    /* shown as unknown */
  }
}

const RANK: Readonly<Record<string, number>> = { released: 1, delivered: 2, acknowledged: 3 };

/** A live `delivery` event: a release or a receipt of one (team, inject) pair. */
export function applyDelivery(d: DeliveryEvent): void {
  const k = cellKey(d.teamId, d.injectId);
  const c = state.cells.get(k) ?? { teamId: d.teamId, injectId: d.injectId };
  // Receipts may overtake each other: the pair keeps the furthest it got.
  const said = d.status ?? (d.acknowledgedAt ? 'acknowledged' : d.deliveredAt ? 'delivered' : 'released');
  const status = (RANK[c.status ?? ''] ?? 0) > (RANK[said] ?? 0) ? c.status : said;
  Object.assign(c, { status, seq: d.seq ?? c.seq });
  if (d.releasedAt) c.releasedAt = d.releasedAt;
  if (d.deliveredAt) c.deliveredAt = d.deliveredAt;
  if (d.acknowledgedAt) c.acknowledgedAt = d.acknowledgedAt;
  if (c.releasedScenarioMs == null) c.releasedScenarioMs = clock.scenarioMs;
  state.cells.set(k, c);
  if (ensureColumn(d.injectId)) reorder(true);
  renderCell(d.teamId, d.injectId);
  renderSummary();
  scheduleLive();
  // The released scenario time and lateness come with the next timeline read.
  if (!d.deliveredAt && !d.acknowledgedAt) scheduleTimeline(1000);
}

/** The timeline view and the open panel follow live events, at most a few times a second. */
let liveTimer: ReturnType<typeof setTimeout> | undefined;
export function scheduleLive(): void {
  if (liveTimer) return;
  liveTimer = setTimeout(() => {
    liveTimer = undefined;
    renderMsel();
    refreshDetail();
  }, 250);
}
