// Control board: exercise lifecycle and clock, the teams × injects grid and the timeline (MSEL) view of the same
// deliveries in scenario time, the side panel with an inject's preview and actions (release now, skip, retime) or a
// team's drill-down, the live ISM feed, how many consoles each team has open, and the requests for assistance.
import type { CooperationView, IsmReportView } from '@drill/contracts';
import type { Inject } from '@drill/scenario';
import { api } from '../common/api.js';
import { byId, setupTabs } from '../common/dom.js';
import { loadExercise, setupHeader, showConnection } from '../common/page.js';
import { connectLive } from '../common/socket.js';
import { listenAssistance, setCooperation, setupAssistance } from './assistance.js';
import { renderScore, setupBoard } from './board.js';
import { listenComcheck, setupComcheck } from './comcheck.js';
import { exerciseId, me, state } from './context.js';
import { applyDelivery, loadPresence, loadTimeline, reorder, scheduleTimeline } from './data.js';
import { setupDetail } from './detail.js';
import { addToFeed } from './feed.js';
import { setupInjectActions } from './inject-actions.js';
import { applyState, setupLifecycle } from './lifecycle.js';
import { renderMsel, setupMsel } from './msel-view.js';
import { loadTeamScore } from './team-detail.js';

const reviewLink = byId('review-link', HTMLAnchorElement);
if (me.role === 'observer') reviewLink.hidden = true;
else reviewLink.href = `evaluator.html?exercise=${encodeURIComponent(exerciseId)}`;
setupLifecycle();
setupBoard();
setupMsel();
setupDetail();
setupTabs(byId('board-views'), (tab) => {
  state.view = tab === 'tab-timeline' ? 'timeline' : 'grid';
  renderMsel();
});

state.exercise = await loadExercise(exerciseId);
setupHeader(me, { exerciseName: state.exercise.name });
document.title = `${state.exercise.name} — Control board`;
state.teams = state.exercise.teams;
applyState(state.exercise.clock);
setupInjectActions();
setupComcheck();
setupAssistance();

try {
  const sv = await api<{ scenario: { injects: Inject[] } }>(
    `/api/scenarios/${encodeURIComponent(state.exercise.scenarioId)}/versions/${state.exercise.scenarioVersion}`,
  );
  state.injects = sv.scenario.injects.map((i) => ({
    id: i.id,
    title: i.title,
    offset: i.offset,
    offsetSeconds: i.offsetSeconds,
    responseRequired: i.responseRequired,
    deadlineMinutes: i.deadlineMinutes,
    trigger: i.trigger,
    authored: i,
  }));
} catch {
  /* observers cannot read scenarios: columns come from the timeline and live events */
}

await loadTimeline();
reorder(true);

if (me.role !== 'observer') {
  api<{ teams: { teamId: string; percent: number | null; cooperation?: CooperationView }[] }>(
    `/api/exercises/${exerciseId}/scorecards`,
  )
    .then((s) => {
      for (const t of s.teams) {
        state.scores.set(t.teamId, t.percent);
        renderScore(t.teamId);
      }
      setCooperation(s.teams);
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
    listenComcheck(socket);
    listenAssistance(socket);
    socket.on('inject.skipped', () => scheduleTimeline(0));
    socket.on('ism.report', (r) => addToFeed(r, true));
    socket.on('score.update', (u) => {
      state.scores.set(u.teamId, u.percent);
      renderScore(u.teamId);
      if (state.detail === 'team' && state.selectedTeam === u.teamId) void loadTeamScore(u.teamId);
    });
  },
});
