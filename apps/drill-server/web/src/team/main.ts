// Team console: live injects, acknowledgement, the ISM report form (with a draft that survives reloads and
// reconnects), the threads of reports the team may see, and requests for assistance between teams.
import type { InjectPayload, IsmReportView } from '@drill/contracts';
import { api } from '../common/api.js';
import { announce, byId } from '../common/dom.js';
import { loadExercise, setupHeader, showConnection } from '../common/page.js';
import { connectLive } from '../common/socket.js';
import { applyState, exerciseId, isRead, me, onClockTick, sortedInjects, state, type HeldInject } from './context.js';
import { refreshDeadlines } from './deadline.js';
import { feedbackOnStatus } from './feedback.js';
import { receiveInject, renderInjectList } from './inject-list.js';
import { renderInjectView } from './inject-view.js';
import { restoreDraft, setupDraft } from './report/draft.js';
import { setupFields } from './report/fields.js';
import { renderInjectOptions, renderReplyOptions } from './report/links.js';
import { setupPaste } from './report/paste.js';
import { setupRows } from './report/rows.js';
import { setupSubmit } from './report/submit.js';
import { setupSound } from './sound.js';
import { addReport, renderThreads } from './threads.js';
import { listenComcheck } from './comcheck.js';
import { listenAssistance, renderAssistanceInjects, setupAssistance } from './assistance.js';

setupSound();
setupFields();
setupRows();
setupPaste();
setupDraft();
setupSubmit();
onClockTick(refreshDeadlines);

state.exercise = await loadExercise(exerciseId);
setupHeader(me, { exerciseName: state.exercise.name });
const myTeam = state.exercise.teams?.find((t) => t.id === me.teamId);
byId('team-code').textContent = myTeam ? myTeam.code : '';
byId('team-code').title = myTeam ? myTeam.name : '';
applyState(state.exercise.clock);
feedbackOnStatus(state.exercise.status);
restoreDraft();

const [released, reports] = await Promise.all([
  api<HeldInject[]>(`/api/exercises/${exerciseId}/injects`).catch((): HeldInject[] => []),
  api<IsmReportView[]>(`/api/exercises/${exerciseId}/ism/reports`).catch((): IsmReportView[] => []),
]);
for (const p of released) state.injects.set(p.injectId, p);
// Replay from the first inject no browser has confirmed, so that its receipt gets recorded too.
const ordered = [...released].sort((a, b) => a.seq - b.seq);
const firstUndelivered = ordered.findIndex((p) => !p.deliveredAt);
state.seenSeq =
  firstUndelivered < 0 ? (ordered.at(-1)?.seq ?? 0) : firstUndelivered === 0 ? 0 : ordered[firstUndelivered - 1]!.seq;
for (const r of reports) state.reports.set(r.id, r);
renderInjectList();
renderThreads();
renderReplyOptions();
renderInjectOptions();
setupAssistance();
const firstUnread = sortedInjects().find((i) => !isRead(i.injectId));
if (firstUnread === undefined && sortedInjects().length) {
  state.selected = sortedInjects()[0]!.injectId;
  renderInjectList();
  renderInjectView();
}

state.socket = await connectLive(exerciseId, {
  lastSeq: () => state.seenSeq,
  onStatus: showConnection,
  listen: (socket) => {
    socket.on('inject', (p: InjectPayload, delivered) => {
      receiveInject(p, true);
      renderAssistanceInjects();
      delivered?.();
    });
    socket.on('exercise.state', (s) => {
      applyState(s);
      feedbackOnStatus(s.status);
    });
    listenComcheck(socket);
    listenAssistance(socket);
    socket.on('ism.report', (r) => {
      if (addReport(r) && r.authorUserId !== me.id)
        announce(`New shared report from ${r.teamCode ?? 'drill control'}: ${r.title}`);
    });
  },
});
