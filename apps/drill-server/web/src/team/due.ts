// When a team's response to an inject is due, and where it stands, all in scenario time: the drill clock's pause
// stops a countdown and its speed factor runs it (at ×60 a 30-minute deadline is 30 seconds of wall time).
import type { InjectPayload } from '@drill/contracts';
import { formatScenario } from '../common/format.js';

const MIN = 60_000;

export interface Due {
  /** A deadline scores 0 after it; a target is only where timeliness starts to fall. */
  kind: 'deadline' | 'target';
  /** Scenario ms. */
  atMs: number;
}

type Timing = Pick<
  InjectPayload,
  'responseRequired' | 'deadlineMinutes' | 'targetMinutes' | 'releasedScenarioMs' | 'deadlineScenarioMs'
>;

/** When the response to an inject is due: its deadline, else its target; nothing when no response is required. */
export function dueOf(i: Timing): Due | undefined {
  if (!i.responseRequired) return undefined;
  if (i.deadlineScenarioMs !== null && i.deadlineScenarioMs !== undefined)
    return { kind: 'deadline', atMs: i.deadlineScenarioMs };
  if (i.releasedScenarioMs === undefined) return undefined;
  if (i.deadlineMinutes !== null && i.deadlineMinutes !== undefined)
    return { kind: 'deadline', atMs: i.releasedScenarioMs + i.deadlineMinutes * MIN };
  if (i.targetMinutes !== null && i.targetMinutes !== undefined)
    return { kind: 'target', atMs: i.releasedScenarioMs + i.targetMinutes * MIN };
  return undefined;
}

export type DueState =
  | { state: 'open'; leftMs: number }
  | { state: 'overdue'; pastMs: number }
  | { state: 'answered'; atMs: number; late: boolean };

/** Where a due response stands at scenario time `nowMs`, given when the team first reported on it (if it has). */
export function dueState(due: Due, nowMs: number, answeredMs?: number): DueState {
  if (answeredMs !== undefined) return { state: 'answered', atMs: answeredMs, late: answeredMs > due.atMs };
  return nowMs < due.atMs
    ? { state: 'open', leftMs: due.atMs - nowMs }
    : { state: 'overdue', pastMs: nowMs - due.atMs };
}

/** A scenario-time span as people say it: "45 s", "29 min 30 s", "1 h 05 min". Counts down in whole seconds. */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The short cue of the inject list: "due in 29 min 30 s", "Overdue", "answered". */
export function shortCue(due: Due, st: DueState): string {
  switch (st.state) {
    case 'open':
      return `${due.kind === 'deadline' ? 'due' : 'target'} in ${formatSpan(st.leftMs)}`;
    case 'overdue':
      return due.kind === 'deadline' ? 'Overdue' : 'Past target';
    case 'answered':
      return st.late ? `answered after the ${due.kind}` : 'answered';
  }
}

/** The full sentence of the inject view, in scenario time. */
export function longCue(due: Due, st: DueState): string {
  const what = due.kind === 'deadline' ? 'Deadline' : 'Target';
  const at = formatScenario(due.atMs);
  switch (st.state) {
    case 'open':
      return `${what} ${at} — ${formatSpan(st.leftMs)} left (scenario time)`;
    case 'overdue':
      return `${due.kind === 'deadline' ? 'Overdue' : 'Past target'}: the ${due.kind} ${at} passed ${formatSpan(st.pastMs)} ago (scenario time)`;
    case 'answered':
      return `${what} ${at} — answered at ${formatScenario(st.atMs)}${st.late ? `, after the ${due.kind}` : ''}`;
  }
}
