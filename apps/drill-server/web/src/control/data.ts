// Where the board's figures come from: the exercise timeline (read again, debounced, whenever something moved),
// the presence count, and the live `delivery` events in between.
import type { DeliveryEvent } from '@drill/contracts';
import { api, ApiError } from '../common/api.js';
import { byId } from '../common/dom.js';
import type { ClockState } from '../common/clock.js';
import { buildBoard, renderCell, renderPresence, renderSummary } from './board.js';
import { cellKey, clock, exerciseId, state, type Cell } from './context.js';
import { renderInjectDetail } from './inject-actions.js';
import { applyState } from './lifecycle.js';

/** GET …/timeline: deliveries and reports (and audit events, which the board does not read). */
interface Timeline {
  clock: ClockState;
  entries: (
    | ({ kind: 'delivery' } & Cell)
    | { kind: 'report'; at: string; teamId: string | null; injectIds?: string[] }
    | { kind: 'event' }
  )[];
}

/** A column for an inject the scenario did not list (observers cannot read scenarios). */
function ensureColumn(injectId: string): boolean {
  if (state.injects.some((i) => i.id === injectId)) return false;
  state.injects.push({ id: injectId, title: injectId });
  return true;
}

function applyTimeline(t: Timeline): void {
  const reported = new Map<string, string>();
  for (const e of t.entries) {
    if (e.kind !== 'report' || !e.teamId) continue;
    for (const injectId of e.injectIds ?? []) {
      const k = cellKey(e.teamId, injectId);
      const first = reported.get(k);
      if (first === undefined || e.at < first) reported.set(k, e.at);
    }
  }
  const cells = new Map<string, Cell>();
  for (const e of t.entries) {
    if (e.kind !== 'delivery') continue;
    const k = cellKey(e.teamId, e.injectId);
    cells.set(k, { ...e, reportedAt: reported.get(k) });
    ensureColumn(e.injectId);
  }
  state.cells = cells;
  applyState(t.clock);
  renderInjectDetail();
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
    const t = await api<Timeline>(`/api/exercises/${exerciseId}/timeline`);
    const before = state.injects.length;
    applyTimeline(t);
    if (state.injects.length !== before) buildBoard();
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
  } catch {
    /* shown as unknown */
  }
}

/** A live `delivery` event: a release or a receipt of one (team, inject) pair. */
export function applyDelivery(d: DeliveryEvent): void {
  const k = cellKey(d.teamId, d.injectId);
  const c = state.cells.get(k) ?? { teamId: d.teamId, injectId: d.injectId };
  Object.assign(c, { status: 'released', seq: d.seq ?? c.seq });
  if (d.releasedAt) c.releasedAt = d.releasedAt;
  if (d.deliveredAt) c.deliveredAt = d.deliveredAt;
  if (d.acknowledgedAt) c.acknowledgedAt = d.acknowledgedAt;
  if (c.releasedScenarioMs == null) c.releasedScenarioMs = clock.scenarioMs;
  state.cells.set(k, c);
  if (ensureColumn(d.injectId)) buildBoard();
  renderCell(d.teamId, d.injectId);
  renderSummary();
  if (state.selectedInject === d.injectId) renderInjectDetail();
  // The released scenario time and lateness come with the next timeline read.
  if (!d.deliveredAt && !d.acknowledgedAt) scheduleTimeline(1000);
}
