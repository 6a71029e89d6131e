// Evaluator review: scorecards with their explanations, score overrides with justification, HSEEP objective
// ratings, and the after-action report.
import { errorText } from '../common/api.js';
import { DrillClock, type ClockState } from '../common/clock.js';
import { byId, clear, h, toast } from '../common/dom.js';
import { formatScenario, statusBadge } from '../common/format.js';
import { loadExercise, setupHeader, showConnection } from '../common/page.js';
import { connectLive } from '../common/socket.js';
import { loadAar, renderAar } from './aar/workspace.js';
import { canEdit, exerciseId, me, state } from './context.js';
import { loadFeedback } from './feedback.js';
import { loadScores } from './scores.js';

byId('board-link', HTMLAnchorElement).href = `control.html?exercise=${encodeURIComponent(exerciseId)}`;
byId('readonly-note').hidden = canEdit;

const clock = new DrillClock((_, ms) => (byId('clock').textContent = formatScenario(ms)));

function applyState(s: ClockState): void {
  const ended = (x: string | undefined) => x === 'completed' || x === 'aborted';
  const changed = state.status !== undefined && ended(s.status) !== ended(state.status);
  state.status = s.status;
  clock.update(s);
  clear(byId('status'), statusBadge(s.status));
  // Publishing opens when the exercise ends.
  if (changed && state.aar.available) renderAar();
  if (changed) void loadFeedback(); // the form opens at ENDEX
}

state.exercise = await loadExercise(exerciseId);
setupHeader(me, { exerciseName: `${state.exercise.name} — review` });
document.title = `${state.exercise.name} — Evaluator review`;
applyState(state.exercise.clock);
try {
  await loadScores();
} catch (e) {
  clear(byId('scorecard'), h('p', { class: 'error-box' }, errorText(e)));
}
await loadAar();
await loadFeedback();
byId('refresh').addEventListener('click', () => void loadScores().catch((e: unknown) => toast(errorText(e), 'error')));

// A half-typed override or rating must not vanish under a live refresh: any edit holds refreshes back.
for (const id of ['scorecard', 'objectives'])
  for (const ev of ['input', 'change']) byId(id).addEventListener(ev, () => (state.dirty = true));
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
await connectLive(exerciseId, {
  onStatus: showConnection,
  listen: (socket) => {
    socket.on('exercise.state', applyState);
    const refreshSoon = () => {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => {
        if (state.dirty) byId('stale').hidden = false;
        else loadScores().catch(() => (byId('stale').hidden = false));
      }, 500);
    };
    socket.on('score.update', refreshSoon);
    // An answer to a request for assistance moves the team's cooperation score.
    socket.on('assistance.update', refreshSoon);
  },
});
