// What every part of the team console shares: whose console it is, for which exercise, and what it holds.
import type { ExerciseStatus, InjectPayload, IsmReportView } from '@drill/contracts';
import { DrillClock, type ClockState } from '../common/clock.js';
import { byId, clear } from '../common/dom.js';
import { formatScenario, statusBadge } from '../common/format.js';
import { exerciseIdFromUrl, requireUser, setupHeader } from '../common/page.js';
import type { DrillSocket } from '../common/socket.js';
import type { ExerciseView } from '../common/views.js';

export const exerciseId = exerciseIdFromUrl();
export const me = await requireUser(['participant']);
setupHeader(me);

/** An inject as the console holds it: the payload, with when this browser got it and when the team said "received". */
export interface HeldInject extends InjectPayload {
  deliveredAt?: string | null;
  acknowledgedAt?: string | null;
}

export const state: {
  exercise: ExerciseView | null;
  status: ExerciseStatus;
  injects: Map<string, HeldInject>;
  reports: Map<string, IsmReportView>;
  selected: string | null;
  /** Highest seq this page has received and acknowledged receipt of (the socket replays after it). */
  seenSeq: number;
  socket: DrillSocket | null;
  /** A draft's reply target and inject ticks, kept until the reports and injects they name have arrived. */
  pendingReply: string | undefined;
  pendingInjectChecks: Set<string> | undefined;
} = {
  exercise: null,
  status: 'draft',
  injects: new Map(),
  reports: new Map(),
  selected: null,
  seenSeq: 0,
  socket: null,
  pendingReply: undefined,
  pendingInjectChecks: undefined,
};

export const reportingOpen = () => state.status === 'running' || state.status === 'paused';

// Which injects this person has opened, per exercise, kept in the browser.
const readKey = `drill.read.${exerciseId}.${me.id}`;
const read = new Set<string>(JSON.parse(localStorage.getItem(readKey) ?? '[]') as string[]);
export const isRead = (injectId: string) => read.has(injectId);
export function markRead(injectId: string): void {
  if (read.has(injectId)) return;
  read.add(injectId);
  localStorage.setItem(readKey, JSON.stringify([...read]));
}

/** The injects, newest first. */
export const sortedInjects = () => [...state.injects.values()].sort((a, b) => b.seq - a.seq);

const tickListeners: ((scenarioMs: number) => void)[] = [];
/** Calls `listener` at every tick of the drill clock (every second, and on every state), with the scenario time. */
export const onClockTick = (listener: (scenarioMs: number) => void) => void tickListeners.push(listener);

export const clock = new DrillClock((_, ms) => {
  byId('clock').textContent = formatScenario(ms);
  for (const listener of tickListeners) listener(ms);
});

export function applyState(s: ClockState): void {
  state.status = s.status;
  clock.update(s);
  clear(byId('status'), statusBadge(s.status));
  byId('speed').textContent = s.speed === 1 ? 'real time' : `×${s.speed}`;
  byId('r-submit', HTMLButtonElement).disabled = !reportingOpen();
  byId('r-closed').hidden = reportingOpen();
}
