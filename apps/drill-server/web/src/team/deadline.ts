// The deadline cues of the team console: a short one in the inject list, a sentence in the inject view, both kept
// current by the drill clock's tick. The cues are text (never colour alone); only the moment an inject becomes
// overdue is announced (politely), not every tick of a countdown.
import { announce, clear, h } from '../common/dom.js';
import { wallTime } from '../common/format.js';
import { clock, me, state, type HeldInject } from './context.js';
import { dueOf, dueState, longCue, shortCue, type Due, type DueState } from './due.js';

/** When the team first reported on the inject, in scenario ms: any report of the team that names it. */
function answeredMs(injectId: string): number | undefined {
  let first: number | undefined;
  for (const r of state.reports.values()) {
    if (r.teamId !== me.teamId || !r.injectIds?.includes(injectId)) continue;
    if (first === undefined || r.submittedScenarioMs < first) first = r.submittedScenarioMs;
  }
  return first;
}

function standing(i: HeldInject, nowMs: number): { due: Due; st: DueState } | undefined {
  const due = dueOf(i);
  return due && { due, st: dueState(due, nowMs, answeredMs(i.injectId)) };
}

/** Fills a cue element; it is rebuilt only when what it says changes, so a tooltip or a reader is not interrupted. */
function fill(el: HTMLElement, due: Due, st: DueState): void {
  const long = el.dataset.dueForm === 'long';
  const text = long ? longCue(due, st) : shortCue(due, st);
  // The wall time is worth showing only while the clock runs (a paused clock has none) and the answer is awaited.
  const wall = long && st.state !== 'answered' ? clock.wallAt(due.atMs) : undefined;
  const wallMs = wall === undefined ? undefined : Math.round(wall / 1000) * 1000;
  const key = `${text}|${wallMs ?? (long ? 'paused' : '')}`;
  if (el.dataset.key === key) return;
  el.dataset.key = key;
  el.dataset.dueState = st.state;
  el.className = `${long ? 'due-line' : 'due'} due-${st.state}`;
  if (!long) {
    el.textContent = text;
    return;
  }
  clear(
    el,
    h('span', { class: 'due-text' }, text),
    st.state === 'answered'
      ? ''
      : wallMs !== undefined
        ? [' · ', st.state === 'open' ? 'due at ' : 'passed at ', wallTime(wallMs)]
        : ' · the clock is paused',
  );
}

/** The list's cue for an inject whose response is due; '' when none is. */
export function dueCue(i: HeldInject): HTMLSpanElement | '' {
  const s = standing(i, clock.scenarioMs);
  if (!s) return '';
  const el = h('span', { class: 'due', dataset: { dueInject: i.injectId, dueForm: 'short' } });
  fill(el, s.due, s.st);
  return el;
}

/** The inject view's sentence on when the response is due, and its wall time; '' when none is. */
export function dueLine(i: HeldInject): HTMLParagraphElement | '' {
  const s = standing(i, clock.scenarioMs);
  if (!s) return '';
  const el = h('p', { class: 'due-line', dataset: { dueInject: i.injectId, dueForm: 'long' } });
  fill(el, s.due, s.st);
  return el;
}

/** What each inject's cue last said, to announce the change to overdue once. */
const lastState = new Map<string, DueState['state']>();

/** Brings every cue on the page to scenario time `nowMs` (the drill clock's tick). */
export function refreshDeadlines(nowMs: number): void {
  for (const i of state.injects.values()) {
    const s = standing(i, nowMs);
    if (!s) continue;
    const before = lastState.get(i.injectId);
    lastState.set(i.injectId, s.st.state);
    if (before === 'open' && s.st.state === 'overdue' && s.due.kind === 'deadline')
      announce(`Inject ${i.injectId} is overdue: its response deadline has passed.`);
    for (const el of document.querySelectorAll<HTMLElement>(`[data-due-inject="${CSS.escape(i.injectId)}"]`))
      fill(el, s.due, s.st);
  }
}
