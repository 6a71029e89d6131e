// Control board: exercise lifecycle and clock, the teams × injects delivery grid with ages, inject actions
// (release now, skip, retime), the live ISM feed and how many consoles each team has open.
import type { IsmReportView } from '@drill/contracts';
import { api } from '../common/api.js';
import { byId, clear, h } from '../common/dom.js';
import { loadExercise, setupHeader, showConnection } from '../common/page.js';
import { connectLive } from '../common/socket.js';
import { buildBoard, renderScore, setupBoard } from './board.js';
import { exerciseId, me, state, type InjectColumn } from './context.js';
import { applyDelivery, loadPresence, loadTimeline, scheduleTimeline } from './data.js';
import { addToFeed } from './feed.js';
import { selectInject, setupInjectActions } from './inject-actions.js';
import { applyState, setupLifecycle } from './lifecycle.js';

const reviewLink = byId('review-link', HTMLAnchorElement);
if (me.role === 'observer') reviewLink.hidden = true;
else reviewLink.href = `evaluator.html?exercise=${encodeURIComponent(exerciseId)}`;
setupLifecycle();
setupBoard();
setupInjectActions();

state.exercise = await loadExercise(exerciseId);
setupHeader(me, { exerciseName: state.exercise.name });
document.title = `${state.exercise.name} — Control board`;
state.teams = state.exercise.teams;
applyState(state.exercise.clock);
for (const t of state.teams) byId('team-select').append(h('option', { value: t.id }, `Only ${t.code} (${t.name})`));

try {
  const sv = await api<{ scenario: { injects: (InjectColumn & { offsetSeconds: number })[] } }>(
    `/api/scenarios/${encodeURIComponent(state.exercise.scenarioId)}/versions/${state.exercise.scenarioVersion}`,
  );
  state.injects = [...sv.scenario.injects]
    .sort((a, b) => a.offsetSeconds - b.offsetSeconds)
    .map((i) => ({
      id: i.id,
      title: i.title,
      offset: i.offset,
      offsetSeconds: i.offsetSeconds,
      responseRequired: i.responseRequired,
      deadlineMinutes: i.deadlineMinutes,
      trigger: i.trigger,
    }));
} catch {
  /* observers cannot read scenarios: columns come from the timeline and live events */
}

await loadTimeline();
buildBoard();
clear(
  byId('inject-select'),
  state.injects.map((i) => h('option', { value: i.id }, `${i.id} · ${i.title}`)),
);
if (state.injects[0]) selectInject(state.injects[0].id, '', false);

if (me.role !== 'observer') {
  api<{ teams: { teamId: string; percent: number | null }[] }>(`/api/exercises/${exerciseId}/scorecards`)
    .then((s) => {
      for (const t of s.teams) {
        state.scores.set(t.teamId, t.percent);
        renderScore(t.teamId);
      }
    })
    .catch(() => undefined);
}
const reports = await api<IsmReportView[]>(`/api/exercises/${exerciseId}/ism/reports`).catch((): IsmReportView[] => []);
for (const r of [...reports].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt))) addToFeed(r, false);

await loadPresence();
setInterval(() => void loadPresence(), 10_000);
setInterval(() => scheduleTimeline(0), 20_000);

await connectLive(exerciseId, {
  onStatus: (s) => {
    showConnection(s);
    if (s === 'connected') {
      scheduleTimeline(0);
      void loadPresence();
    }
  },
  listen: (socket) => {
    socket.on('exercise.state', (s) => {
      applyState(s);
      scheduleTimeline();
    });
    socket.on('delivery', applyDelivery);
    socket.on('inject.skipped', () => scheduleTimeline(0));
    socket.on('ism.report', (r) => addToFeed(r, true));
    socket.on('score.update', (u) => {
      state.scores.set(u.teamId, u.percent);
      renderScore(u.teamId);
    });
  },
});
